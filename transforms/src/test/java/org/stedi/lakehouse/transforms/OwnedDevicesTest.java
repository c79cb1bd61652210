package org.stedi.lakehouse.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.stedi.lakehouse.testing.Stedi.CONSENT_TIME;
import static org.stedi.lakehouse.testing.Stedi.EXERCISE_TIME;
import static org.stedi.lakehouse.testing.Stedi.FRANK;
import static org.stedi.lakehouse.testing.Stedi.SANTOSH;
import static org.stedi.lakehouse.testing.Stedi.SARAH;
import static org.stedi.lakehouse.testing.Stedi.SERIAL_1;
import static org.stedi.lakehouse.testing.Stedi.SERIAL_2;
import static org.stedi.lakehouse.testing.Stedi.SERIAL_3;
import static org.stedi.lakehouse.testing.Stedi.STRANGER;
import static org.stedi.lakehouse.testing.Stedi.consenting;
import static org.stedi.lakehouse.transforms.Records.customer;
import static org.stedi.lakehouse.transforms.Records.reading;
import static org.stedi.lakehouse.transforms.Records.step;

import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.stedi.lakehouse.model.AccelerometerReading;
import org.stedi.lakehouse.model.Customer;
import org.stedi.lakehouse.model.DeviceAttribution.Verdict;
import org.stedi.lakehouse.model.DeviceAttribution;
import org.stedi.lakehouse.model.MachineLearningRow;
import org.stedi.lakehouse.model.StepTrainerReading;
import org.stedi.lakehouse.testing.Counters;

/**
 * The devices of given customers by their readings, and the two joins that use them: the readings
 * of those devices (step_trainer_trusted) and their pairs with the owner's phone
 * (machine_learning_curated).
 */
@ExtendWith(TestPipelineExtension.class)
class OwnedDevicesTest {
  private static final long T = EXERCISE_TIME;

  /**
   * The serial-number bug: Santosh and Frank both consent and both have SERIAL_1 in their records.
   * By the readings, Santosh owns SERIAL_2 and Frank SERIAL_1; SERIAL_3 is Sarah's, who is no
   * customer here (she never consented); a fourth device is owned by a stranger.
   */
  private static final Customer SANTOSH_RECORD = customer(consenting(SANTOSH, SERIAL_1));
  private static final Customer FRANK_RECORD = customer(consenting(FRANK, SERIAL_1).shareWithResearchAsOfDate(T + 1));

  private static final List<DeviceAttribution> DEVICES =
      List.of(
          new DeviceAttribution(SERIAL_2, Verdict.OWNED, SANTOSH.toLowerCase(), 30, 30, 0),
          new DeviceAttribution(SERIAL_1, Verdict.OWNED, FRANK.toLowerCase(), 30, 29, 2),
          new DeviceAttribution(SERIAL_3, Verdict.OWNED, SARAH.toLowerCase(), 30, 30, 23),
          new DeviceAttribution("stranger-device", Verdict.OWNED, STRANGER.toLowerCase(), 30, 30, 0),
          new DeviceAttribution("tied-device", Verdict.TIE, null, 30, 30, 30));

  private static PCollection<KV<String, Customer>> ownedDevices(TestPipeline pipeline) {
    PCollection<Customer> customers =
        pipeline.apply("CreateCustomers", Create.of(SANTOSH_RECORD, FRANK_RECORD).withCoder(Customer.Coder.of()));
    return pipeline
        .apply("CreateDevices", Create.of(DEVICES).withCoder(DeviceAttribution.Coder.of()))
        .apply(OwnedDevices.of(customers));
  }

  @Test
  void givesEachDeviceItsOwnersRecordAndCountsCustomersWhoseSerialIsAnotherDevice(TestPipeline pipeline) {
    PAssert.that(ownedDevices(pipeline))
        .containsInAnyOrder(KV.of(SERIAL_2, SANTOSH_RECORD), KV.of(SERIAL_1, FRANK_RECORD));
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    assertEquals(4, Counters.value(result, OwnedDevices.class, "ownedDevices"));
    assertEquals(2, Counters.value(result, OwnedDevices.class, "devicesOfCustomers"));
    assertEquals(2, Counters.value(result, OwnedDevices.class, "devicesOfOthers"));
    assertEquals(2, Counters.value(result, OwnedDevices.class, "customersOwningDevices"));
    assertEquals(1, Counters.value(result, OwnedDevices.class, "customersWithOtherSerial"));
  }

