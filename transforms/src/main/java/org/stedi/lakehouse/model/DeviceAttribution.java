package org.stedi.lakehouse.model;

import static org.stedi.lakehouse.model.ColumnType.BIGINT;
import static org.stedi.lakehouse.model.ColumnType.STRING;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.beam.sdk.coders.CoderProvider;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * Whose step trainer a device is, as its readings tell (the lake contract's device-ownership rule):
 * the verdict on one device, with the evidence it rests on. Never written to a table.
 *
 * @param serialNumber the device, as its step trainer readings carry it
 * @param verdict whether the device has an owner, and if not, why
 * @param owner the owner's email, trimmed and lower-cased, when {@code verdict} is {@link
 *     Verdict#OWNED}; null otherwise
 * @param readingTimes the device's distinct reading times (milliseconds)
 * @param bestEvidence the largest number of those times at which one user's phone recorded too (the
 *     owner's, when there is one); 0 when no phone recorded with the device
 * @param runnerUpEvidence the largest such number of any other user; 0 when there is none
 */
@DefaultCoder(DeviceAttribution.Coder.class)
public record DeviceAttribution(
    String serialNumber, Verdict verdict, String owner, long readingTimes, long bestEvidence, long runnerUpEvidence) {

  /** The outcome for one device, in the order the rule tests them. */
  public enum Verdict {
    /** No phone recorded at any of the device's reading times. */
    NO_PHONE,
    /** The best user's evidence is half of the device's reading times or less. */
    NO_MAJORITY,
    /** Two users have the best evidence, each more than half of the reading times. */
    TIE,
    /** One user has more than half of the reading times and more than anyone else. */
    OWNED
  }

  /**
   * The columns of a device attribution as a row: the record's components in order, {@code verdict}
   * as the name of its {@link Verdict}, {@code owner} the only optional one.
   */
  public static final List<Column> COLUMNS =
      List.of(
          Column.required("serialNumber", STRING),
          Column.required("verdict", STRING),
          Column.optional("owner", STRING),
          Column.required("readingTimes", BIGINT),
          Column.required("bestEvidence", BIGINT),
          Column.required("runnerUpEvidence", BIGINT));

  /** The Beam schema of device attribution rows: the {@link #COLUMNS} in order, {@code owner} nullable. */
  public static final Schema SCHEMA = RecordRows.schemaOf(COLUMNS);

  private static final RecordRows.Fields FIELDS = RecordRows.fields("DeviceAttribution", COLUMNS);

  public DeviceAttribution {
    Objects.requireNonNull(serialNumber, "serialNumber");
    Objects.requireNonNull(verdict, "verdict");
    if ((verdict == Verdict.OWNED) != (owner != null)) {
      throw new IllegalArgumentException("a device has an owner exactly when its verdict is OWNED: " + verdict + ", " + owner);
    }
  }

  /**
   * The verdict of the rule on a device's evidence: no owner without evidence, nor when the best
   * user has half of the reading times or less, nor when two users share the best evidence.
   *
   * @param bestUser the user with {@code best} evidence (normalised email), null when {@code best} is 0
   */
  public static DeviceAttribution decide(
      String serialNumber, long readingTimes, String bestUser, long best, long runnerUp) {
    if (best < 0 || runnerUp < 0 || runnerUp > best || best > readingTimes) {
      throw new IllegalArgumentException(
          "inconsistent evidence for device " + serialNumber + ": " + readingTimes + " reading times, best " + best
              + ", runner-up " + runnerUp);
    }
    Verdict verdict;
    if (best == 0) {
      verdict = Verdict.NO_PHONE;
    } else if (2 * best <= readingTimes) {
      verdict = Verdict.NO_MAJORITY;
    } else if (best == runnerUp) {
      verdict = Verdict.TIE;
    } else {
      verdict = Verdict.OWNED;
    }
    return new DeviceAttribution(
        serialNumber, verdict, verdict == Verdict.OWNED ? bestUser : null, readingTimes, best, runnerUp);
  }

  /** The owner's normalised email, when the device has one. */
  public Optional<String> ownerEmail() {
    return Optional.ofNullable(owner);
  }

  public boolean hasOwner() {
    return owner != null;
  }

  /** This attribution as a row of {@link #SCHEMA}. */
  public Row toRow() {
    return Row.withSchema(SCHEMA)
        .addValues(serialNumber, verdict.name(), owner, readingTimes, bestEvidence, runnerUpEvidence)
        .build();
  }

  /**
   * The attribution of a row whose schema has the {@link #COLUMNS} by name, in any order, among
   * other fields; a row without an {@code owner} field has no owner. {@code fromRow(d.toRow())}
   * equals {@code d}.
   *
   * @throws IllegalArgumentException naming the field, when a required column is missing or null, a
   *     field has a type other than its column's ({@code INT32}, {@code INT16} or {@code BYTE} are
   *     accepted for {@code INT64}) or {@code verdict} is not a verdict's name; and, as the
   *     constructor, when there is an owner but the verdict is not {@code OWNED}, or the reverse
   */
  public static DeviceAttribution fromRow(Row row) {
    String verdict = FIELDS.string(row, "verdict");
    Verdict parsed;
    try {
      parsed = Verdict.valueOf(verdict);
    } catch (IllegalArgumentException e) {
      throw FIELDS.invalid("verdict", "is '" + verdict + "', not one of " + Arrays.toString(Verdict.values()));
    }
    return new DeviceAttribution(
        FIELDS.string(row, "serialNumber"),
        parsed,
        FIELDS.string(row, "owner"),
        FIELDS.bigint(row, "readingTimes"),
        FIELDS.bigint(row, "bestEvidence"),
        FIELDS.bigint(row, "runnerUpEvidence"));
  }

  /**
   * Converts rows to attributions with {@link #fromRow}; the output has the attribution coder.
   * Element-wise: works on bounded and unbounded input.
   */
  public static PTransform<PCollection<Row>, PCollection<DeviceAttribution>> fromRows() {
    return RecordRows.fromRows(DeviceAttribution.class, DeviceAttribution::fromRow, Coder.of());
  }

  /** Converts attributions to rows of {@link #SCHEMA}, which the output carries as its row schema. */
  public static PTransform<PCollection<DeviceAttribution>, PCollection<Row>> toRows() {
    return RecordRows.toRows(DeviceAttribution.class, DeviceAttribution::toRow, SCHEMA);
  }

  /** The Beam coder of device attributions: deterministic, no reflection. */
  public static final class Coder extends RecordCoder<DeviceAttribution> {
    private static final Coder INSTANCE = new Coder();
    private static final Verdict[] VERDICTS = Verdict.values();

    private Coder() {}

    public static Coder of() {
      return INSTANCE;
    }

    /** Lets {@code @DefaultCoder} find this coder. */
    public static CoderProvider getCoderProvider() {
      return providerFor(DeviceAttribution.class, INSTANCE);
    }

    @Override
    public void encode(DeviceAttribution d, OutputStream out) throws IOException {
      Wire.writeString(d.serialNumber, out);
      Wire.writeLong(d.verdict.ordinal(), out);
      Wire.writeNullableString(d.owner, out);
      Wire.writeLong(d.readingTimes, out);
      Wire.writeLong(d.bestEvidence, out);
      Wire.writeLong(d.runnerUpEvidence, out);
    }

    @Override
    public DeviceAttribution decode(InputStream in) throws IOException {
      String serial = Wire.readString(in);
      long verdict = Wire.readLong(in);
      if (verdict < 0 || verdict >= VERDICTS.length) {
        throw new IOException("not a device verdict: " + verdict);
      }
      return new DeviceAttribution(
          serial, VERDICTS[(int) verdict], Wire.readNullableString(in), Wire.readLong(in), Wire.readLong(in), Wire.readLong(in));
    }
  }
}
