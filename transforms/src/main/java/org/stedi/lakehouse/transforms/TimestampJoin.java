package org.stedi.lakehouse.transforms;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.join.RawUnionValue;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.stedi.lakehouse.model.AccelerometerReading;
import org.stedi.lakehouse.model.Customer;
import org.stedi.lakehouse.model.DeviceAttribution;
import org.stedi.lakehouse.model.MachineLearningRow;
import org.stedi.lakehouse.model.StepTrainerReading;

/**
 * machine_learning_curated's rule: pairs each step trainer reading with the accelerometer readings
 * taken at the same millisecond by the user of that device.
 *
 * <p>Who the user of a device is:
 *
 * <ul>
 *   <li>{@link #pairWithOwners}: the device's owner by its readings ({@link DeviceOwnership}, given
 *       as {@link OwnedDevices}), the lake's rule, which holds under the serial-number bug.
 *   <li>{@link #pairWith}: every given customer whose {@code serialNumber} is the step reading's.
 *       <b>Under the serial-number bug</b> that pairs a device's readings with the phones of other
 *       customers who share its serial in their records, and pairs almost none of its real owner's:
 *       use it only to reproduce the course's rubric.
 *   <li>{@link #pairWithDeviceUsers}: the users given per device as {@code KV(serialNumber, email)},
 *       for data without {@link Customer} records; otherwise as {@link #pairWithOwners}.
 * </ul>
 *
 * <p><b>Input:</b> step trainer readings (normally step_trainer_trusted), and, given at
 * construction, accelerometer readings (accelerometer_trusted) and the device users. Duplicates are
 * not removed here: pass de-duplicated tables.
 *
 * <p><b>Output:</b> one {@link MachineLearningRow} per pair (step reading, accelerometer reading)
 * with {@code sensorReadingTime == timestamp} where the accelerometer's user (by normalised email) is
 * a user of the step reading's device. A step reading with three accelerometer readings at its
 * millisecond gives three rows; one with none gives no row; readings of other users at the same
 * millisecond are never paired with it. The rows carry no personal column.
 *
 * <p>{@link #withTimestampOnlyPairing(boolean) withTimestampOnlyPairing(true)} pairs on time alone,
 * as many hand-written AWS Glue jobs do: a step reading is paired with every accelerometer reading at
 * its millisecond of any of the given customers ({@link #pairWith}) or of any user at all ({@link
 * #pairWithOwners}, {@link #pairWithDeviceUsers}), so when two customers exercise at the same
 * millisecond, one customer's step trainer is paired with the other customer's phone. Use it only
 * to reproduce such jobs.
 *
 * <p><b>Scale:</b> each user's devices reach the accelerometer readings through a side input map
 * (normalised email to serial numbers, about 100 bytes per customer or owned device on every
 * worker). Both sides are keyed by (serial number, millisecond), or by millisecond alone in
 * timestamp-only mode, and co-grouped in bounded-size buckets of about a hundred thousand readings
 * by a hash of that key; within a bucket the step readings are indexed by key and the accelerometer
 * readings probed against the index. A key holds only the readings of one millisecond, so no key is
 * hot however many readings a user or a device has.
 *
 * <p>Each bucket is read once (no {@code CoGroupByKey}, whose result reads a large group twice),
 * so it runs on Flink's batch GroupByKey as it is.
 *
 * <p><b>Counters</b> (namespace {@code TimestampJoin}): {@code stepReadings},
 * {@code accelerometerReadings}, {@code accelerometerReadingsOfUnknownUsers}, {@code pairs},
 * {@code stepReadingsPaired}, {@code stepReadingsUnpaired}, {@code accelerometerReadingsUnpaired}.
 * Every step reading is either paired or unpaired: {@code stepReadings = stepReadingsPaired +
 * stepReadingsUnpaired}.
 *
 * <p><b>Batch only:</b> every input, those given at construction too, must be bounded; {@code
 * expand} throws an {@link IllegalArgumentException} naming an unbounded one. (Unless {@code
 * --buckets} fixes their number, the buckets are sized from the whole input, see {@link
 * GroupingOptions}; the side input is a whole collection.)
 */
