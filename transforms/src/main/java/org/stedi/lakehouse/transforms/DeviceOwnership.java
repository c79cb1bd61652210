package org.stedi.lakehouse.transforms;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.join.RawUnionValue;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionView;
import org.stedi.lakehouse.model.AccelerometerReading;
import org.stedi.lakehouse.model.Customer;
import org.stedi.lakehouse.model.DeviceAttribution;
import org.stedi.lakehouse.model.StepTrainerReading;

/**
 * Whose step trainer each device is, decided from the readings themselves rather than from {@code
 * customer.serialNumber}, which the serial-number bug makes meaningless (docs/contract.md, "Device
 * ownership"): a customer's phone records accelerometer readings at the very milliseconds at which
 * the step trainer they exercise on records.
 *
 * <pre>{@code
 * PCollection<DeviceAttribution> devices =
 *     stepTrainerLanding.apply("AttributeDevices", DeviceOwnership.fromPhones(accelerometerLanding));
 * }</pre>
 *
 * <p>{@link #fromPhoneTimes} decides the same from the moments alone, {@code KV(serialNumber,
 * sensorReadingTime)} and {@code KV(email, timestamp)}, for data that has them in another form.
 *
 * <p><b>Input:</b> step trainer readings and, given at construction, accelerometer readings: all
 * valid landing readings, in any order, exact duplicates allowed, whatever their users' consent or
 * customer records (a device must be recognised as a non-consenting customer's to be kept out). A
 * device is a {@code serialNumber}; users are compared by normalised email (trimmed, lower-cased).
 *
 * <p><b>Output:</b> one {@link DeviceAttribution} per distinct serial number of the step trainer
 * readings. A device's reading times are its distinct {@code sensorReadingTime}s; the evidence for
 * user U is the number of those times at which U has at least one accelerometer reading. The device
 * has no owner when no phone recorded with it ({@link DeviceAttribution.Verdict#NO_PHONE}), when the
 * best evidence is half of the reading times or less ({@code NO_MAJORITY}), or when two users share
 * the best evidence ({@code TIE}); otherwise its owner is the user with the best evidence. Duplicate
 * readings add no evidence, and the result does not depend on input order or bundling. Evidence
 * serves this decision only: it is counted, never paired with reading values.
 *
 * <p><b>Scale and hot keys.</b> Three shuffles, each of small values, none keyed by a user or a
 * device alone:
 *
 * <ol>
 *   <li>Both sides are reduced to (millisecond, device) and (millisecond, user) before the shuffle
 *       (a user's two or three readings of one millisecond leave a bundle as one) and grouped in
 *       bounded-size buckets by a hash of the millisecond (about {@link
 *       GroupingOptions#getElementsPerBucket()} entries each). A bucket is read once; it keeps its
 *       distinct devices and users per millisecond and emits, per device, its reading times and its
 *       evidence count per user, summed over the bucket. Memory is bounded by the bucket's distinct
 *       (millisecond, device) and (millisecond, user) entries; the one thing held whole is a single
 *       millisecond's distinct devices and users (about 60 bytes each).
 *   <li>The evidence is summed per (device, user) with a combiner, in buckets by a hash of the
 *       pair, so partial counts are combined before they are shuffled and a device seen by many
 *       users spreads over buckets.
 *   <li>Per device, a combiner keeps the reading-time total, the best user, the best count and the
 *       runner-up's count: constant memory per device, however many readings or users it has.
 * </ol>
 *
 * <p>A device or a user with millions of readings is therefore never a hot key, and no key's
 * readings are ever held in memory together.
 *
 * <p><b>Counters</b> (namespace {@code DeviceOwnership}): {@code stepReadings}, {@code
 * phoneReadings} (inputs), {@code devices}, {@code devicesOwned}, {@code devicesWithoutPhone},
 * {@code devicesWithoutMajority}, {@code devicesTied}; {@code devices} is the sum of the other four.
 *
 * <p><b>Batch only:</b> both inputs must be bounded; {@code expand} throws an {@link
 * IllegalArgumentException} naming an unbounded one. (Unless {@code --buckets} fixes their number, the buckets
 * are sized from the whole input: see {@link GroupingOptions}.)
 */
