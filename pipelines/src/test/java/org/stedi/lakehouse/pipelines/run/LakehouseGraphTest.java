package org.stedi.lakehouse.pipelines.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.pipelines.LakeJobs;
import org.stedi.lakehouse.pipelines.LakeOptions;

/**
 * The shape of the whole lakehouse graph: how many shuffles (GroupByKeys) and steps it has. The
 * runners' cost follows the number of shuffles on Spark and Flink and the number of steps on the
 * DirectRunner; a change that adds either shows here first, before it shows in a benchmark.
 */
class LakehouseGraphTest {

  /**
   * The shuffles the five tables need at the least: customers de-duplicated by email (1); the
   * accelerometer and the step trainer readings each de-duplicated (2); the customers with readings
   * (1); device ownership, devices and phones meeting on the millisecond and then the majority per
   * device (2); the pairing of step and accelerometer readings on device and time (1); and the write
   * of the rows into their files (1): 8. The consents can reach the readings as side inputs.
   */
  static final int FEWEST_SHUFFLES = 8;

  /**
   * The shuffles the graph has: the 8 above, and 12 more: the consent per email and per device for
   * the side inputs (2); the distinct users of the readings before they meet the customers (1, a
   * combiner); the evidence summed per device and user before the majority per device (1); the
   * owned devices meeting their customers (1); the shared serial numbers, which the run report
   * measures (1); the three reshuffles of the landing files that Beam's file matching adds (3); and
   * three more in the write, of file names only (gathering and finalising the temporary files). A
   * change that adds one fails this test: say here why it is needed.
   */
  static final int MOST_SHUFFLES = 20;

  @Test
  void theLakehouseHasNoShuffleThatOnlySizesAnother(@TempDir Path dir) {
    Map<String, Integer> kinds = shape(dir);
    int shuffles = kinds.getOrDefault(GroupByKey.class.getSimpleName(), 0);
    System.out.println("lakehouse graph: " + kinds + ", " + shuffles + " shuffles (" + FEWEST_SHUFFLES + " needed)");
    assertEquals(0, kinds.getOrDefault("bucketCounts", 0), "no grouping counts its input to size its buckets: " + kinds);
    assertTrue(shuffles <= MOST_SHUFFLES, "shuffles: " + shuffles + " " + kinds);
  }

  /** The number of primitive steps of each kind in the lakehouse graph, plus the side inputs read. */
  static Map<String, Integer> shape(Path dir) {
    LakeOptions options = LakeJobs.parseOptions("--lake=" + dir, "--buckets=4");
    Pipeline pipeline = Pipeline.create(options);
    Lake lake = Lake.of(dir.toString());
    LakeJob lakehouse = LakeJobs.byName("lakehouse").orElseThrow();
    Map<String, String> reads = new HashMap<>();
    Map<String, String> staging = new HashMap<>();
    for (String path : lakehouse.outputPaths()) {
      staging.put(path, lake.resolve("_staging/" + path));
    }
    LakeIO io = new LakeIO(lake, "graph", reads, staging, 2);
    lakehouse.graph().build(pipeline, io);
    io.writeAll();
    Map<String, Integer> kinds = new TreeMap<>();
    pipeline.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public void visitPrimitiveTransform(TransformHierarchy.Node node) {
            PTransform<?, ?> transform = node.getTransform();
            kinds.merge(transform.getClass().getSimpleName(), 1, Integer::sum);
            kinds.merge("primitives", 1, Integer::sum);
            if (transform instanceof ParDo.MultiOutput<?, ?> parDo && !parDo.getSideInputs().isEmpty()) {
              kinds.merge("sideInputs", parDo.getSideInputs().size(), Integer::sum);
            }
            if (node.getFullName().contains("Buckets/") && node.getFullName().endsWith("CreatePCollectionView")) {
              kinds.merge("bucketCounts", 1, Integer::sum);
            }

          }
        });
    return kinds;
  }
}
