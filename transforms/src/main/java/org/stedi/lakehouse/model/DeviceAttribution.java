package org.stedi.lakehouse.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import java.util.Optional;
import org.apache.beam.sdk.coders.CoderProvider;
import org.apache.beam.sdk.coders.DefaultCoder;

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