public final class DeviceOwnership
    extends PTransform<PCollection<StepTrainerReading>, PCollection<DeviceAttribution>> {

  /** Counter: the input step trainer readings, duplicates included. */
  public static final String STEP_READINGS = "stepReadings";

  /** Counter: the phone (accelerometer) readings given at construction, duplicates included. */
  public static final String PHONE_READINGS = "phoneReadings";

  /** Counter: the devices attributed, one per distinct serial number; the sum of the four below. */
  public static final String DEVICES = "devices";

  /** Counter: the devices with an owner ({@link DeviceAttribution.Verdict#OWNED}). */
  public static final String DEVICES_OWNED = "devicesOwned";

  /** Counter: the devices at whose reading times no phone recorded ({@code NO_PHONE}). */
  public static final String DEVICES_WITHOUT_PHONE = "devicesWithoutPhone";

  /** Counter: the devices whose best user has half of their reading times or less ({@code NO_MAJORITY}). */
  public static final String DEVICES_WITHOUT_MAJORITY = "devicesWithoutMajority";

  /** Counter: the devices whose best evidence two users share ({@code TIE}). */
  public static final String DEVICES_TIED = "devicesTied";

  private final PCollection<AccelerometerReading> phones;

  private DeviceOwnership(PCollection<AccelerometerReading> phones) {
    this.phones = phones;
  }

  /** Attributes step trainer devices to the users whose phone readings match their reading times. */
  public static DeviceOwnership fromPhones(PCollection<AccelerometerReading> phones) {
    return new DeviceOwnership(requireNonNull(phones, "phones"));
  }

  /**
   * Attributes devices given by their reading times, {@code KV(serialNumber, sensorReadingTime)}, to
   * the users whose phones recorded at those times, {@code KV(email, timestamp)} (epoch
   * milliseconds). See {@link FromTimes}.
   */
  public static FromTimes fromPhoneTimes(PCollection<KV<String, Long>> phoneTimes) {
    return new FromTimes(requireNonNull(phoneTimes, "phoneTimes"));
  }

  @Override
  public PCollection<DeviceAttribution> expand(PCollection<StepTrainerReading> steps) {
    BatchInputs.requireBounded("DeviceOwnership.fromPhones", steps, phones);
    return attribute(
        stamp(
            "StampDevices",
            steps,
            new StampFn<>(STEP_READINGS, StepTrainerReading::serialNumber, StepTrainerReading::sensorReadingTime, false)),
        stamp(
            "StampPhoneUsers",
            phones,
            new StampFn<>(PHONE_READINGS, AccelerometerReading::user, AccelerometerReading::timestamp, true)));
  }

  /**
   * {@link DeviceOwnership}'s rule on the reading times alone: the input is {@code KV(serialNumber,
   * sensorReadingTime)}, one per step trainer reading, and the phones, given at construction, {@code
   * KV(email, timestamp)}, one per phone reading. Emails are compared trimmed and lower-cased; the
   * owner in the output is normalised so.
   *
   * <p><b>Output</b>, <b>scale</b> and <b>counters</b> as {@link DeviceOwnership}'s, for which these
   * pairs are all it reads of the readings: the same readings give the same attributions. <b>Batch
   * only</b>, as {@link DeviceOwnership}.
   */
  public static final class FromTimes extends PTransform<PCollection<KV<String, Long>>, PCollection<DeviceAttribution>> {
    private final PCollection<KV<String, Long>> phoneTimes;

    private FromTimes(PCollection<KV<String, Long>> phoneTimes) {
      this.phoneTimes = phoneTimes;
    }

    @Override
    public PCollection<DeviceAttribution> expand(PCollection<KV<String, Long>> deviceTimes) {
      BatchInputs.requireBounded("DeviceOwnership.fromPhoneTimes", deviceTimes, phoneTimes);
      return attribute(
          stamp("StampDevices", deviceTimes, new StampFn<>(STEP_READINGS, KV::getKey, KV::getValue, false)),
          stamp("StampPhoneUsers", phoneTimes, new StampFn<>(PHONE_READINGS, KV::getKey, KV::getValue, true)));
    }
  }

  private static final KvCoder<Long, String> STAMPED = KvCoder.of(VarLongCoder.of(), StringUtf8Coder.of());

  private static <T> PCollection<KV<Long, String>> stamp(String name, PCollection<T> readings, StampFn<T> fn) {
    return readings.apply(name, ParDo.of(fn)).setCoder(STAMPED);
  }

  /** The rule on (millisecond, device) and (millisecond, normalised user) pairs, duplicates allowed. */
  private static PCollection<DeviceAttribution> attribute(
      PCollection<KV<Long, String>> deviceTimes, PCollection<KV<Long, String>> userTimes) {
    Buckets.Count buckets = Buckets.countFor("OwnershipBuckets", List.of(deviceTimes, userTimes));
    PCollection<KV<Integer, Iterable<RawUnionValue>>> byMillisecond =
        Buckets.coGroup(
            "GroupDevicesAndPhonesByMillisecond",
            Buckets.assign("BucketDeviceTimes", deviceTimes, DeviceOwnership::timeHash, buckets, STAMPED),
            Buckets.assign("BucketPhoneTimes", userTimes, DeviceOwnership::timeHash, buckets, STAMPED));

    // Evidence partials are keyed (device, user); reading-time partials (device, null).
    KvCoder<KV<String, String>, Long> partialCoder =
        KvCoder.of(KvCoder.of(StringUtf8Coder.of(), NullableCoder.of(StringUtf8Coder.of())), VarLongCoder.of());
    PCollection<KV<KV<String, String>, Long>> partials =
        byMillisecond.apply("MatchPhonesToDeviceTimes", ParDo.of(new MatchFn())).setCoder(partialCoder);

    PCollection<KV<KV<String, String>, Long>> evidence =
        Buckets.assign("BucketEvidence", partials, DeviceOwnership::pairHash, buckets, partialCoder)
            .apply("SumEvidencePerDeviceAndUser", Combine.perKey(new SumPerKeyFn()))
            .apply("ListEvidence", ParDo.of(new EntriesFn()))
            .setCoder(partialCoder);

    return Buckets.assign("BucketDevices", evidence, DeviceOwnership::deviceHash, buckets, partialCoder)
        .apply("KeepBestTwoPerDevice", Combine.perKey(new BestTwoFn()))
        .apply("DecideOwners", ParDo.of(new DecideFn()))
        .setCoder(DeviceAttribution.Coder.of());
  }

  private static int timeHash(KV<Long, String> stamped) {
    return Long.hashCode(stamped.getKey());
  }

  private static int pairHash(KV<KV<String, String>, Long> partial) {
    String user = partial.getKey().getValue();
    return 31 * partial.getKey().getKey().hashCode() + (user == null ? 0 : user.hashCode());
  }

  private static int deviceHash(KV<KV<String, String>, Long> partial) {
    return partial.getKey().getKey().hashCode();
  }

  /**
   * Each reading as (millisecond, device or user), the user's email normalised. Runs of one id at
   * one millisecond leave the bundle once: duplicate readings and a phone's two or three readings
   * of one millisecond come together.
   */
  private static final class StampFn<T> extends DoFn<T, KV<Long, String>> {
    private final Counter readings;
    private final SerializableFunction<T, String> id;
    private final SerializableFunction<T, Long> time;
    private final boolean isEmail;
    private transient long lastTime;
    private transient String lastId;
    private transient String lastStamp;

    StampFn(String counter, SerializableFunction<T, String> id, SerializableFunction<T, Long> time, boolean isEmail) {
      this.readings = Metrics.counter(DeviceOwnership.class, counter);
      this.id = id;
      this.time = time;
      this.isEmail = isEmail;
    }

    @StartBundle
    public void startBundle() {
      lastId = null;
      lastStamp = null;
    }

    @ProcessElement
    public void processElement(@Element T reading, OutputReceiver<KV<Long, String>> out) {
      readings.inc();
      String readingId = id.apply(reading);
      long readingTime = time.apply(reading);
      boolean sameId = readingId.equals(lastId);
      if (sameId && readingTime == lastTime) {
        return;
      }
      if (!sameId) {
        lastId = readingId;
        lastStamp = isEmail ? Customer.normalizeEmail(readingId) : readingId;
      }
      lastTime = readingTime;
      out.output(KV.of(lastTime, lastStamp));
    }
  }

  /**
   * One bucket of milliseconds: per device its reading times in the bucket, and per (device, user)
   * the number of the device's times at which the user's phone recorded.
   */
  private static final class MatchFn extends DoFn<KV<Integer, Iterable<RawUnionValue>>, KV<KV<String, String>, Long>> {
    @ProcessElement
    public void processElement(
        @Element KV<Integer, Iterable<RawUnionValue>> bucket, OutputReceiver<KV<KV<String, String>, Long>> out) {
      Map<Long, Set<String>> devicesAt = new HashMap<>();
      Map<Long, Set<String>> usersAt = new HashMap<>();
      for (RawUnionValue element : bucket.getValue()) {
        @SuppressWarnings("unchecked")
        KV<Long, String> stamped = (KV<Long, String>) element.getValue();
        Map<Long, Set<String>> side = element.getUnionTag() == Buckets.FIRST ? devicesAt : usersAt;
        side.computeIfAbsent(stamped.getKey(), t -> new HashSet<>(2)).add(stamped.getValue());
      }
      Map<String, Long> times = new HashMap<>();
      Map<KV<String, String>, Long> evidence = new HashMap<>();
      for (Map.Entry<Long, Set<String>> devices : devicesAt.entrySet()) {
        Set<String> users = usersAt.getOrDefault(devices.getKey(), Set.of());
        for (String device : devices.getValue()) {
          times.merge(device, 1L, Long::sum);
          for (String user : users) {
            evidence.merge(KV.of(device, user), 1L, Long::sum);
          }
        }
      }
      times.forEach((device, count) -> out.output(KV.of(KV.of(device, (String) null), count)));
      evidence.forEach((pair, count) -> out.output(KV.of(pair, count)));
    }
  }

  /** Sums the counts per key within a bucket: one map entry per distinct (device, user) of the bucket. */
  private static final class SumPerKeyFn
      extends Combine.CombineFn<KV<KV<String, String>, Long>, HashMap<KV<String, String>, Long>, Map<KV<String, String>, Long>> {
    @Override
    public HashMap<KV<String, String>, Long> createAccumulator() {
      return new HashMap<>();
    }

    @Override
    public HashMap<KV<String, String>, Long> addInput(
        HashMap<KV<String, String>, Long> sums, KV<KV<String, String>, Long> partial) {
      sums.merge(partial.getKey(), partial.getValue(), Long::sum);
      return sums;
    }

    @Override
    public HashMap<KV<String, String>, Long> mergeAccumulators(Iterable<HashMap<KV<String, String>, Long>> accumulators) {
      HashMap<KV<String, String>, Long> merged = new HashMap<>();
      for (HashMap<KV<String, String>, Long> sums : accumulators) {
        sums.forEach((key, count) -> merged.merge(key, count, Long::sum));
      }
      return merged;
    }

    @Override
    public Map<KV<String, String>, Long> extractOutput(HashMap<KV<String, String>, Long> sums) {
      return sums;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Coder<HashMap<KV<String, String>, Long>> getAccumulatorCoder(
        CoderRegistry registry, Coder<KV<KV<String, String>, Long>> inputCoder) {
      return (Coder) MapCoder.of(KvCoder.of(StringUtf8Coder.of(), NullableCoder.of(StringUtf8Coder.of())), VarLongCoder.of());
    }
  }

  private static final class EntriesFn extends DoFn<KV<Integer, Map<KV<String, String>, Long>>, KV<KV<String, String>, Long>> {
    @ProcessElement
    public void processElement(
        @Element KV<Integer, Map<KV<String, String>, Long>> bucket, OutputReceiver<KV<KV<String, String>, Long>> out) {
      bucket.getValue().forEach((key, count) -> out.output(KV.of(key, count)));
    }
  }

  /**
   * Per device of a bucket: the reading-time total and the two best users' evidence. Each (device,
   * user) arrives once with its total, so keeping the two largest is exact.
   */
  private static final class BestTwoFn
      extends Combine.CombineFn<KV<KV<String, String>, Long>, HashMap<String, BestTwo>, Map<String, BestTwo>> {
    @Override
    public HashMap<String, BestTwo> createAccumulator() {
      return new HashMap<>();
    }

    @Override
    public HashMap<String, BestTwo> addInput(HashMap<String, BestTwo> devices, KV<KV<String, String>, Long> entry) {
      BestTwo best = devices.computeIfAbsent(entry.getKey().getKey(), d -> new BestTwo());
      String user = entry.getKey().getValue();
      if (user == null) {
        best.readingTimes += entry.getValue();
      } else {
        best.offer(user, entry.getValue());
      }
      return devices;
    }

    @Override
    public HashMap<String, BestTwo> mergeAccumulators(Iterable<HashMap<String, BestTwo>> accumulators) {
      HashMap<String, BestTwo> merged = new HashMap<>();
      for (HashMap<String, BestTwo> devices : accumulators) {
        devices.forEach((device, best) -> merged.computeIfAbsent(device, d -> new BestTwo()).mergeFrom(best));
      }
      return merged;
    }

    @Override
    public Map<String, BestTwo> extractOutput(HashMap<String, BestTwo> devices) {
      return devices;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Coder<HashMap<String, BestTwo>> getAccumulatorCoder(
        CoderRegistry registry, Coder<KV<KV<String, String>, Long>> inputCoder) {
      return (Coder) MapCoder.of(StringUtf8Coder.of(), BestTwo.Coder.INSTANCE);
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Coder<Map<String, BestTwo>> getDefaultOutputCoder(
        CoderRegistry registry, Coder<KV<KV<String, String>, Long>> inputCoder) {
      return (Coder) MapCoder.of(StringUtf8Coder.of(), BestTwo.Coder.INSTANCE);
    }
  }

  private static final class DecideFn extends DoFn<KV<Integer, Map<String, BestTwo>>, DeviceAttribution> {
    private final Counter devices = Metrics.counter(DeviceOwnership.class, DEVICES);
    private final Counter owned = Metrics.counter(DeviceOwnership.class, DEVICES_OWNED);
    private final Counter noPhone = Metrics.counter(DeviceOwnership.class, DEVICES_WITHOUT_PHONE);
    private final Counter noMajority = Metrics.counter(DeviceOwnership.class, DEVICES_WITHOUT_MAJORITY);
    private final Counter tied = Metrics.counter(DeviceOwnership.class, DEVICES_TIED);

    @ProcessElement
    public void processElement(
        @Element KV<Integer, Map<String, BestTwo>> bucket, OutputReceiver<DeviceAttribution> out) {
      for (Map.Entry<String, BestTwo> device : bucket.getValue().entrySet()) {
        BestTwo best = device.getValue();
        DeviceAttribution verdict =
            DeviceAttribution.decide(device.getKey(), best.readingTimes, best.user, best.count, best.runnerUp);
        devices.inc();
        switch (verdict.verdict()) {
          case OWNED -> owned.inc();
          case NO_PHONE -> noPhone.inc();
          case NO_MAJORITY -> noMajority.inc();
          case TIE -> tied.inc();
        }
        out.output(verdict);
      }
    }
  }

  /** A device's reading-time total and its two best users' evidence; ties keep the smaller email. */
  static final class BestTwo {
    long readingTimes;
    String user;
    long count;
    long runnerUp;

    void offer(String candidate, long evidence) {
      if (evidence > count || (evidence == count && user != null && candidate.compareTo(user) < 0)) {
        runnerUp = Math.max(runnerUp, count);
        user = candidate;
        count = evidence;
      } else {
        runnerUp = Math.max(runnerUp, evidence);
      }
    }

    void mergeFrom(BestTwo other) {
      readingTimes += other.readingTimes;
      if (other.user != null) {
        runnerUp = Math.max(runnerUp, other.runnerUp);
        offer(other.user, other.count);
      }
    }

    /** The coder of accumulators: a user is present exactly when its count is positive. */
    static final class Coder extends org.apache.beam.sdk.coders.AtomicCoder<BestTwo> {
      static final Coder INSTANCE = new Coder();
      private static final VarLongCoder LONGS = VarLongCoder.of();
      private static final NullableCoder<String> USERS = NullableCoder.of(StringUtf8Coder.of());

      @Override
      public void encode(BestTwo value, java.io.OutputStream out) throws java.io.IOException {
        LONGS.encode(value.readingTimes, out);
        USERS.encode(value.user, out);
        LONGS.encode(value.count, out);
        LONGS.encode(value.runnerUp, out);
      }

      @Override
      public BestTwo decode(java.io.InputStream in) throws java.io.IOException {
        BestTwo value = new BestTwo();
        value.readingTimes = LONGS.decode(in);
        value.user = USERS.decode(in);
        value.count = LONGS.decode(in);
        value.runnerUp = LONGS.decode(in);
        return value;
      }
    }
  }
}
