package org.stedi.lakehouse.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.stedi.lakehouse.testing.Stedi.EXERCISE_TIME;
import static org.stedi.lakehouse.testing.Stedi.FRANK;
import static org.stedi.lakehouse.testing.Stedi.JOHN;
import static org.stedi.lakehouse.testing.Stedi.SANTOSH;
import static org.stedi.lakehouse.testing.Stedi.SARAH;
import static org.stedi.lakehouse.testing.Stedi.SERIAL_1;
import static org.stedi.lakehouse.testing.Stedi.SERIAL_2;
import static org.stedi.lakehouse.testing.Stedi.SERIAL_3;
import static org.stedi.lakehouse.testing.Stedi.STRANGER;
import static org.stedi.lakehouse.testing.Stedi.UNKNOWN_SERIAL;
import static org.stedi.lakehouse.transforms.Records.reading;
import static org.stedi.lakehouse.transforms.Records.step;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.stedi.lakehouse.model.AccelerometerReading;
import org.stedi.lakehouse.model.DeviceAttribution.Verdict;
import org.stedi.lakehouse.model.DeviceAttribution;
import org.stedi.lakehouse.model.StepTrainerReading;
import org.stedi.lakehouse.testing.Counters;

@ExtendWith(TestPipelineExtension.class)
class DeviceOwnershipTest {
  private static final long GAP = 3000;

