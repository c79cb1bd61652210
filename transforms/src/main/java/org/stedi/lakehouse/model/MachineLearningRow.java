package org.stedi.lakehouse.model;

import static org.stedi.lakehouse.model.ColumnType.BIGINT;
import static org.stedi.lakehouse.model.ColumnType.DOUBLE;
import static org.stedi.lakehouse.model.ColumnType.STRING;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.coders.CoderProvider;
import org.apache.beam.sdk.coders.DefaultCoder;

/**
 * A row of machine_learning_curated: one step trainer reading paired with one accelerometer reading
 * taken at the same millisecond. It carries no personal field: no email, name, phone or birthday.
 */
@DefaultCoder(MachineLearningRow.Coder.class)
public record MachineLearningRow(
    long sensorReadingTime, String serialNumber, long distanceFromObject, double x, double y, double z) {

  /** The columns of machine_learning_curated. */
  public static final List<Column> COLUMNS =
      List.of(
          Column.required("sensorReadingTime", BIGINT),
          Column.required("serialNumber", STRING),
          Column.required("distanceFromObject", BIGINT),
          Column.required("x", DOUBLE),
          Column.required("y", DOUBLE),
          Column.required("z", DOUBLE));

  public MachineLearningRow {
    Objects.requireNonNull(serialNumber, "serialNumber");
  }

  /** The row that pairs a step trainer reading with an accelerometer reading. */
  public static MachineLearningRow pair(StepTrainerReading step, AccelerometerReading accelerometer) {
    return new MachineLearningRow(
        step.sensorReadingTime(),
        step.serialNumber(),
        step.distanceFromObject(),
        accelerometer.x(),
        accelerometer.y(),
        accelerometer.z());
  }

  /** The Beam coder of machine-learning rows: deterministic, no reflection. */
  public static final class Coder extends RecordCoder<MachineLearningRow> {
    private static final Coder INSTANCE = new Coder();

    private Coder() {}

    public static Coder of() {
      return INSTANCE;
    }

    /** Lets {@code @DefaultCoder} find this coder. */
    public static CoderProvider getCoderProvider() {
      return providerFor(MachineLearningRow.class, INSTANCE);
    }

    @Override
    public void encode(MachineLearningRow r, OutputStream out) throws IOException {
      Wire.writeLong(r.sensorReadingTime, out);
      Wire.writeString(r.serialNumber, out);
      Wire.writeLong(r.distanceFromObject, out);
      Wire.writeDouble(r.x, out);
      Wire.writeDouble(r.y, out);
      Wire.writeDouble(r.z, out);
    }

    @Override
    public MachineLearningRow decode(InputStream in) throws IOException {
      return new MachineLearningRow(
          Wire.readLong(in),
          Wire.readString(in),
          Wire.readLong(in),
          Wire.readDouble(in),
          Wire.readDouble(in),
          Wire.readDouble(in));
    }
  }
}
