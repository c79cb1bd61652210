package org.stedi.lakehouse.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.stedi.lakehouse.testing.Stedi.CONSENT_TIME;
import static org.stedi.lakehouse.testing.Stedi.EXERCISE_TIME;
import static org.stedi.lakehouse.testing.Stedi.consenting;
import static org.stedi.lakehouse.transforms.Records.customer;
import static org.stedi.lakehouse.transforms.Records.reading;
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
import org.stedi.lakehouse.model.AccelerometerReading;
import org.stedi.lakehouse.model.Customer;
import org.stedi.lakehouse.model.MachineLearningRow;
import org.stedi.lakehouse.model.StepTrainerReading;
import org.stedi.lakehouse.testing.Counters;

/**
 * The transforms with many buckets, both ways of sizing them: counted from the data with tiny
 * buckets ({@code --elementsPerBucket=3}), and fixed ({@code --buckets=13}). Every grouping then
 * spreads its keys over many buckets: results must be the same as with one bucket.
 */
@ExtendWith(TestPipelineExtension.class)
class ManyBucketsTest {
  private static final int PEOPLE = 40;

  private static String email(int i) {
    return "Person" + i + "@test.com";
  }

  private static String serial(int i) {
    return "serial-" + (i % 7);
  }

  private static void useTinyBuckets(TestPipeline pipeline) {
    pipeline.getOptions().as(GroupingOptions.class).setElementsPerBucket(3);
  }

  private static void useFixedBuckets(TestPipeline pipeline) {
    pipeline.getOptions().as(GroupingOptions.class).setBuckets(13);
  }

  @Test
  void consentFilterPicksEachEmailsCurrentRecordAcrossBuckets(TestPipeline pipeline) {
    useTinyBuckets(pipeline);
    consentFilterPicksEachEmailsCurrentRecord(pipeline);
  }

  @Test
  void consentFilterPicksEachEmailsCurrentRecordAcrossFixedBuckets(TestPipeline pipeline) {
    useFixedBuckets(pipeline);
    consentFilterPicksEachEmailsCurrentRecord(pipeline);
  }

  @Test
  void joinsAndDeduplicationGiveTheSameRowsWithManyBuckets(TestPipeline pipeline) {
    useTinyBuckets(pipeline);
    joinsAndDeduplicationGiveTheSameRows(pipeline);
  }

  @Test
  void joinsAndDeduplicationGiveTheSameRowsWithManyFixedBuckets(TestPipeline pipeline) {
    useFixedBuckets(pipeline);
    joinsAndDeduplicationGiveTheSameRows(pipeline);
  }

  private static void consentFilterPicksEachEmailsCurrentRecord(TestPipeline pipeline) {
    List<Customer> records = new ArrayList<>();
    List<Customer> expected = new ArrayList<>();
    for (int i = 0; i < PEOPLE; i++) {
      Customer older = customer(consenting(email(i), serial(i)).lastUpdateDate(CONSENT_TIME));
      Customer newer =
          i % 2 == 0
              ? customer(consenting(email(i).toUpperCase(), serial(i)).lastUpdateDate(CONSENT_TIME + 1))
              : customer(consenting(email(i), serial(i)).lastUpdateDate(CONSENT_TIME + 1).withoutResearchConsent());
      records.add(newer);
      records.add(older);
      records.add(older);
      if (i % 2 == 0) {
        expected.add(newer);
      }
    }
    PCollection<Customer> trusted =
        pipeline.apply(Create.of(records).withCoder(Customer.Coder.of())).apply(ConsentFilter.create());

    PAssert.that(trusted).containsInAnyOrder(expected);
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    assertEquals(PEOPLE, Counters.value(result, ConsentFilter.class, "currentRecords"));
  }

  private static void joinsAndDeduplicationGiveTheSameRows(TestPipeline pipeline) {
    List<Customer> customers = new ArrayList<>();
    List<AccelerometerReading> readings = new ArrayList<>();
    List<StepTrainerReading> steps = new ArrayList<>();
    List<AccelerometerReading> expectedReadings = new ArrayList<>();
    List<StepTrainerReading> expectedSteps = new ArrayList<>();
    List<MachineLearningRow> expectedRows = new ArrayList<>();
    List<Customer> expectedCurated = new ArrayList<>();
    for (int i = 0; i < PEOPLE; i++) {
      Customer person = customer(consenting(email(i), serial(i)));
      customers.add(person);
      if (i % 4 == 3) {
        continue; // no readings: not curated
      }
      expectedCurated.add(person);
      long time = EXERCISE_TIME + 10_000L * i;
      AccelerometerReading a = reading(" " + email(i).toLowerCase(), time, i, 1, 1);
      AccelerometerReading b = reading(email(i), time, i, 2, 2);
      StepTrainerReading s = step(time, serial(i), 100 + i);
      readings.addAll(List.of(a, b, a));
      steps.addAll(List.of(s, s));
      expectedReadings.addAll(List.of(a, b));
      expectedSteps.add(s);
      expectedRows.add(MachineLearningRow.pair(s, a));
      expectedRows.add(MachineLearningRow.pair(s, b));
    }
    readings.add(reading("stranger@test.com", EXERCISE_TIME, 0, 0, 0));
    steps.add(step(EXERCISE_TIME, "unknown-serial", 1));

    PCollection<Customer> trusted = pipeline.apply("Customers", Create.of(customers).withCoder(Customer.Coder.of()));
    PCollection<AccelerometerReading> trustedReadings =
        pipeline
            .apply("Readings", Create.of(readings).withCoder(AccelerometerReading.Coder.of()))
            .apply(EmailJoin.readingsOf(trusted));
    PCollection<Customer> curated = trusted.apply(EmailJoin.customersWithReadings(trustedReadings));
    PCollection<StepTrainerReading> trustedSteps =
        pipeline
            .apply("Steps", Create.of(steps).withCoder(StepTrainerReading.Coder.of()))
            .apply(SerialNumberJoin.readingsOf(curated));
    PCollection<MachineLearningRow> rows = trustedSteps.apply(TimestampJoin.pairWith(trustedReadings, curated));

    PAssert.that(trustedReadings).containsInAnyOrder(expectedReadings);
    PAssert.that(curated).containsInAnyOrder(expectedCurated);
    PAssert.that(trustedSteps).containsInAnyOrder(expectedSteps);
    PAssert.that(rows).containsInAnyOrder(expectedRows);
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    assertEquals(expectedReadings.size() / 2, Counters.value(result, EmailJoin.class, "duplicateReadings"));
    assertEquals(expectedSteps.size(), Counters.value(result, SerialNumberJoin.class, "duplicateReadings"));
  }
}
