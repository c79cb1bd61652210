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
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

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

  /** The Beam schema of step trainer rows: the {@link #COLUMNS} in order, none nullable. */
  public static final Schema SCHEMA = RecordRows.schemaOf(COLUMNS);

  private static final RecordRows.Fields FIELDS = RecordRows.fields("StepTrainerReading", COLUMNS);

  public StepTrainerReading {
    Objects.requireNonNull(serialNumber, "serialNumber");
  }

  /** This reading as a row of {@link #SCHEMA}. */
  public Row toRow() {
    return Row.withSchema(SCHEMA).addValues(sensorReadingTime, serialNumber, distanceFromObject).build();
  }

  /**
   * The reading of a row whose schema has the {@link #COLUMNS} by name, in any order, among other
   * fields. {@code fromRow(r.toRow())} equals {@code r}.
   *
   * @throws IllegalArgumentException naming the field, when a column is missing or null, or has a
   *     type other than its column's ({@code INT32}, {@code INT16} or {@code BYTE} are accepted for
   *     {@code INT64})
   */
  public static StepTrainerReading fromRow(Row row) {
    return new StepTrainerReading(
        FIELDS.bigint(row, "sensorReadingTime"),
        FIELDS.string(row, "serialNumber"),
        FIELDS.bigint(row, "distanceFromObject"));
  }

  /**
   * Converts rows to readings with {@link #fromRow}; the output has the reading coder.
   * Element-wise: works on bounded and unbounded input.
   */
  public static PTransform<PCollection<Row>, PCollection<StepTrainerReading>> fromRows() {
    return RecordRows.fromRows(StepTrainerReading.class, StepTrainerReading::fromRow, Coder.of());
  }

  /** Converts readings to rows of {@link #SCHEMA}, which the output carries as its row schema. */
  public static PTransform<PCollection<StepTrainerReading>, PCollection<Row>> toRows() {
    return RecordRows.toRows(StepTrainerReading.class, StepTrainerReading::toRow, SCHEMA);
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
