package org.stedi.lakehouse.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.stedi.lakehouse.testing.Stedi.CONSENT_TIME;
import static org.stedi.lakehouse.testing.Stedi.EXERCISE_TIME;
import static org.stedi.lakehouse.testing.Stedi.FRANK;
import static org.stedi.lakehouse.testing.Stedi.SANTOSH;
import static org.stedi.lakehouse.testing.Stedi.SARAH;
import static org.stedi.lakehouse.testing.Stedi.SERIAL_1;
import static org.stedi.lakehouse.testing.Stedi.SERIAL_2;
import static org.stedi.lakehouse.testing.Stedi.STRANGER;
import static org.stedi.lakehouse.testing.Stedi.consenting;
import static org.stedi.lakehouse.testing.Stedi.withoutConsentField;
import static org.stedi.lakehouse.transforms.Records.customer;
import static org.stedi.lakehouse.transforms.Records.reading;

import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.stedi.lakehouse.model.AccelerometerReading;
import org.stedi.lakehouse.model.Customer;
import org.stedi.lakehouse.testing.Counters;

@ExtendWith(TestPipelineExtension.class)
class EmailJoinTest {

  private static PCollection<Customer> customers(TestPipeline pipeline, Customer... customers) {
    return pipeline.apply("CreateCustomers", Create.of(List.of(customers)).withCoder(Customer.Coder.of()));
  }

  private static PCollection<AccelerometerReading> readings(
      TestPipeline pipeline, AccelerometerReading... readings) {
    return pipeline.apply(
        "CreateReadings", Create.of(List.of(readings)).withCoder(AccelerometerReading.Coder.of()));
  }

  @Test
  void matchesEmailsThatDifferInCaseAndSurroundingSpaces(TestPipeline pipeline) {
    PCollection<Customer> trusted = customers(pipeline, customer(consenting("  Santosh.Clayton@TEST.com\t", SERIAL_1)));
    AccelerometerReading lower = reading("santosh.clayton@test.com", EXERCISE_TIME, 1, -1, -1);
    AccelerometerReading padded = reading(" SANTOSH.CLAYTON@test.COM  ", EXERCISE_TIME + 1, 1, 0, 0);

    PAssert.that(readings(pipeline, lower, padded).apply(EmailJoin.readingsOf(trusted)))
        .containsInAnyOrder(lower, padded);
    pipeline.run().waitUntilFinish();
  }

  @Test
  void dropsReadingsOfUnknownUsersAndCountsThem(TestPipeline pipeline) {
    PCollection<Customer> trusted = customers(pipeline, customer(consenting(SANTOSH, SERIAL_1)));
    AccelerometerReading known = reading(SANTOSH, EXERCISE_TIME, 1, 2, 3);
    AccelerometerReading stranger = reading(STRANGER, EXERCISE_TIME, 1, 2, 3);
    AccelerometerReading notTrusted = reading(SARAH, EXERCISE_TIME, 1, 2, 3);

    PAssert.that(readings(pipeline, known, stranger, notTrusted).apply(EmailJoin.readingsOf(trusted)))
        .containsInAnyOrder(known);
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();

    assertEquals(3, Counters.value(result, EmailJoin.class, "readings"));
    assertEquals(2, Counters.value(result, EmailJoin.class, "readingsOfUnknownUsers"));
    assertEquals(1, Counters.value(result, EmailJoin.class, "readingsKept"));
  }

  @Test
  void keepsExactDuplicateReadingsOnceButDistinctReadingsOfOneMillisecondAll(TestPipeline pipeline) {
    PCollection<Customer> trusted = customers(pipeline, customer(consenting(SANTOSH, SERIAL_1)));
    AccelerometerReading first = reading(SANTOSH, EXERCISE_TIME, 1.0, -1.0, -1.0);
    AccelerometerReading second = reading(SANTOSH, EXERCISE_TIME, 0.5, -1.0, -1.0);
    AccelerometerReading third = reading(SANTOSH, EXERCISE_TIME, 0.5, -1.0, 0.25);

    PCollection<AccelerometerReading> kept =
        readings(pipeline, first, second, first, third, first, second).apply(EmailJoin.readingsOf(trusted));

    PAssert.that(kept).containsInAnyOrder(first, second, third);
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    assertEquals(3, Counters.value(result, EmailJoin.class, "duplicateReadings"));
    assertEquals(3, Counters.value(result, EmailJoin.class, "readingsKept"));
  }

