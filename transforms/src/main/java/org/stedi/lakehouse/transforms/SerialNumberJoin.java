package org.stedi.lakehouse.transforms;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.stedi.lakehouse.model.Customer;
import org.stedi.lakehouse.model.StepTrainerReading;

/**
 * step_trainer_trusted's rule: the step trainer readings of the devices of given owners. A
 * semi-join: no customer column is added and no reading is ever multiplied.
 *
 * <p>Two ways to say whose device a reading is:
 *
 * <ul>
 *   <li>{@link #readingsOfOwnedDevices}: the devices that {@link DeviceOwnership} attributed to the
 *       given customers by their readings ({@link OwnedDevices}). This is the lake's rule: it holds
 *       under the serial-number bug.
 *   <li>{@link #readingsOf}: the devices whose serial number one of the given customers has in its
 *       {@code serialNumber} field, the join of the course's rubric and of most hand-written Glue
 *       jobs. <b>Under the serial-number bug</b> (customer records reuse a few serial numbers) this
 *       admits the readings of devices whose real owner never consented, and loses the readings of
 *       consenting customers whose record names another device: use it only to reproduce such jobs.
 * </ul>
 *
 * <p>For data without {@link Customer} records, {@link #readingsOfDevices} takes the admitted
 * devices as research consent dates keyed by serial number, wherever the owners come from.
 *
 * <p><b>Input:</b> readings in any order, with exact duplicates. Serial numbers are compared
 * exactly as given. Many customers may share one serial; that is harmless here.
 *
 * <p><b>Output:</b> every reading of an admitted device, unchanged, each distinct reading once
 * (exact duplicates collapse). Other readings are dropped.
 *
 * <p>{@link #withConsentSinceDate(boolean) withConsentSinceDate(true)} also drops the readings
 * taken before the device's owner's {@code shareWithResearchAsOfDate} (by serial number: the
 * earliest among the customers with that serial, since a reading does not say which of them used
 * the device); a reading at exactly that millisecond is kept.
 *
 * <p><b>Scale:</b> the owners are reduced to one value per serial number with a combiner (a
 * serial shared by millions of customers costs one entry), and that map is a side input broadcast
 * to every worker. The readings are checked against it in a map step and shuffled once, in
 * bounded-size buckets of about a hundred thousand readings grouped by a hash of the whole reading,
 * where duplicates are dropped in memory. They are never grouped by serial, so a device with
 * millions of readings is not a hot key.
 *
 * <p><b>Counters</b> (namespace {@code SerialNumberJoin}): {@code readings} (input), {@code
 * readingsOfUnknownSerials} (by serial number) or {@code readingsOfOtherDevices} (by ownership or
 * given devices),
 * {@code readingsBeforeConsent}, {@code duplicateReadings}, {@code readingsKept}.
 *
 * <p><b>Batch only:</b> every input, the one given at construction too, must be bounded; {@code
 * expand} throws an {@link IllegalArgumentException} naming an unbounded one. (Unless {@code
 * --buckets} fixes their number, the buckets are sized from the whole input, see {@link
 * GroupingOptions}; the side input is a whole collection.)
 */