  @Test
  void keepsTheReadingsOfTheCustomersOwnDevicesOnlyEachOnce(TestPipeline pipeline) {
    StepTrainerReading santoshsStep = step(T, SERIAL_2, 200);
    StepTrainerReading franksStep = step(T, SERIAL_1, 210);
    StepTrainerReading sarahsStep = step(T, SERIAL_3, 220);
    StepTrainerReading strangersStep = step(T, "stranger-device", 230);
    PCollection<StepTrainerReading> kept =
        pipeline
            .apply(
                "CreateSteps",
                Create.of(santoshsStep, santoshsStep, franksStep, sarahsStep, strangersStep)
                    .withCoder(StepTrainerReading.Coder.of()))
            .apply(SerialNumberJoin.readingsOfOwnedDevices(ownedDevices(pipeline)));

    PAssert.that(kept).containsInAnyOrder(santoshsStep, franksStep);
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    assertEquals(2, Counters.value(result, SerialNumberJoin.class, "readingsOfOtherDevices"));
    assertEquals(1, Counters.value(result, SerialNumberJoin.class, "duplicateReadings"));
    assertEquals(2, Counters.value(result, SerialNumberJoin.class, "readingsKept"));
  }

  @Test
  void consentSinceDateCountsTheOwnersConsentDate(TestPipeline pipeline) {
    // Frank consented at T + 1: his device's reading at T goes, Santosh's (consent long before) stays.
    StepTrainerReading santoshsStep = step(T, SERIAL_2, 200);
    StepTrainerReading franksEarly = step(T, SERIAL_1, 210);
    StepTrainerReading franksLater = step(T + 1, SERIAL_1, 211);
    PCollection<StepTrainerReading> kept =
        pipeline
            .apply("CreateSteps", Create.of(santoshsStep, franksEarly, franksLater).withCoder(StepTrainerReading.Coder.of()))
            .apply(SerialNumberJoin.readingsOfOwnedDevices(ownedDevices(pipeline)).withConsentSinceDate(true));

    PAssert.that(kept).containsInAnyOrder(santoshsStep, franksLater);
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    assertEquals(1, Counters.value(result, SerialNumberJoin.class, "readingsBeforeConsent"));
    assertEquals(CONSENT_TIME, SANTOSH_RECORD.shareWithResearchAsOfDate());
  }

  @Test
  void pairsEachDevicesReadingsWithItsOwnersPhoneOnly(TestPipeline pipeline) {
    StepTrainerReading santoshsStep = step(T, SERIAL_2, 200);
    StepTrainerReading franksStep = step(T, SERIAL_1, 210);
    AccelerometerReading santoshA = reading(SANTOSH, T, 1, 1, 1);
    AccelerometerReading santoshB = reading(SANTOSH.toUpperCase(), T, 2, 2, 2);
    AccelerometerReading frankA = reading(FRANK, T, 3, 3, 3);
    PCollection<AccelerometerReading> phones =
        pipeline.apply("CreatePhones", Create.of(santoshA, santoshB, frankA).withCoder(AccelerometerReading.Coder.of()));
    PCollection<MachineLearningRow> rows =
        pipeline
            .apply("CreateSteps", Create.of(santoshsStep, franksStep).withCoder(StepTrainerReading.Coder.of()))
            .apply(TimestampJoin.pairWithOwners(phones, ownedDevices(pipeline)));

    // By serialNumber, Santosh and Frank would both be paired with SERIAL_1 and nobody with SERIAL_2.
    PAssert.that(rows)
        .containsInAnyOrder(
            MachineLearningRow.pair(santoshsStep, santoshA),
            MachineLearningRow.pair(santoshsStep, santoshB),
            MachineLearningRow.pair(franksStep, frankA));
    pipeline.run().waitUntilFinish();
  }

  @Test
  void timestampOnlyPairingWithOwnersPairsEveryPhoneAtTheMillisecond(TestPipeline pipeline) {
    StepTrainerReading santoshsStep = step(T, SERIAL_2, 200);
    AccelerometerReading santoshA = reading(SANTOSH, T, 1, 1, 1);
    AccelerometerReading frankA = reading(FRANK, T, 3, 3, 3);
    AccelerometerReading later = reading(FRANK, T + 1, 3, 3, 3);
    PCollection<AccelerometerReading> phones =
        pipeline.apply("CreatePhones", Create.of(santoshA, frankA, later).withCoder(AccelerometerReading.Coder.of()));
    PCollection<MachineLearningRow> rows =
        pipeline
            .apply("CreateSteps", Create.of(santoshsStep).withCoder(StepTrainerReading.Coder.of()))
            .apply(TimestampJoin.pairWithOwners(phones, ownedDevices(pipeline)).withTimestampOnlyPairing(true));

    PAssert.that(rows)
        .containsInAnyOrder(MachineLearningRow.pair(santoshsStep, santoshA), MachineLearningRow.pair(santoshsStep, frankA));
    pipeline.run().waitUntilFinish();
  }
}
