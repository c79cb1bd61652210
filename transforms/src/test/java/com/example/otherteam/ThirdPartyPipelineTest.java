package com.example.otherteam;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.stedi.lakehouse.model.AccelerometerReading;
import org.stedi.lakehouse.model.Customer;
import org.stedi.lakehouse.transforms.ConsentFilter;
import org.stedi.lakehouse.transforms.EmailJoin;

/**
 * Uses the library as another team would, from another package and through its public API only:
 * the same code as the README's example.
 */
@ExtendWith(TestPipelineExtension.class)
class ThirdPartyPipelineTest {

  @Test
  void anotherTeamsPipelineKeepsOnlyReadingsOfConsentingCustomers(TestPipeline pipeline) {
    Customer ana = new Customer("Ana", "ana@example.com", null, null, "serial-1", 1L, 10L, 5L, null, null);
    Customer bo = new Customer("Bo", "bo@example.com", null, null, "serial-2", 1L, 10L, null, null, null);
    AccelerometerReading anaReading = new AccelerometerReading("ANA@example.com", 100L, 0.1, 0.2, 9.8);
    AccelerometerReading boReading = new AccelerometerReading("bo@example.com", 100L, 0.1, 0.2, 9.8);

    // Element types carry @DefaultCoder: no coder needs to be named.
    PCollection<Customer> customers = pipeline.apply("MyCustomers", Create.of(List.of(ana, bo)));
    PCollection<AccelerometerReading> readings = pipeline.apply("MyReadings", Create.of(List.of(anaReading, boReading)));

    PCollection<Customer> trusted = customers.apply("KeepConsenting", ConsentFilter.create());
    PCollection<AccelerometerReading> trustedReadings =
        readings.apply("KeepTrustedReadings", EmailJoin.readingsOf(trusted));
    PCollection<Customer> withReadings =
        trusted.apply("KeepCustomersWithReadings", EmailJoin.customersWithReadings(trustedReadings));

    PAssert.that(trustedReadings).containsInAnyOrder(anaReading);
    PAssert.that(withReadings).containsInAnyOrder(ana);
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();

    long dropped = 0;
    for (MetricResult<Long> counter :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(EmailJoin.class, "readingsOfUnknownUsers"))
                    .build())
            .getCounters()) {
      dropped += counter.getCommitted();
    }
    assertEquals(1, dropped);
  }
}
