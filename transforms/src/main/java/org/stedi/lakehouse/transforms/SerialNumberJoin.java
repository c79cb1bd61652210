package org.stedi.lakehouse.transforms;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.stedi.lakehouse.model.Customer;
import org.stedi.lakehouse.model.StepTrainerReading;

/**
 * step_trainer_trusted's rule: the step trainer readings whose {@code serialNumber} is the serial
 * number of one of the given customers (normally customers_curated). A semi-join: no customer
 * column is added and no reading is ever multiplied.
 *
 * <p><b>Input:</b> readings in any order, with exact duplicates. Serial numbers are compared
 * exactly as given. Because of the serial-number bug many customers can share one serial; that is
 * expected and harmless here.
 *
 * <p><b>Output:</b> every reading of a known serial, unchanged, each distinct reading once (exact
 * duplicates collapse), however many customers share its serial. Readings of unknown serials are
 * dropped.
 *
 * <p>{@link #withConsentSinceDate(boolean) withConsentSinceDate(true)} also drops the readings
 * taken before the earliest {@code shareWithResearchAsOfDate} among the customers with that serial
 * (a step trainer reading does not say which of them used the device); a reading at exactly that
 * millisecond is kept.
 *
 * <p><b>Scale:</b> the customers are reduced to one value per serial number with a combiner (a
 * serial shared by millions of customers costs one entry), and that map is a side input broadcast
 * to every worker. The readings are checked against it in a map step and shuffled once, in
 * size-adaptive buckets of about a hundred thousand readings grouped by a hash of the whole reading,
 * where duplicates are dropped in memory. They are never grouped by serial, so a device with
 * millions of readings is not a hot key.
 *
 * <p><b>Counters</b> (namespace {@code SerialNumberJoin}): {@code readings} (input),
 * {@code readingsOfUnknownSerials}, {@code readingsBeforeConsent}, {@code duplicateReadings},
 * {@code readingsKept}.
 */
public final class SerialNumberJoin
    extends PTransform<PCollection<StepTrainerReading>, PCollection<StepTrainerReading>> {
  private final PCollection<Customer> customers;
  private final boolean consentSinceDate;

  private SerialNumberJoin(PCollection<Customer> customers, boolean consentSinceDate) {
    this.customers = customers;
    this.consentSinceDate = consentSinceDate;
  }

  /** Keeps the readings of devices whose serial number one of the given customers has. */
  public static SerialNumberJoin readingsOf(PCollection<Customer> customers) {
    return new SerialNumberJoin(requireNonNull(customers, "customers"), false);
  }

  /** Whether to drop the readings taken before the serial's earliest research consent date. */
  public SerialNumberJoin withConsentSinceDate(boolean consentSinceDate) {
    return new SerialNumberJoin(customers, consentSinceDate);
  }

  @Override
  public PCollection<StepTrainerReading> expand(PCollection<StepTrainerReading> readings) {
    PCollectionView<Map<String, Long>> consentBySerial =
        SemiJoins.earliestConsentBy(customers, "Serial", Customer::serialNumber);
    return readings
        .apply(
            "KeepReadingsOfKnownSerials",
            ParDo.of(new KeepKnownSerialsFn(consentBySerial, consentSinceDate)).withSideInputs(consentBySerial))
        .setCoder(StepTrainerReading.Coder.of())
        .apply(
            "DropDuplicateReadings",
            SemiJoins.distinctCounting(
                SerialNumberJoin.class,
                "duplicateReadings",
                "readingsKept",
                StepTrainerReading.Coder.of(),
                Buckets::hash));
  }

  private static final class KeepKnownSerialsFn extends DoFn<StepTrainerReading, StepTrainerReading> {
    private final PCollectionView<Map<String, Long>> consentBySerial;
    private final boolean consentSinceDate;
    private final Counter readings = Metrics.counter(SerialNumberJoin.class, "readings");
    private final Counter unknownSerials = Metrics.counter(SerialNumberJoin.class, "readingsOfUnknownSerials");
    private final Counter beforeConsent = Metrics.counter(SerialNumberJoin.class, "readingsBeforeConsent");

    KeepKnownSerialsFn(PCollectionView<Map<String, Long>> consentBySerial, boolean consentSinceDate) {
      this.consentBySerial = consentBySerial;
      this.consentSinceDate = consentSinceDate;
    }

    @ProcessElement
    public void processElement(ProcessContext c) {
      readings.inc();
      StepTrainerReading reading = c.element();
      Long since = c.sideInput(consentBySerial).get(reading.serialNumber());
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
