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

  public AccelerometerReading {
    Objects.requireNonNull(user, "user");
  }

  /** The user's email as every join compares it (see {@link Customer#normalizeEmail}). */
  public String normalizedUser() {
    return Customer.normalizeEmail(user);
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