  /** A device's readings at {@code count} moments, {@link #GAP} apart from {@code start}. */
  private static List<StepTrainerReading> device(String serial, long start, int count) {
    List<StepTrainerReading> readings = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      readings.add(step(start + i * GAP, serial, 200 + i));
    }
    return readings;
  }

  /** A phone's readings at the moments {@code from} (inclusive) to {@code to} (exclusive) of a device session. */
  private static List<AccelerometerReading> phone(String user, long start, int from, int to) {
    List<AccelerometerReading> readings = new ArrayList<>();
    for (int i = from; i < to; i++) {
      readings.add(reading(user, start + i * GAP, 0.1 * i, -0.1 * i, 1.0));
    }
    return readings;
  }

  private static PCollection<DeviceAttribution> attribute(
      TestPipeline pipeline, List<StepTrainerReading> steps, List<AccelerometerReading> phones) {
    PCollection<AccelerometerReading> phoneReadings =
        pipeline.apply("CreatePhones", Create.of(phones).withCoder(AccelerometerReading.Coder.of()));
    return pipeline
        .apply("CreateSteps", Create.of(steps).withCoder(StepTrainerReading.Coder.of()))
        .apply(DeviceOwnership.fromPhones(phoneReadings));
  }

  private static DeviceAttribution owned(String serial, String owner, long times, long best, long runnerUp) {
    return new DeviceAttribution(serial, Verdict.OWNED, owner.toLowerCase(Locale.ROOT), times, best, runnerUp);
  }

  private static DeviceAttribution unowned(String serial, Verdict verdict, long times, long best, long runnerUp) {
    return new DeviceAttribution(serial, verdict, null, times, best, runnerUp);
  }

  @Test
  void aDeviceBelongsToThePhoneThatRecordsAtItsReadingTimesWhateverTheSerialInCustomerRecords(TestPipeline pipeline) {
    long t = EXERCISE_TIME;
    List<StepTrainerReading> steps = new ArrayList<>(device(SERIAL_1, t, 30));
    steps.addAll(device(SERIAL_2, t + 1, 30));
    List<AccelerometerReading> phones = new ArrayList<>(phone(SANTOSH, t, 0, 30));
    phones.addAll(phone(SARAH, t + 1, 0, 30));
    // A third phone that happens to record at one of Santosh's moments.
    phones.add(reading(FRANK, t, 9, 9, 9));

    PAssert.that(attribute(pipeline, steps, phones))
        .containsInAnyOrder(owned(SERIAL_1, SANTOSH, 30, 30, 1), owned(SERIAL_2, SARAH, 30, 30, 0));
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    assertEquals(2, Counters.value(result, DeviceOwnership.class, "devices"));
    assertEquals(2, Counters.value(result, DeviceOwnership.class, "devicesOwned"));
    assertEquals(60, Counters.value(result, DeviceOwnership.class, "stepReadings"));
    assertEquals(61, Counters.value(result, DeviceOwnership.class, "phoneReadings"));
  }

  /**
   * Two customers side by side: Sarah (who never consented) exercises on her device with her phone,
   * and Santosh's phone, next to her, records at 23 of her device's 30 moments. The device is
   * Sarah's: counting only consenting phones would have given it to Santosh.
   */
  @Test
  void sideBySideExerciseGivesTheDeviceToThePhoneWithTheMostMatchingMoments(TestPipeline pipeline) {
    long t = EXERCISE_TIME;
    List<StepTrainerReading> steps = new ArrayList<>(device(SERIAL_2, t, 30));
    steps.addAll(device(SERIAL_1, t + 1, 30));
    List<AccelerometerReading> phones = new ArrayList<>(phone(SARAH, t, 0, 30));
    phones.addAll(phone(SANTOSH, t, 0, 23));
    phones.addAll(phone(SANTOSH, t + 1, 0, 30));

    PAssert.that(attribute(pipeline, steps, phones))
        .containsInAnyOrder(owned(SERIAL_2, SARAH, 30, 30, 23), owned(SERIAL_1, SANTOSH, 30, 30, 0));
    pipeline.run().waitUntilFinish();
  }

  @Test
  void devicesWithoutAPhoneWithoutAMajorityOrWithATieHaveNoOwner(TestPipeline pipeline) {
    long t = EXERCISE_TIME;
    List<StepTrainerReading> steps = new ArrayList<>(device(UNKNOWN_SERIAL, t, 30));
    steps.addAll(device(SERIAL_1, t + 1, 30));
    steps.addAll(device(SERIAL_2, t + 2, 30));
    steps.addAll(device(SERIAL_3, t + 3, 30));
    List<AccelerometerReading> phones = new ArrayList<>();
    phones.addAll(phone(SANTOSH, t + 1, 0, 15)); // exactly half: no majority
    phones.addAll(phone(SARAH, t + 2, 0, 30)); // Sarah and Frank on one device: a tie
    phones.addAll(phone(FRANK, t + 2, 0, 30));
    phones.addAll(phone(JOHN, t + 3, 14, 30)); // 16 of 30: a majority

    PAssert.that(attribute(pipeline, steps, phones))
        .containsInAnyOrder(
            unowned(UNKNOWN_SERIAL, Verdict.NO_PHONE, 30, 0, 0),
            unowned(SERIAL_1, Verdict.NO_MAJORITY, 30, 15, 0),
            unowned(SERIAL_2, Verdict.TIE, 30, 30, 30),
            owned(SERIAL_3, JOHN, 30, 16, 0));
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    assertEquals(1, Counters.value(result, DeviceOwnership.class, "devicesWithoutPhone"));
    assertEquals(1, Counters.value(result, DeviceOwnership.class, "devicesWithoutMajority"));
    assertEquals(1, Counters.value(result, DeviceOwnership.class, "devicesTied"));
    assertEquals(1, Counters.value(result, DeviceOwnership.class, "devicesOwned"));
  }

  @Test
  void duplicateReadingsAndSeveralReadingsOfOneMillisecondCountOnce(TestPipeline pipeline) {
    long t = EXERCISE_TIME;
    List<StepTrainerReading> steps = new ArrayList<>();
    for (StepTrainerReading reading : device(SERIAL_1, t, 4)) {
      steps.add(reading); // every line twice: still 4 reading times
      steps.add(reading);
    }
    List<AccelerometerReading> phones = new ArrayList<>();
    for (int copy = 0; copy < 3; copy++) {
      phones.addAll(phone(SANTOSH, t, 0, 3)); // 3 moments, each line three times
      phones.add(reading(SANTOSH, t, 0.5 + copy, 0.5, 0.5)); // and other readings at the first moment
    }
    // Santosh's 3 of 4: a majority only if the duplicates add no reading times. Sarah's phone at
    // the fourth moment, written six times, is still one moment of evidence.
    for (int copy = 0; copy < 6; copy++) {
      phones.add(reading(SARAH, t + 3 * GAP, 1, 1, 1));
    }

    PAssert.that(attribute(pipeline, steps, phones)).containsInAnyOrder(owned(SERIAL_1, SANTOSH, 4, 3, 1));
    pipeline.run().waitUntilFinish();
  }

  @Test
  void usersAreComparedTrimmedAndCaseInsensitively(TestPipeline pipeline) {
    long t = EXERCISE_TIME;
    List<AccelerometerReading> phones = new ArrayList<>();
    phones.addAll(phone(SANTOSH.toUpperCase(Locale.ROOT), t, 0, 10));
    phones.addAll(phone("  " + SANTOSH + " ", t, 10, 20));
    phones.addAll(phone(STRANGER, t, 20, 30));

    PAssert.that(attribute(pipeline, device(SERIAL_1, t, 30), phones))
        .containsInAnyOrder(owned(SERIAL_1, SANTOSH, 30, 20, 10));
    pipeline.run().waitUntilFinish();
  }

  @Test
  void theVerdictIsTheSameWhenEveryGroupingSpreadsOverManyBuckets(TestPipeline pipeline) {
    pipeline.getOptions().as(GroupingOptions.class).setElementsPerBucket(3);
    long t = EXERCISE_TIME;
    List<StepTrainerReading> steps = new ArrayList<>();
    List<AccelerometerReading> phones = new ArrayList<>();
    List<DeviceAttribution> expected = new ArrayList<>();
    for (int d = 0; d < 12; d++) {
      String serial = "device-" + d;
      String user = "Person" + d + "@test.com";
      long start = t + d * 7;
      steps.addAll(device(serial, start, 30));
      phones.addAll(phone(user, start, 0, 16 + d)); // 16 to 27 of 30
      phones.addAll(phone("Neighbour" + d + "@test.com", start, 0, d)); // fewer
      expected.add(owned(serial, user, 30, 16 + d, d));
    }

    PAssert.that(attribute(pipeline, steps, phones)).containsInAnyOrder(expected);
    pipeline.run().waitUntilFinish();
  }

  @Test
  void noReadingsGiveNoDevices(TestPipeline pipeline) {
    PAssert.that(attribute(pipeline, List.of(), phone(SANTOSH, EXERCISE_TIME, 0, 3))).empty();
    pipeline.run().waitUntilFinish();
  }

  @Test
  void theRuleRefusesEvidenceThatCannotBe() {
    assertThrows(IllegalArgumentException.class, () -> DeviceAttribution.decide(SERIAL_1, 30, SANTOSH, 31, 0));
    assertThrows(IllegalArgumentException.class, () -> DeviceAttribution.decide(SERIAL_1, 30, SANTOSH, 10, 11));
    assertThrows(
        IllegalArgumentException.class, () -> new DeviceAttribution(SERIAL_1, Verdict.TIE, SANTOSH, 30, 30, 30));
    assertEquals(Verdict.NO_PHONE, DeviceAttribution.decide(SERIAL_1, 1, null, 0, 0).verdict());
    assertEquals(Verdict.OWNED, DeviceAttribution.decide(SERIAL_1, 1, SANTOSH, 1, 0).verdict());
  }
}
