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
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

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

  /**
   * The Beam schema of customer rows: the {@link #COLUMNS} in order, {@code STRING} and {@code
   * INT64} fields, the optional columns nullable.
   */
  public static final Schema SCHEMA = RecordRows.schemaOf(COLUMNS);

  private static final RecordRows.Fields FIELDS = RecordRows.fields("Customer", COLUMNS);

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

  /** This customer as a row of {@link #SCHEMA}. */
  public Row toRow() {
    return Row.withSchema(SCHEMA)
        .addValues(
            customerName,
            email,
            phone,
            birthDay,
            serialNumber,
            registrationDate,
            lastUpdateDate,
            shareWithResearchAsOfDate,
            shareWithPublicAsOfDate,
            shareWithFriendsAsOfDate)
        .build();
  }

  /**
   * The customer of a row whose schema has the {@link #COLUMNS} by name, in any order, among other
   * fields; an optional column the row lacks is null. {@code fromRow(c.toRow())} equals {@code c}.
   *
   * @throws IllegalArgumentException naming the field, when {@code email} or {@code serialNumber}
   *     is missing or null, or a field has a type other than its column's (integer fields of fewer
   *     bits are accepted for {@code INT64})
   */
  public static Customer fromRow(Row row) {
    return new Customer(
        FIELDS.string(row, "customerName"),
        FIELDS.string(row, "email"),
        FIELDS.string(row, "phone"),
        FIELDS.string(row, "birthDay"),
        FIELDS.string(row, "serialNumber"),
        FIELDS.bigint(row, "registrationDate"),
        FIELDS.bigint(row, "lastUpdateDate"),
        FIELDS.bigint(row, "shareWithResearchAsOfDate"),
        FIELDS.bigint(row, "shareWithPublicAsOfDate"),
        FIELDS.bigint(row, "shareWithFriendsAsOfDate"));
  }

  /**
   * Converts rows (from Beam SQL or any schema-aware IO) to customers with {@link #fromRow}; the
   * output has the customer coder. Element-wise: works on bounded and unbounded input.
   */
  public static PTransform<PCollection<Row>, PCollection<Customer>> fromRows() {
    return RecordRows.fromRows(Customer.class, Customer::fromRow, Coder.of());
  }

  /** Converts customers to rows of {@link #SCHEMA}, which the output carries as its row schema. */
  public static PTransform<PCollection<Customer>, PCollection<Row>> toRows() {
    return RecordRows.toRows(Customer.class, Customer::toRow, SCHEMA);
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
