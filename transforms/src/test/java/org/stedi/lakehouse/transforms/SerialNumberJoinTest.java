package org.stedi.lakehouse.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.stedi.lakehouse.testing.Stedi.CONSENT_TIME;
import static org.stedi.lakehouse.testing.Stedi.EXERCISE_TIME;
import static org.stedi.lakehouse.testing.Stedi.SANTOSH;
import static org.stedi.lakehouse.testing.Stedi.SARAH;
import static org.stedi.lakehouse.testing.Stedi.SERIAL_1;
import static org.stedi.lakehouse.testing.Stedi.SERIAL_2;
import static org.stedi.lakehouse.testing.Stedi.UNKNOWN_SERIAL;
import static org.stedi.lakehouse.testing.Stedi.consenting;
import static org.stedi.lakehouse.transforms.Records.customer;
import static org.stedi.lakehouse.transforms.Records.step;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.stedi.lakehouse.model.Customer;
import org.stedi.lakehouse.model.StepTrainerReading;
import org.stedi.lakehouse.testing.Counters;

@ExtendWith(TestPipelineExtension.class)
class SerialNumberJoinTest {

  private static PCollection<Customer> customers(TestPipeline pipeline, List<Customer> customers) {
    return pipeline.apply("CreateCustomers", Create.of(customers).withCoder(Customer.Coder.of()));
  }

  private static PCollection<StepTrainerReading> steps(TestPipeline pipeline, StepTrainerReading... readings) {
    return pipeline.apply("CreateSteps", Create.of(List.of(readings)).withCoder(StepTrainerReading.Coder.of()));
  }

  @Test
  void serialSharedByManyCustomersStillGivesEachReadingOnce(TestPipeline pipeline) {
    List<Customer> sharing = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      sharing.add(customer(consenting("customer" + i + "@test.com", SERIAL_1)));
    }
    StepTrainerReading first = step(EXERCISE_TIME, SERIAL_1, 218);
    StepTrainerReading second = step(EXERCISE_TIME + 2500, SERIAL_1, 201);

    PCollection<StepTrainerReading> kept =
        steps(pipeline, first, second).apply(SerialNumberJoin.readingsOf(customers(pipeline, sharing)));

    PAssert.that(kept).containsInAnyOrder(first, second);
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    assertEquals(2, Counters.value(result, SerialNumberJoin.class, "readingsKept"));
  }

  @Test
  void dropsReadingsOfUnknownSerialsAndExactDuplicates(TestPipeline pipeline) {
    List<Customer> curated = List.of(customer(consenting(SANTOSH, SERIAL_1)), customer(consenting(SARAH, SERIAL_2)));
    StepTrainerReading one = step(EXERCISE_TIME, SERIAL_1, 218);
    StepTrainerReading two = step(EXERCISE_TIME, SERIAL_2, 219);
    StepTrainerReading unknown = step(EXERCISE_TIME, UNKNOWN_SERIAL, 220);

    PCollection<StepTrainerReading> kept =
        steps(pipeline, one, one, two, unknown, one).apply(SerialNumberJoin.readingsOf(customers(pipeline, curated)));

    PAssert.that(kept).containsInAnyOrder(one, two);
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    assertEquals(5, Counters.value(result, SerialNumberJoin.class, "readings"));
    assertEquals(1, Counters.value(result, SerialNumberJoin.class, "readingsOfUnknownSerials"));
    assertEquals(2, Counters.value(result, SerialNumberJoin.class, "duplicateReadings"));
    assertEquals(2, Counters.value(result, SerialNumberJoin.class, "readingsKept"));
  }

  @Test
  void comparesSerialNumbersExactly(TestPipeline pipeline) {
    List<Customer> curated = List.of(customer(consenting(SANTOSH, SERIAL_1)));
    StepTrainerReading upperCase = step(EXERCISE_TIME, SERIAL_1.toUpperCase(), 218);

    PAssert.that(steps(pipeline, upperCase).apply(SerialNumberJoin.readingsOf(customers(pipeline, curated))))
        .empty();
    pipeline.run().waitUntilFinish();
  }

  @Test
  void consentSinceDateUsesTheEarliestConsentAmongCustomersSharingTheSerial(TestPipeline pipeline) {
    List<Customer> sharing =
        List.of(
            customer(consenting(SANTOSH, SERIAL_1).shareWithResearchAsOfDate(CONSENT_TIME + 10_000)),
            customer(consenting(SARAH, SERIAL_1).shareWithResearchAsOfDate(CONSENT_TIME)));
    StepTrainerReading atConsent = step(CONSENT_TIME, SERIAL_1, 218);
    StepTrainerReading justBefore = step(CONSENT_TIME - 1, SERIAL_1, 218);

    PCollection<StepTrainerReading> kept =
        steps(pipeline, atConsent, justBefore)
            .apply(SerialNumberJoin.readingsOf(customers(pipeline, sharing)).withConsentSinceDate(true));

    PAssert.that(kept).containsInAnyOrder(atConsent);
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    assertEquals(1, Counters.value(result, SerialNumberJoin.class, "readingsBeforeConsent"));
  }
}