  @Test
  void consentSinceDateKeepsReadingAtTheConsentMillisecondAndDropsOneEarlier(TestPipeline pipeline) {
    PCollection<Customer> trusted =
        customers(pipeline, customer(consenting(SANTOSH, SERIAL_1).shareWithResearchAsOfDate(CONSENT_TIME)));
    AccelerometerReading atConsent = reading(SANTOSH, CONSENT_TIME, 1, 1, 1);
    AccelerometerReading justBefore = reading(SANTOSH, CONSENT_TIME - 1, 1, 1, 1);
    AccelerometerReading later = reading(SANTOSH, CONSENT_TIME + 60_000, 1, 1, 1);

    PCollection<AccelerometerReading> kept =
        readings(pipeline, atConsent, justBefore, later)
            .apply(EmailJoin.readingsOf(trusted).withConsentSinceDate(true));

    PAssert.that(kept).containsInAnyOrder(atConsent, later);
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    assertEquals(1, Counters.value(result, EmailJoin.class, "readingsBeforeConsent"));
  }

  @Test
  void withoutTheConsentSinceOptionReadingsBeforeConsentStay(TestPipeline pipeline) {
    PCollection<Customer> trusted =
        customers(pipeline, customer(consenting(SANTOSH, SERIAL_1).shareWithResearchAsOfDate(CONSENT_TIME)));
    AccelerometerReading justBefore = reading(SANTOSH, CONSENT_TIME - 1, 1, 1, 1);

    PAssert.that(readings(pipeline, justBefore).apply(EmailJoin.readingsOf(trusted)))
        .containsInAnyOrder(justBefore);
    pipeline.run().waitUntilFinish();
  }

  @Test
  void consentSinceDateDropsEveryReadingOfACustomerWithoutConsentDate(TestPipeline pipeline) {
    PCollection<Customer> given = customers(pipeline, customer(withoutConsentField(FRANK, SERIAL_2)));
    AccelerometerReading reading = reading(FRANK, EXERCISE_TIME, 1, 1, 1);

    PAssert.that(readings(pipeline, reading).apply(EmailJoin.readingsOf(given).withConsentSinceDate(true)))
        .empty();
    pipeline.run().waitUntilFinish();
  }

  @Test
  void customersWithReadingsKeepsEachCustomerOnceHoweverManyReadings(TestPipeline pipeline) {
    Customer santosh = customer(consenting(SANTOSH, SERIAL_1));
    Customer sarah = customer(consenting(SARAH, SERIAL_1));
    Customer frank = customer(consenting(FRANK, SERIAL_2));
    PCollection<AccelerometerReading> readings =
        readings(
            pipeline,
            reading(SANTOSH, EXERCISE_TIME, 1, 1, 1),
            reading(SANTOSH, EXERCISE_TIME + 1, 1, 1, 1),
            reading(SANTOSH, EXERCISE_TIME + 2, 1, 1, 1),
            reading(" sarah.LINCOLN@test.com", EXERCISE_TIME, 0, 0, 0),
            reading(STRANGER, EXERCISE_TIME, 0, 0, 0));

    PCollection<Customer> curated =
        customers(pipeline, santosh, sarah, frank).apply(EmailJoin.customersWithReadings(readings));

    PAssert.that(curated).containsInAnyOrder(santosh, sarah);
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    assertEquals(3, Counters.value(result, EmailJoin.class, "customers"));
    assertEquals(2, Counters.value(result, EmailJoin.class, "customersWithReadings"));
    assertEquals(1, Counters.value(result, EmailJoin.class, "customersWithoutReadings"));
  }

  @Test
  void customersWithReadingsOfNoReadingsIsEmpty(TestPipeline pipeline) {
    PCollection<AccelerometerReading> none = readings(pipeline);

    PAssert.that(customers(pipeline, customer(consenting(SANTOSH, SERIAL_1))).apply(EmailJoin.customersWithReadings(none)))
        .empty();
    pipeline.run().waitUntilFinish();
  }
}