public final class SerialNumberJoin
    extends PTransform<PCollection<StepTrainerReading>, PCollection<StepTrainerReading>> {

  /** Counter: the input readings. */
  public static final String READINGS = "readings";

  /**
   * Counter of {@link #readingsOf}: the readings dropped because no given customer's record has
   * their serial number.
   */
  public static final String READINGS_OF_UNKNOWN_SERIALS = "readingsOfUnknownSerials";

  /**
   * Counter of {@link #readingsOfOwnedDevices} and {@link #readingsOfDevices}: the readings dropped
   * because their device is none of the given devices.
   */
  public static final String READINGS_OF_OTHER_DEVICES = "readingsOfOtherDevices";

  /**
   * Counter: the readings dropped because they were taken before their device's owner's research
   * consent date (only with {@link #withConsentSinceDate}).
   */
  public static final String READINGS_BEFORE_CONSENT = "readingsBeforeConsent";

  /** Counter: the exact copies dropped beyond the first of each kept reading. */
  public static final String DUPLICATE_READINGS = "duplicateReadings";

  /** Counter: the readings emitted, each distinct kept reading once. */
  public static final String READINGS_KEPT = "readingsKept";

  private final String factory;
  private final PCollection<Customer> customers;
  private final PCollection<KV<String, Customer>> ownedDevices;
  private final PCollection<KV<String, Long>> consentDates;
  private final boolean consentSinceDate;

  private SerialNumberJoin(
      String factory,
      PCollection<Customer> customers,
      PCollection<KV<String, Customer>> ownedDevices,
      PCollection<KV<String, Long>> consentDates,
      boolean consentSinceDate) {
    this.factory = factory;
    this.customers = customers;
    this.ownedDevices = ownedDevices;
    this.consentDates = consentDates;
    this.consentSinceDate = consentSinceDate;
  }

  /**
   * Keeps the readings of devices whose serial number one of the given customers has in its record:
   * wrong under the serial-number bug (see the class documentation).
   */
  public static SerialNumberJoin readingsOf(PCollection<Customer> customers) {
    return new SerialNumberJoin("SerialNumberJoin.readingsOf", requireNonNull(customers, "customers"), null, null, false);
  }

  /**
   * Keeps the readings of the given devices: {@code KV(serialNumber, owner)} as {@link OwnedDevices}
   * gives them.
   */
  public static SerialNumberJoin readingsOfOwnedDevices(PCollection<KV<String, Customer>> ownedDevices) {
    return new SerialNumberJoin(
        "SerialNumberJoin.readingsOfOwnedDevices", null, requireNonNull(ownedDevices, "ownedDevices"), null, false);
  }

  /**
   * Keeps the readings of the given devices: {@code KV(serialNumber, shareWithResearchAsOfDate)},
   * the date (epoch milliseconds) being that of the device's owner. It behaves as {@link
   * #readingsOfOwnedDevices} given one owner per entry: a device is admitted whatever its date, and
   * several entries of one serial number count the earliest date. A null date (with a coder that
   * admits it) is a device whose owner has not consented, whose readings {@link
   * #withConsentSinceDate withConsentSinceDate(true)} all drops. Serial numbers are compared exactly.
   */
  public static SerialNumberJoin readingsOfDevices(PCollection<KV<String, Long>> researchConsentBySerial) {
    return new SerialNumberJoin(
        "SerialNumberJoin.readingsOfDevices",
        null,
        null,
        requireNonNull(researchConsentBySerial, "researchConsentBySerial"),
        false);
  }

  /** Whether to drop the readings taken before the owner's research consent date. */
  public SerialNumberJoin withConsentSinceDate(boolean consentSinceDate) {
    return new SerialNumberJoin(factory, customers, ownedDevices, consentDates, consentSinceDate);
  }

  @Override
  public PCollection<StepTrainerReading> expand(PCollection<StepTrainerReading> readings) {
    BatchInputs.requireBounded(factory, readings, customers, ownedDevices, consentDates);
    PCollectionView<Map<String, Long>> consentBySerial;
    String step;
    String unknown;
    if (customers != null) {
      consentBySerial = SemiJoins.earliestConsentBy(customers, "Serial", Customer::serialNumber);
      step = "KeepReadingsOfKnownSerials";
      unknown = READINGS_OF_UNKNOWN_SERIALS;
    } else if (ownedDevices != null) {
      consentBySerial = SemiJoins.earliestConsentOf(ownedDevices, "Device");
      step = "KeepReadingsOfOwnedDevices";
      unknown = READINGS_OF_OTHER_DEVICES;
    } else {
      consentBySerial = SemiJoins.earliestConsentOfKeys(consentDates, "Device", serial -> serial);
      step = "KeepReadingsOfGivenDevices";
      unknown = READINGS_OF_OTHER_DEVICES;
    }
    return readings
        .apply(
            step,
            ParDo.of(new KeepKnownSerialsFn(consentBySerial, consentSinceDate, unknown)).withSideInputs(consentBySerial))
        .setCoder(StepTrainerReading.Coder.of())
        .apply(
            "DropDuplicateReadings",
            SemiJoins.distinctCounting(
                SerialNumberJoin.class,
                DUPLICATE_READINGS,
                READINGS_KEPT,
                StepTrainerReading.Coder.of(),
                Buckets::hash));
  }

  private static final class KeepKnownSerialsFn extends DoFn<StepTrainerReading, StepTrainerReading> {
    private final PCollectionView<Map<String, Long>> consentBySerial;
    private final boolean consentSinceDate;
    private final Counter readings = Metrics.counter(SerialNumberJoin.class, READINGS);
    private final Counter unknownSerials;
    private final Counter beforeConsent = Metrics.counter(SerialNumberJoin.class, READINGS_BEFORE_CONSENT);
    // The side input of this bundle, read once: a runner may build the map on every read of it.
    private transient Map<String, Long> consent;

    KeepKnownSerialsFn(
        PCollectionView<Map<String, Long>> consentBySerial, boolean consentSinceDate, String unknownCounter) {
      this.consentBySerial = consentBySerial;
      this.consentSinceDate = consentSinceDate;
      this.unknownSerials = Metrics.counter(SerialNumberJoin.class, unknownCounter);
    }

    @StartBundle
    public void startBundle() {
      consent = null;
    }

    @ProcessElement
    public void processElement(ProcessContext c) {
      readings.inc();
      StepTrainerReading reading = c.element();
      if (consent == null) {
        consent = c.sideInput(consentBySerial);
      }
      Long since = consent.get(reading.serialNumber());
      if (since == null) {
        unknownSerials.inc();
      } else if (consentSinceDate && reading.sensorReadingTime() < since) {
        beforeConsent.inc();
      } else {
        c.output(reading);
      }
    }
  }
}
