package org.stedi.lakehouse.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.stedi.lakehouse.model.AccelerometerReading;
import org.stedi.lakehouse.model.Customer;
import org.stedi.lakehouse.model.StepTrainerReading;

/**
 * How the groupings size their buckets, seen in the graph they build: with {@code --buckets} no
 * grouping counts its input (no global sum, no side input of a bucket count); without it each one
 * does. The results are the same either way ({@link ManyBucketsTest}).
 */
class BucketCountTest {

  @Test
  void withFixedBucketsNoGroupingCountsItsInput() {
    Map<String, Integer> steps = steps(graph(withBuckets(8)));
    assertEquals(0, steps.getOrDefault("bucketCountViews", 0), steps.toString());
    assertEquals(0, steps.getOrDefault("sums", 0), steps.toString());
  }

  @Test
  void withoutFixedBucketsEveryGroupingCountsItsInput() {
    Map<String, Integer> steps = steps(graph(PipelineOptionsFactory.create()));
    // ConsentFilter, the two consent views, EmailJoin's de-duplication and customers, the serial join's
    // de-duplication, device ownership, owned devices and the pairing each size their buckets.
    assertTrue(steps.getOrDefault("bucketCountViews", 0) >= 8, steps.toString());
    assertEquals(steps.get("bucketCountViews"), steps.get("sums"), steps.toString());
  }

  @Test
  void aBucketCountBelowOneIsRefusedWhenTheGraphIsBuilt() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> graph(withBuckets(0)));
    assertEquals("--buckets must be at least 1, got 0", e.getMessage());
  }

  private static PipelineOptions withBuckets(int buckets) {
    PipelineOptions options = PipelineOptionsFactory.create();
    options.as(GroupingOptions.class).setBuckets(buckets);
    return options;
  }

  /** Every transform of the library on small inputs. */
  private static Pipeline graph(PipelineOptions options) {
    Pipeline pipeline = Pipeline.create(options);
    PCollection<Customer> landing =
        pipeline.apply("Customers", Create.empty(Customer.Coder.of()));
    PCollection<Customer> trusted = landing.apply(ConsentFilter.create());
    PCollection<AccelerometerReading> readings =
        pipeline.apply("Readings", Create.empty(AccelerometerReading.Coder.of())).apply(EmailJoin.readingsOf(trusted));
    PCollection<Customer> curated = trusted.apply(EmailJoin.customersWithReadings(readings));
    PCollection<StepTrainerReading> steps = pipeline.apply("Steps", Create.empty(StepTrainerReading.Coder.of()));
    PCollection<KV<String, Long>> deviceTimes =
        pipeline.apply("DeviceTimes", Create.empty(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of())));
    PCollection<KV<String, Long>> phoneTimes =
        pipeline.apply("PhoneTimes", Create.empty(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of())));
    deviceTimes.apply(DeviceOwnership.fromPhoneTimes(phoneTimes));
    PCollection<StepTrainerReading> trustedSteps = steps.apply(SerialNumberJoin.readingsOf(curated));
    trustedSteps.apply(TimestampJoin.pairWith(readings, curated));
    return pipeline;
  }

  private static Map<String, Integer> steps(Pipeline pipeline) {
    Map<String, Integer> steps = new TreeMap<>();
    pipeline.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public void visitPrimitiveTransform(TransformHierarchy.Node node) {
            String name = node.getFullName();
            if (name.contains("Buckets/") && name.endsWith("CreatePCollectionView")) {
              steps.merge("bucketCountViews", 1, Integer::sum);
            }
            if (name.contains("Counts/") && node.getTransform() instanceof GroupByKey<?, ?>) {
              steps.merge("sums", 1, Integer::sum);
            }
            if (node.getTransform() instanceof ParDo.MultiOutput<?, ?>) {
              steps.merge("parDos", 1, Integer::sum);
            }
          }
        });
    return steps;
  }
}
