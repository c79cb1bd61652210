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
 * One reading of the phone app's accelerometer (accelerometer_landing), and a row of
 * accelerometer_trusted. {@code user} is the customer's email as the app sent it; {@code timestamp}
 * is epoch milliseconds. Several readings of one user at one millisecond are normal and distinct.
 */
@DefaultCoder(AccelerometerReading.Coder.class)
public record AccelerometerReading(String user, long timestamp, double x, double y, double z) {

  /** The columns of every accelerometer table, in source order. */
  public static final List<Column> COLUMNS =
      List.of(
          Column.required("user", STRING),
          Column.required("timestamp", BIGINT),
          Column.required("x", DOUBLE),
          Column.required("y", DOUBLE),
          Column.required("z", DOUBLE));

  /** The Beam schema of accelerometer rows: the {@link #COLUMNS} in order, none nullable. */
  public static final Schema SCHEMA = RecordRows.schemaOf(COLUMNS);

  private static final RecordRows.Fields FIELDS = RecordRows.fields("AccelerometerReading", COLUMNS);

  public AccelerometerReading {
    Objects.requireNonNull(user, "user");
  }

  /** The user's email as every join compares it (see {@link Customer#normalizeEmail}). */
  public String normalizedUser() {
    return Customer.normalizeEmail(user);
  }

  /** This reading as a row of {@link #SCHEMA}. */
  public Row toRow() {
    return Row.withSchema(SCHEMA).addValues(user, timestamp, x, y, z).build();
  }

  /**
   * The reading of a row whose schema has the {@link #COLUMNS} by name, in any order, among other
   * fields. {@code fromRow(r.toRow())} equals {@code r}.
   *
   * @throws IllegalArgumentException naming the field, when a column is missing or null, or has a
   *     type other than its column's ({@code INT32}, {@code INT16} or {@code BYTE} are accepted for
   *     {@code INT64}, {@code FLOAT} for {@code DOUBLE})
   */
  public static AccelerometerReading fromRow(Row row) {
    return new AccelerometerReading(
        FIELDS.string(row, "user"),
        FIELDS.bigint(row, "timestamp"),
        FIELDS.number(row, "x"),
        FIELDS.number(row, "y"),
        FIELDS.number(row, "z"));
  }

  /**
   * Converts rows to readings with {@link #fromRow}; the output has the reading coder.
   * Element-wise: works on bounded and unbounded input.
   */
  public static PTransform<PCollection<Row>, PCollection<AccelerometerReading>> fromRows() {
    return RecordRows.fromRows(AccelerometerReading.class, AccelerometerReading::fromRow, Coder.of());
  }

  /** Converts readings to rows of {@link #SCHEMA}, which the output carries as its row schema. */
  public static PTransform<PCollection<AccelerometerReading>, PCollection<Row>> toRows() {
    return RecordRows.toRows(AccelerometerReading.class, AccelerometerReading::toRow, SCHEMA);
  }

  /** The Beam coder of accelerometer readings: deterministic, no reflection. */
  public static final class Coder extends RecordCoder<AccelerometerReading> {
    private static final Coder INSTANCE = new Coder();

    private Coder() {}

    public static Coder of() {
      return INSTANCE;
    }

    /** Lets {@code @DefaultCoder} find this coder. */
    public static CoderProvider getCoderProvider() {
      return providerFor(AccelerometerReading.class, INSTANCE);
    }

    @Override
    public void encode(AccelerometerReading r, OutputStream out) throws IOException {
      Wire.writeString(r.user, out);
      Wire.writeLong(r.timestamp, out);
      Wire.writeDouble(r.x, out);
      Wire.writeDouble(r.y, out);
      Wire.writeDouble(r.z, out);
    }

    @Override
    public AccelerometerReading decode(InputStream in) throws IOException {
      return new AccelerometerReading(
          Wire.readString(in),
          Wire.readLong(in),
          Wire.readDouble(in),
          Wire.readDouble(in),
          Wire.readDouble(in));
    }
  }
}
