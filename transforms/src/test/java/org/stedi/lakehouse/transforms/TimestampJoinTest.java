package org.stedi.lakehouse.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
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
import java.util.Set;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.stedi.lakehouse.model.AccelerometerReading;
import org.stedi.lakehouse.model.Column;
import org.stedi.lakehouse.model.Customer;
import org.stedi.lakehouse.model.MachineLearningRow;
import org.stedi.lakehouse.model.StepTrainerReading;
import org.stedi.lakehouse.testing.Counters;

@ExtendWith(TestPipelineExtension.class)
class TimestampJoinTest {
  private static final long T = EXERCISE_TIME;

  /** Santosh uses device 1 and Sarah device 2; both exercise at millisecond T. */
  private static final Customer SANTOSH_ON_1 = customer(consenting(SANTOSH, SERIAL_1));

  private static final Customer SARAH_ON_2 = customer(consenting(SARAH, SERIAL_2));
  private static final StepTrainerReading STEP_1 = step(T, SERIAL_1, 218);
  private static final StepTrainerReading STEP_2 = step(T, SERIAL_2, 180);
  private static final AccelerometerReading SANTOSH_A = reading(SANTOSH, T, 1.0, -1.0, -1.0);
  private static final AccelerometerReading SANTOSH_B = reading(SANTOSH, T, 0.5, -0.5, -1.0);
  private static final AccelerometerReading SARAH_A = reading(SARAH, T, 0.0, 0.25, 9.8);

  private static PCollection<MachineLearningRow> pair(
      TestPipeline pipeline,
      List<Customer> customers,
      List<AccelerometerReading> accelerometer,
      List<StepTrainerReading> steps,
      boolean timestampOnly) {
    PCollection<Customer> curated =
        pipeline.apply("CreateCustomers", Create.of(customers).withCoder(Customer.Coder.of()));
    PCollection<AccelerometerReading> readings =
        pipeline.apply("CreateReadings", Create.of(accelerometer).withCoder(AccelerometerReading.Coder.of()));
    return pipeline
        .apply("CreateSteps", Create.of(steps).withCoder(StepTrainerReading.Coder.of()))
        .apply(TimestampJoin.pairWith(readings, curated).withTimestampOnlyPairing(timestampOnly));
  }

  @Test
  void pairsEachStepReadingWithEveryReadingOfItsOwnCustomerAtThatMillisecond(TestPipeline pipeline) {
    PCollection<MachineLearningRow> rows =
        pair(
            pipeline,
            List.of(SANTOSH_ON_1, SARAH_ON_2),
            List.of(SANTOSH_A, SANTOSH_B, SARAH_A),
            List.of(STEP_1, STEP_2),
            false);

    PAssert.that(rows)
        .containsInAnyOrder(
            MachineLearningRow.pair(STEP_1, SANTOSH_A),
            MachineLearningRow.pair(STEP_1, SANTOSH_B),
            MachineLearningRow.pair(STEP_2, SARAH_A));
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    assertEquals(3, Counters.value(result, TimestampJoin.class, "pairs"));
  }

  @Test
  void timestampOnlyPairingCrossPairsCustomersAtTheSameMillisecond(TestPipeline pipeline) {
    PCollection<MachineLearningRow> rows =
        pair(
            pipeline,
            List.of(SANTOSH_ON_1, SARAH_ON_2),
            List.of(SANTOSH_A, SARAH_A),
            List.of(STEP_1, STEP_2),
            true);

    PAssert.that(rows)
        .containsInAnyOrder(
            MachineLearningRow.pair(STEP_1, SANTOSH_A),
            MachineLearningRow.pair(STEP_1, SARAH_A),
            MachineLearningRow.pair(STEP_2, SANTOSH_A),
            MachineLearningRow.pair(STEP_2, SARAH_A));
    pipeline.run().waitUntilFinish();
  }

  @Test
  void customersSharingASerialArePairedWithThatDevicesReadings(TestPipeline pipeline) {
    Customer frankOn1 = customer(consenting(FRANK, SERIAL_1));
    AccelerometerReading frankA = reading(FRANK, T, 2, 2, 2);

    PCollection<MachineLearningRow> rows =
        pair(pipeline, List.of(SANTOSH_ON_1, frankOn1), List.of(SANTOSH_A, frankA), List.of(STEP_1), false);

    PAssert.that(rows)
        .containsInAnyOrder(MachineLearningRow.pair(STEP_1, SANTOSH_A), MachineLearningRow.pair(STEP_1, frankA));
    pipeline.run().waitUntilFinish();
  }

  @Test
  void leavesUnmatchedReadingsUnpairedAndIgnoresUnknownUsers(TestPipeline pipeline) {
    StepTrainerReading lonelyStep = step(T + 3000, SERIAL_1, 100);
    StepTrainerReading otherDevice = step(T, SERIAL_3, 100);
    AccelerometerReading lonelyReading = reading(SANTOSH, T + 7, 1, 1, 1);
    AccelerometerReading stranger = reading(STRANGER, T, 1, 1, 1);

    PCollection<MachineLearningRow> rows =
        pair(
            pipeline,
            List.of(SANTOSH_ON_1),
            List.of(SANTOSH_A, lonelyReading, stranger),
            List.of(STEP_1, lonelyStep, otherDevice),
            false);

    PAssert.that(rows).containsInAnyOrder(MachineLearningRow.pair(STEP_1, SANTOSH_A));
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    assertEquals(1, Counters.value(result, TimestampJoin.class, "pairs"));
    assertEquals(1, Counters.value(result, TimestampJoin.class, "stepReadingsPaired"));
    assertEquals(2, Counters.value(result, TimestampJoin.class, "stepReadingsUnpaired"));
    assertEquals(1, Counters.value(result, TimestampJoin.class, "accelerometerReadingsUnpaired"));
    assertEquals(1, Counters.value(result, TimestampJoin.class, "accelerometerReadingsOfUnknownUsers"));
  }

  @Test
  void machineLearningRowsHaveNoPersonalColumns() {
    Set<String> personal = Set.of("email", "user", "customerName", "phone", "birthDay");
    for (Column column : MachineLearningRow.COLUMNS) {
      assertTrue(!personal.contains(column.name()), column.name() + " is personal");
    }
    assertEquals(
        List.of("sensorReadingTime", "serialNumber", "distanceFromObject", "x", "y", "z"),
        MachineLearningRow.COLUMNS.stream().map(Column::name).toList());
    assertEquals(
        List.of("sensorReadingTime", "serialNumber", "distanceFromObject", "x", "y", "z"),
        List.of(MachineLearningRow.class.getRecordComponents()).stream().map(c -> c.getName()).toList());
  }
}
