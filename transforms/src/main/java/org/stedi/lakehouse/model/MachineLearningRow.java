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
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

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

  /** The Beam schema of machine-learning rows: the {@link #COLUMNS} in order, none nullable. */
  public static final Schema SCHEMA = RecordRows.schemaOf(COLUMNS);

  private static final RecordRows.Fields FIELDS = RecordRows.fields("MachineLearningRow", COLUMNS);

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

  /** This record as a row of {@link #SCHEMA}. */
  public Row toRow() {
    return Row.withSchema(SCHEMA).addValues(sensorReadingTime, serialNumber, distanceFromObject, x, y, z).build();
  }

  /**
   * The record of a row whose schema has the {@link #COLUMNS} by name, in any order, among other
   * fields. {@code fromRow(r.toRow())} equals {@code r}.
   *
   * @throws IllegalArgumentException naming the field, when a column is missing or null, or has a
   *     type other than its column's ({@code INT32}, {@code INT16} or {@code BYTE} are accepted for
   *     {@code INT64}, {@code FLOAT} for {@code DOUBLE})
   */
  public static MachineLearningRow fromRow(Row row) {
    return new MachineLearningRow(
        FIELDS.bigint(row, "sensorReadingTime"),
        FIELDS.string(row, "serialNumber"),
        FIELDS.bigint(row, "distanceFromObject"),
        FIELDS.number(row, "x"),
        FIELDS.number(row, "y"),
        FIELDS.number(row, "z"));
  }

  /**
   * Converts rows to records with {@link #fromRow}; the output has the record coder. Element-wise:
   * works on bounded and unbounded input.
   */
  public static PTransform<PCollection<Row>, PCollection<MachineLearningRow>> fromRows() {
    return RecordRows.fromRows(MachineLearningRow.class, MachineLearningRow::fromRow, Coder.of());
  }

  /** Converts records to rows of {@link #SCHEMA}, which the output carries as its row schema. */
  public static PTransform<PCollection<MachineLearningRow>, PCollection<Row>> toRows() {
    return RecordRows.toRows(MachineLearningRow.class, MachineLearningRow::toRow, SCHEMA);
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
