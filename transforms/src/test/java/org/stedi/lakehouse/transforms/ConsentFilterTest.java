package org.stedi.lakehouse.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.stedi.lakehouse.testing.Stedi.CONSENT_TIME;
import static org.stedi.lakehouse.testing.Stedi.FRANK;
import static org.stedi.lakehouse.testing.Stedi.JOHN;
import static org.stedi.lakehouse.testing.Stedi.SANTOSH;
import static org.stedi.lakehouse.testing.Stedi.SARAH;
import static org.stedi.lakehouse.testing.Stedi.SERIAL_1;
import static org.stedi.lakehouse.testing.Stedi.SERIAL_2;
import static org.stedi.lakehouse.testing.Stedi.consenting;
import static org.stedi.lakehouse.testing.Stedi.withNullConsent;
import static org.stedi.lakehouse.testing.Stedi.withoutConsentField;
import static org.stedi.lakehouse.transforms.Records.customer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.stedi.lakehouse.model.Customer;
import org.stedi.lakehouse.testing.Counters;

@ExtendWith(TestPipelineExtension.class)
class ConsentFilterTest {

  private static PCollection<Customer> trusted(TestPipeline pipeline, Customer... customers) {
    return pipeline
        .apply("CreateCustomers", Create.of(List.of(customers)).withCoder(Customer.Coder.of()))
        .apply("KeepConsenting", ConsentFilter.create());
  }

  @Test
  void keepsConsentingCustomerAndDropsThoseWithoutConsentAbsentOrNull(TestPipeline pipeline) {
    Customer santosh = customer(consenting(SANTOSH, SERIAL_1));
    Customer sarah = customer(withoutConsentField(SARAH, SERIAL_1));
    Customer frank = customer(withNullConsent(FRANK, SERIAL_2));

    PAssert.that(trusted(pipeline, santosh, sarah, frank)).containsInAnyOrder(santosh);
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();

    assertEquals(3, Counters.value(result, ConsentFilter.class, "records"));
    assertEquals(3, Counters.value(result, ConsentFilter.class, "currentRecords"));
    assertEquals(2, Counters.value(result, ConsentFilter.class, "withoutConsent"));
    assertEquals(1, Counters.value(result, ConsentFilter.class, "kept"));
  }

  @Test
  void dropsCustomerWhoseNewerRecordWithdrawsConsent(TestPipeline pipeline) {
    Customer older = customer(consenting(SANTOSH, SERIAL_1).lastUpdateDate(CONSENT_TIME));
    Customer newer =
        customer(consenting(SANTOSH, SERIAL_1).lastUpdateDate(CONSENT_TIME + 1).withoutResearchConsent());

    PAssert.that(trusted(pipeline, older, newer)).empty();
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();

    assertEquals(2, Counters.value(result, ConsentFilter.class, "records"));
    assertEquals(1, Counters.value(result, ConsentFilter.class, "currentRecords"));
    assertEquals(1, Counters.value(result, ConsentFilter.class, "withoutConsent"));
  }

  @Test
  void keepsNewerRecordThatGrantsConsent(TestPipeline pipeline) {
    Customer older = customer(withNullConsent(SANTOSH, SERIAL_1).lastUpdateDate(CONSENT_TIME));
    Customer newer =
        customer(
            consenting(SANTOSH, SERIAL_2)
                .lastUpdateDate(CONSENT_TIME + 1000)
                .shareWithResearchAsOfDate(CONSENT_TIME + 1000));

    PAssert.that(trusted(pipeline, newer, older)).containsInAnyOrder(newer);
    pipeline.run().waitUntilFinish();
  }

  @Test
  void groupsRecordsWhoseEmailsDifferInCaseAndSurroundingSpaces(TestPipeline pipeline) {
    Customer older = customer(consenting("  santosh.clayton@TEST.com ", SERIAL_1).lastUpdateDate(CONSENT_TIME));
    Customer newer = customer(consenting(SANTOSH, SERIAL_2).lastUpdateDate(CONSENT_TIME + 5));

    PAssert.that(trusted(pipeline, older, newer)).containsInAnyOrder(newer);
    pipeline.run().waitUntilFinish();
  }

  @Test
  void collapsesExactDuplicateRecordsToOne(TestPipeline pipeline) {
    Customer santosh = customer(consenting(SANTOSH, SERIAL_1));

    PAssert.that(trusted(pipeline, santosh, santosh, santosh)).containsInAnyOrder(santosh);
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    assertEquals(3, Counters.value(result, ConsentFilter.class, "records"));
    assertEquals(1, Counters.value(result, ConsentFilter.class, "kept"));
  }

  @Test
  void treatsMissingLastUpdateDateAsOlderThanAnyDate(TestPipeline pipeline) {
    Customer undated = customer(withNullConsent(JOHN, SERIAL_1).lastUpdateDate(null));
    Customer dated = customer(consenting(JOHN, SERIAL_1).lastUpdateDate(0L));

    PAssert.that(trusted(pipeline, undated, dated)).containsInAnyOrder(dated);
    pipeline.run().waitUntilFinish();
  }

  @Test
  void onEqualUpdateDatesTheRecordWithoutConsentWins(TestPipeline pipeline) {
    Customer granting = customer(consenting(SARAH, SERIAL_1).lastUpdateDate(CONSENT_TIME));
    Customer withdrawing = customer(withoutConsentField(SARAH, SERIAL_1).lastUpdateDate(CONSENT_TIME));

    PAssert.that(trusted(pipeline, granting, withdrawing)).empty();
    pipeline.run().waitUntilFinish();
  }

  @Test
  void currentRecordOrderIsTotalSoTheChoiceIgnoresInputOrder() {
    List<Customer> ties = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ties.add(customer(consenting(FRANK, "serial-" + i).name("Frank " + (i % 3)).lastUpdateDate(CONSENT_TIME)));
    }
    Customer expected = Collections.max(ties, ConsentFilter.CURRENT_RECORD_ORDER);
    Random random = new Random(7);
    for (int round = 0; round < 20; round++) {
      Collections.shuffle(ties, random);
      Customer best = ties.get(0);
      for (Customer candidate : ties) {
        if (ConsentFilter.CURRENT_RECORD_ORDER.compare(candidate, best) > 0) {
          best = candidate;
        }
      }
      assertEquals(expected, best);
    }
    for (Customer a : ties) {
      for (Customer b : ties) {
        assertEquals(
            Integer.signum(ConsentFilter.CURRENT_RECORD_ORDER.compare(a, b)),
            -Integer.signum(ConsentFilter.CURRENT_RECORD_ORDER.compare(b, a)));
        assertTrue(a.equals(b) == (ConsentFilter.CURRENT_RECORD_ORDER.compare(a, b) == 0));
      }
    }
  }
}
