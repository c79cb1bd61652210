package org.stedi.lakehouse.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.stedi.lakehouse.model.AccelerometerReading;
import org.stedi.lakehouse.model.Customer;

/** {@link Buckets#coGroup} is one composite step in the graph, whatever transform uses it. */
class BucketsCoGroupTest {

  @Test
  void coGroupIsOneCompositeStepHoldingItsTaggingFlattenAndGroup() {
    Pipeline pipeline = Pipeline.create();
    PCollection<AccelerometerReading> readings =
        pipeline.apply("CreateReadings", Create.empty(AccelerometerReading.Coder.of()));
    pipeline
        .apply("CreateCustomers", Create.empty(Customer.Coder.of()))
        .apply("KeepCustomersWithReadings", EmailJoin.customersWithReadings(readings));

    String step = "KeepCustomersWithReadings/GroupCustomersWithReadingUsers";
    Map<String, String> enclosingOf = new TreeMap<>();
    List<String> composites = new ArrayList<>();
    pipeline.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
            composites.add(node.getFullName());
            return CompositeBehavior.ENTER_TRANSFORM;
          }

          @Override
          public void visitPrimitiveTransform(TransformHierarchy.Node node) {
            if (node.getFullName().startsWith(step + "/")) {
              enclosingOf.put(node.getFullName().substring(step.length() + 1), node.getEnclosingNode().getFullName());
            }
          }
        });

    assertEquals(1, composites.stream().filter(step::equals).count(), composites.toString());
    // TagFirst and TagSecond are ParDo composites of their own; Flatten and the group are direct children.
    assertEquals(step, enclosingOf.get("Flatten"));
    assertEquals(step, enclosingOf.get("GroupByBucket"));
    assertEquals(step + "/TagFirst", enclosingOf.get("TagFirst/ParMultiDo(Tag)"));
    assertEquals(step + "/TagSecond", enclosingOf.get("TagSecond/ParMultiDo(Tag)"));
  }
}
