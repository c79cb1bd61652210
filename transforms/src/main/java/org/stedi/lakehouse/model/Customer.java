package org.stedi.lakehouse.model;

import static org.stedi.lakehouse.model.ColumnType.BIGINT;
import static org.stedi.lakehouse.model.ColumnType.STRING;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.beam.sdk.coders.CoderProvider;
import org.apache.beam.sdk.coders.DefaultCoder;

/**
 * One customer record as the STEDI website wrote it (customer_landing), and a row of
 * customer_trusted and customers_curated.
 *
 * <p>{@code email} and {@code serialNumber} are always present. The free-text fields
 * ({@code customerName}, {@code phone}, {@code birthDay}) are kept exactly as the source gave them.
 * The epoch-millisecond fields are {@code null} when the source had no value; a {@code null}
 * {@code shareWith...AsOfDate} means no consent of that kind.
 */
@DefaultCoder(Customer.Coder.class)
public record Customer(
    String customerName,
    String email,
    String phone,
    String birthDay,
    String serialNumber,
    Long registrationDate,
    Long lastUpdateDate,
    Long shareWithResearchAsOfDate,
    Long shareWithPublicAsOfDate,
    Long shareWithFriendsAsOfDate) {

  /** The columns of every customer table, in source order. */
  public static final List<Column> COLUMNS =
      List.of(
          Column.optional("customerName", STRING),
          Column.required("email", STRING),
          Column.optional("phone", STRING),
          Column.optional("birthDay", STRING),
          Column.required("serialNumber", STRING),
          Column.optional("registrationDate", BIGINT),
          Column.optional("lastUpdateDate", BIGINT),
          Column.optional("shareWithResearchAsOfDate", BIGINT),
          Column.optional("shareWithPublicAsOfDate", BIGINT),
          Column.optional("shareWithFriendsAsOfDate", BIGINT));

  public Customer {
    Objects.requireNonNull(email, "email");
    Objects.requireNonNull(serialNumber, "serialNumber");
  }

  /** Whether the customer agreed to share data for research (at some date). */
  public boolean sharesWithResearch() {
    return shareWithResearchAsOfDate != null;
  }

  /** The email as every join compares it: trimmed and lower-cased. */
  public String normalizedEmail() {
    return normalizeEmail(email);
  }

  /**
   * Normalises an email for comparison: leading and trailing white space removed, lower-cased
   * without regard to the default locale.
   */
  public static String normalizeEmail(String email) {
    return email.strip().toLowerCase(Locale.ROOT);
  }

  /** The Beam coder of customer records: deterministic, no reflection. */
  public static final class Coder extends RecordCoder<Customer> {
    private static final Coder INSTANCE = new Coder();

    private Coder() {}

    public static Coder of() {
      return INSTANCE;
    }

    /** Lets {@code @DefaultCoder} find this coder. */
    public static CoderProvider getCoderProvider() {
      return providerFor(Customer.class, INSTANCE);
    }

    @Override
    public void encode(Customer c, OutputStream out) throws IOException {
      Wire.writeNullableString(c.customerName, out);
      Wire.writeString(c.email, out);
      Wire.writeNullableString(c.phone, out);
      Wire.writeNullableString(c.birthDay, out);
      Wire.writeString(c.serialNumber, out);
      Wire.writeNullableLong(c.registrationDate, out);
      Wire.writeNullableLong(c.lastUpdateDate, out);
      Wire.writeNullableLong(c.shareWithResearchAsOfDate, out);
      Wire.writeNullableLong(c.shareWithPublicAsOfDate, out);
      Wire.writeNullableLong(c.shareWithFriendsAsOfDate, out);
    }

    @Override
    public Customer decode(InputStream in) throws IOException {
      return new Customer(
          Wire.readNullableString(in),
          Wire.readString(in),
          Wire.readNullableString(in),
          Wire.readNullableString(in),
          Wire.readString(in),
          Wire.readNullableLong(in),
          Wire.readNullableLong(in),
          Wire.readNullableLong(in),
          Wire.readNullableLong(in),
          Wire.readNullableLong(in));
    }
  }
}