public final class TimestampJoin
    extends PTransform<PCollection<StepTrainerReading>, PCollection<MachineLearningRow>> {

  /** Counter: the input step trainer readings. */
  public static final String STEP_READINGS = "stepReadings";

  /** Counter: the accelerometer readings given at construction. */
  public static final String ACCELEROMETER_READINGS = "accelerometerReadings";

  /**
   * Counter: the accelerometer readings dropped because their user is a user of no device (not
   * incremented where any user's readings pair, in timestamp-only pairing with owners).
   */
  public static final String ACCELEROMETER_READINGS_OF_UNKNOWN_USERS = "accelerometerReadingsOfUnknownUsers";

  /** Counter: the rows emitted, one per paired step reading and accelerometer reading. */
  public static final String PAIRS = "pairs";

  /** Counter: the step readings paired with at least one accelerometer reading. */
  public static final String STEP_READINGS_PAIRED = "stepReadingsPaired";

  /** Counter: the step readings paired with no accelerometer reading. */
  public static final String STEP_READINGS_UNPAIRED = "stepReadingsUnpaired";

  /**
   * Counter: the accelerometer readings that pair with no step reading; a reading of a user of
   * several devices counts once per device.
   */
  public static final String ACCELEROMETER_READINGS_UNPAIRED = "accelerometerReadingsUnpaired";

  /** The serial-number part of the key in timestamp-only mode: every device shares it. */
  private static final String ANY_DEVICE = "";

  private final PCollection<AccelerometerReading> accelerometer;
  private final PCollection<Customer> customers;
  private final PCollection<KV<String, Customer>> ownedDevices;
  private final PCollection<KV<String, String>> deviceUsers;
  private final boolean timestampOnly;

  private TimestampJoin(
      PCollection<AccelerometerReading> accelerometer,
      PCollection<Customer> customers,
      PCollection<KV<String, Customer>> ownedDevices,
      PCollection<KV<String, String>> deviceUsers,
      boolean timestampOnly) {
    this.accelerometer = accelerometer;
    this.customers = customers;
    this.ownedDevices = ownedDevices;
    this.deviceUsers = deviceUsers;
    this.timestampOnly = timestampOnly;
  }

  /**
   * Pairs step trainer readings with the accelerometer readings of the customers whose {@code
   * serialNumber} is the device's: wrong under the serial-number bug (see the class documentation).
   */
  public static TimestampJoin pairWith(
      PCollection<AccelerometerReading> accelerometer, PCollection<Customer> customers) {
    return new TimestampJoin(
        requireNonNull(accelerometer, "accelerometer"), requireNonNull(customers, "customers"), null, null, false);
  }

  /**
   * Pairs step trainer readings with the accelerometer readings of their device's owner: {@code
   * KV(serialNumber, owner)} as {@link OwnedDevices} gives them.
   */
  public static TimestampJoin pairWithOwners(
      PCollection<AccelerometerReading> accelerometer, PCollection<KV<String, Customer>> ownedDevices) {
    return new TimestampJoin(
        requireNonNull(accelerometer, "accelerometer"),
        null,
        requireNonNull(ownedDevices, "ownedDevices"),
        null,
        false);
  }

  /**
   * Pairs step trainer readings with the accelerometer readings of their device's users: {@code
   * KV(serialNumber, email)}, one entry per user of a device (normally its owner, as {@link
   * DeviceAttribution#owner()} gives it). Emails are compared trimmed and lower-cased with the
   * accelerometer's {@code user}; serial numbers exactly. It pairs as {@link #pairWithOwners} does.
   */
  public static TimestampJoin pairWithDeviceUsers(
      PCollection<AccelerometerReading> accelerometer, PCollection<KV<String, String>> usersBySerial) {
    return new TimestampJoin(
        requireNonNull(accelerometer, "accelerometer"),
        null,
        null,
        requireNonNull(usersBySerial, "usersBySerial"),
        false);
  }

  /**
   * Whether to pair on the millisecond alone, ignoring whose device took the step reading. Off by
   * default; see the class documentation for what it pairs wrongly.
   */
  public TimestampJoin withTimestampOnlyPairing(boolean timestampOnly) {
    return new TimestampJoin(accelerometer, customers, ownedDevices, deviceUsers, timestampOnly);
  }

  @Override
  public PCollection<MachineLearningRow> expand(PCollection<StepTrainerReading> stepReadings) {
    String factory =
        customers != null
            ? "TimestampJoin.pairWith"
            : ownedDevices != null ? "TimestampJoin.pairWithOwners" : "TimestampJoin.pairWithDeviceUsers";
    BatchInputs.requireBounded(factory, stepReadings, accelerometer, customers, ownedDevices, deviceUsers);
    KvCoder<String, Long> keyCoder = KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of());
    KvCoder<String, String> emailSerial = KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of());
    PCollection<KV<String, String>> serialByEmail;
    if (customers != null) {
      serialByEmail = customers.apply("KeySerialByEmail", ParDo.of(new SerialByEmailFn())).setCoder(emailSerial);
    } else if (ownedDevices != null) {
      serialByEmail =
          ownedDevices.apply("KeyOwnedDeviceByOwner", ParDo.of(new OwnerOfDeviceFn())).setCoder(emailSerial);
    } else {
      serialByEmail = deviceUsers.apply("KeyDeviceByUser", ParDo.of(new UserOfDeviceFn())).setCoder(emailSerial);
    }
    PCollectionView<Map<String, Iterable<String>>> serialsByEmail =
        serialByEmail.apply("ViewSerialsByEmail", View.asMultimap());
    boolean anyUser = timestampOnly && customers == null;

    PCollection<KV<KV<String, Long>, AccelerometerReading>> accelerometerByKey =
        accelerometer
            .apply(
                "KeyAccelerometerByDeviceAndTime",
                ParDo.of(new KeyAccelerometerFn(serialsByEmail, timestampOnly, anyUser)).withSideInputs(serialsByEmail))
            .setCoder(KvCoder.of(keyCoder, AccelerometerReading.Coder.of()));
    PCollection<KV<KV<String, Long>, StepTrainerReading>> stepsByKey =
        stepReadings
            .apply("KeyStepReadingsByDeviceAndTime", ParDo.of(new KeyStepFn(timestampOnly)))
            .setCoder(KvCoder.of(keyCoder, StepTrainerReading.Coder.of()));

    Buckets.Count buckets =
        Buckets.countFor("PairingBuckets", List.of(accelerometerByKey, stepsByKey));
    return Buckets.coGroup(
            "GroupReadingsByDeviceAndTime",
            Buckets.assign("BucketStepReadings", stepsByKey, TimestampJoin::keyHash, buckets, stepsByKey.getCoder()),
            Buckets.assign(
                "BucketAccelerometerReadings",
                accelerometerByKey,
                TimestampJoin::keyHash,
                buckets,
                accelerometerByKey.getCoder()))
        .apply("PairReadings", ParDo.of(new PairFn()))
        .setCoder(MachineLearningRow.Coder.of());
  }

  private static int keyHash(KV<KV<String, Long>, ?> keyed) {
    return Buckets.hash(keyed.getKey().getKey(), keyed.getKey().getValue());
  }

  private static final class SerialByEmailFn extends DoFn<Customer, KV<String, String>> {
    @ProcessElement
    public void processElement(@Element Customer customer, OutputReceiver<KV<String, String>> out) {
      out.output(KV.of(customer.normalizedEmail(), customer.serialNumber()));
    }
  }

  private static final class OwnerOfDeviceFn extends DoFn<KV<String, Customer>, KV<String, String>> {
    @ProcessElement
    public void processElement(@Element KV<String, Customer> device, OutputReceiver<KV<String, String>> out) {
      out.output(KV.of(device.getValue().normalizedEmail(), device.getKey()));
    }
  }

  private static final class UserOfDeviceFn extends DoFn<KV<String, String>, KV<String, String>> {
    @ProcessElement
    public void processElement(@Element KV<String, String> device, OutputReceiver<KV<String, String>> out) {
      out.output(KV.of(Customer.normalizeEmail(device.getValue()), device.getKey()));
    }
  }

  private static final class KeyAccelerometerFn
      extends DoFn<AccelerometerReading, KV<KV<String, Long>, AccelerometerReading>> {
    private final PCollectionView<Map<String, Iterable<String>>> serialsByEmail;
    private final boolean timestampOnly;
    private final boolean anyUser;
    private final Counter readings = Metrics.counter(TimestampJoin.class, ACCELEROMETER_READINGS);
    private final Counter unknownUsers =
        Metrics.counter(TimestampJoin.class, ACCELEROMETER_READINGS_OF_UNKNOWN_USERS);
    // Readings arrive in long runs of one user: remember the last look-up.
    private transient String lastUser;
    private transient List<String> lastSerials;
    // The side input of this bundle, read once: a runner may build the map on every read of it.
    private transient Map<String, Iterable<String>> serials;

    KeyAccelerometerFn(
        PCollectionView<Map<String, Iterable<String>>> serialsByEmail, boolean timestampOnly, boolean anyUser) {
      this.serialsByEmail = serialsByEmail;
      this.timestampOnly = timestampOnly;
      this.anyUser = anyUser;
    }

    @StartBundle
    public void startBundle() {
      lastUser = null;
      lastSerials = null;
      serials = null;
    }

    @ProcessElement
    public void processElement(ProcessContext c) {
      readings.inc();
      AccelerometerReading reading = c.element();
      if (anyUser) {
        c.output(KV.of(KV.of(ANY_DEVICE, reading.timestamp()), reading));
        return;
      }
      if (!reading.user().equals(lastUser)) {
        lastUser = reading.user();
        if (serials == null) {
          serials = c.sideInput(serialsByEmail);
        }
        lastSerials = distinctSerials(serials.get(reading.normalizedUser()));
      }
      if (lastSerials.isEmpty()) {
        unknownUsers.inc();
      } else if (timestampOnly) {
        c.output(KV.of(KV.of(ANY_DEVICE, reading.timestamp()), reading));
      } else {
        for (String serial : lastSerials) {
          c.output(KV.of(KV.of(serial, reading.timestamp()), reading));
        }
      }
    }

    private static List<String> distinctSerials(Iterable<String> serials) {
      List<String> distinct = new ArrayList<>(1);
      if (serials != null) {
        for (String serial : serials) {
          if (!distinct.contains(serial)) {
            distinct.add(serial);
          }
        }
      }
      return distinct;
    }
  }

  private static final class KeyStepFn extends DoFn<StepTrainerReading, KV<KV<String, Long>, StepTrainerReading>> {
    private final boolean timestampOnly;
    private final Counter readings = Metrics.counter(TimestampJoin.class, STEP_READINGS);

    KeyStepFn(boolean timestampOnly) {
      this.timestampOnly = timestampOnly;
    }

    @ProcessElement
    public void processElement(
        @Element StepTrainerReading reading, OutputReceiver<KV<KV<String, Long>, StepTrainerReading>> out) {
      readings.inc();
      String device = timestampOnly ? ANY_DEVICE : reading.serialNumber();
      out.output(KV.of(KV.of(device, reading.sensorReadingTime()), reading));
    }
  }

  private static final class PairFn extends DoFn<KV<Integer, Iterable<RawUnionValue>>, MachineLearningRow> {
    private final Counter pairs = Metrics.counter(TimestampJoin.class, PAIRS);
    private final Counter stepPaired = Metrics.counter(TimestampJoin.class, STEP_READINGS_PAIRED);
    private final Counter stepUnpaired = Metrics.counter(TimestampJoin.class, STEP_READINGS_UNPAIRED);
    private final Counter accelerometerUnpaired =
        Metrics.counter(TimestampJoin.class, ACCELEROMETER_READINGS_UNPAIRED);

    @ProcessElement
    @SuppressWarnings("unchecked")
    public void processElement(
        @Element KV<Integer, Iterable<RawUnionValue>> bucket, OutputReceiver<MachineLearningRow> out) {
      // One pass over the bucket: index the step readings, keep the accelerometer readings aside.
      Map<KV<String, Long>, StepGroup> steps = new HashMap<>();
      List<KV<KV<String, Long>, AccelerometerReading>> readings = new ArrayList<>();
      for (RawUnionValue element : bucket.getValue()) {
        if (element.getUnionTag() == Buckets.FIRST) {
          KV<KV<String, Long>, StepTrainerReading> step = (KV<KV<String, Long>, StepTrainerReading>) element.getValue();
          steps.computeIfAbsent(step.getKey(), key -> new StepGroup()).readings.add(step.getValue());
        } else {
          readings.add((KV<KV<String, Long>, AccelerometerReading>) element.getValue());
        }
      }
      long pairCount = 0;
      long unpairedReadings = 0;
      for (KV<KV<String, Long>, AccelerometerReading> reading : readings) {
        StepGroup group = steps.get(reading.getKey());
        if (group == null) {
          unpairedReadings++;
          continue;
        }
        group.paired = true;
        for (StepTrainerReading step : group.readings) {
          out.output(MachineLearningRow.pair(step, reading.getValue()));
          pairCount++;
        }
      }
      long paired = 0;
      long unpaired = 0;
      for (StepGroup group : steps.values()) {
        if (group.paired) {
          paired += group.readings.size();
        } else {
          unpaired += group.readings.size();
        }
      }
      pairs.inc(pairCount);
      stepPaired.inc(paired);
      stepUnpaired.inc(unpaired);
      accelerometerUnpaired.inc(unpairedReadings);
    }
  }

  /** The step readings of one (device, millisecond) key, and whether any reading paired with them. */
  private static final class StepGroup {
    final List<StepTrainerReading> readings = new ArrayList<>(1);
    boolean paired;
  }
}
