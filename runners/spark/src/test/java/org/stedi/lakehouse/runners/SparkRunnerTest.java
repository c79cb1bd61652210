package org.stedi.lakehouse.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.pipelines.run.LakeRun;
import org.stedi.lakehouse.testing.InProcessCommand.Outcome;
import org.stedi.lakehouse.testing.InProcessCommand;
import org.stedi.lakehouse.testing.RunReportFile;
import org.stedi.lakehouse.testing.RunnerParity;

/**
 * The lake on Beam's SparkRunner (Spark 3.5, {@code local[2]}), against the DirectRunner on the same
 * generated landing data with every defect (of a random seed, printed): the same rows in every
 * table, the same quarantine and the same run-report counts, and the privacy invariants.
 */
class SparkRunnerTest {
  private static final String[] SPARK = {"--runner=SparkRunner", "--sparkMaster=local[2]"};

  @TempDir static Path dir;
  private static RunnerParity.Baseline direct;

  @BeforeAll
  static void runTheDirectRunnerOnTheGeneratedLake() {
    direct = RunnerParity.directBaseline(StediCommand::execute);
  }

  @Test
  void lakehouseOnSparkWritesTheDirectRunnersRowsAndCounts() {
    Path lake = dir.resolve("spark");
    RunnerParity.generate(lake);

    RunnerParity.runLakehouse(StediCommand::execute, lake, SPARK);

    assertEquals("SparkRunner", RunReportFile.only(lake).json().path("runner").asText());
    RunnerParity.assertSameTables(direct, lake, "SparkRunner");
    RunnerParity.assertSameCounts(direct, lake);
    RunnerParity.assertPrivacyInvariants(lake, "SparkRunner");
  }

  @Test
  void theFiveZonePipelinesRunFromTheCommandLineOnSparkAndWriteTheDirectRunnersRows() {
    Path lake = dir.resolve("spark-zones");
    RunnerParity.generate(lake);

    for (String pipeline :
        List.of(
            "customer_landing_to_trusted",
            "accelerometer_landing_to_trusted",
            "customer_trusted_to_curated",
            "step_trainer_trusted",
            "machine_learning_curated")) {
      Outcome run = InProcessCommand.run(StediCommand::execute, pipeline, "--lake=" + lake, SPARK[0], SPARK[1]);

      assertEquals(0, run.status(), run.describe());
      assertTrue(run.out().contains("(SparkRunner, "), run.describe());
      assertTrue(run.out().lines().skip(2).allMatch(line -> !line.endsWith(" NO")), run.describe());
    }
    RunnerParity.assertSameTables(direct, lake, "SparkRunner, one pipeline at a time");
    RunnerParity.assertPrivacyInvariants(lake, "SparkRunner, one pipeline at a time");
  }
}
