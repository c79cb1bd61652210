package org.stedi.lakehouse.model;

import static org.stedi.lakehouse.model.ColumnType.BIGINT;
import static org.stedi.lakehouse.model.ColumnType.STRING;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.coders.CoderProvider;
import org.apache.beam.sdk.coders.DefaultCoder;

/**
 * One reading of a step trainer's distance sensor (step_trainer_landing), and a row of
 * step_trainer_trusted. {@code serialNumber} is the device's own, correct serial number;
 * {@code sensorReadingTime} is epoch milliseconds.
 */
@DefaultCoder(StepTrainerReading.Coder.class)
public record StepTrainerReading(long sensorReadingTime, String serialNumber, long distanceFromObject) {

  /** The columns of every step trainer table, in source order. */
  public static final List<Column> COLUMNS =
      List.of(
          Column.required("sensorReadingTime", BIGINT),
          Column.required("serialNumber", STRING),
          Column.required("distanceFromObject", BIGINT));

  public StepTrainerReading {
    Objects.requireNonNull(serialNumber, "serialNumber");
  }

  /** The Beam coder of step trainer readings: deterministic, no reflection. */
  public static final class Coder extends RecordCoder<StepTrainerReading> {
    private static final Coder INSTANCE = new Coder();

    private Coder() {}

    public static Coder of() {
      return INSTANCE;
    }

    /** Lets {@code @DefaultCoder} find this coder. */
    public static CoderProvider getCoderProvider() {
      return providerFor(StepTrainerReading.class, INSTANCE);
    }

    @Override
    public void encode(StepTrainerReading r, OutputStream out) throws IOException {
      Wire.writeLong(r.sensorReadingTime, out);
      Wire.writeString(r.serialNumber, out);
      Wire.writeLong(r.distanceFromObject, out);
    }

    @Override
    public StepTrainerReading decode(InputStream in) throws IOException {
      return new StepTrainerReading(Wire.readLong(in), Wire.readString(in), Wire.readLong(in));
    }
  }
}
