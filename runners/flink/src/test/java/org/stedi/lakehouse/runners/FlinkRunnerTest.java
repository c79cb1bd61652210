package org.stedi.lakehouse.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.testing.InProcessCommand;
import org.stedi.lakehouse.testing.InProcessCommand.Outcome;
import org.stedi.lakehouse.testing.RunnerParity;

/**
 * The lake on Beam's FlinkRunner (Flink 1.19, embedded), against the DirectRunner on the same
 * generated landing data with every defect (of a random seed, printed): the same rows in every
 * table, the same quarantine and the same run-report counts, and the privacy invariants.
 */
class FlinkRunnerTest {
  private static final String FLINK = "--runner=FlinkRunner";

  @TempDir static Path dir;
  private static RunnerParity.Baseline direct;

  @BeforeAll
  static void runTheDirectRunnerOnTheGeneratedLake() {
    direct = RunnerParity.directBaseline(StediCommand::execute);
  }

  @Test
  void lakehouseOnFlinkWritesTheDirectRunnersRowsAndCounts() {
    Path lake = dir.resolve("flink");
    RunnerParity.generate(lake);

    Outcome run = InProcessCommand.run(StediCommand::execute, "lakehouse", "--lake=" + lake, FLINK);

    assertEquals(0, run.status(), run.describe());
    assertTrue(run.out().contains("(FlinkRunner, "), run.describe());
    RunnerParity.assertSameTables(direct, lake, "FlinkRunner");
    RunnerParity.assertSameCounts(direct, lake);
    RunnerParity.assertPrivacyInvariants(lake, "FlinkRunner");
  }

  @Test
  void theCommandLineRunsFlinkWithItsOwnDefaults() {
    String[] args = StediCommand.withProductionDefaults(new String[] {FLINK});

    assertEquals(List.of(FLINK), List.of(args));
    // Arguments that do not name a runner on the classpath come back unchanged too: these name Flink.
    FlinkPipelineOptions options = PipelineOptionsFactory.fromArgs(args).as(FlinkPipelineOptions.class);
    assertEquals(FlinkRunner.class, options.getRunner());
    // The transforms read every grouped bucket once: Flink's batch GroupByKey needs no
    // --reIterableGroupByKeyResult, and the parity runs above go without it.
    assertEquals(Boolean.FALSE, options.getReIterableGroupByKeyResult());
  }

  @Test
  void theFiveZonePipelinesRunFromTheCommandLineOnFlinkAndWriteTheDirectRunnersRows() {
    Path lake = dir.resolve("flink-zones");
    RunnerParity.generate(lake);

    for (String pipeline :
        List.of(
            "customer_landing_to_trusted",
            "accelerometer_landing_to_trusted",
            "customer_trusted_to_curated",
            "step_trainer_trusted",
            "machine_learning_curated")) {
      Outcome run = InProcessCommand.run(StediCommand::execute, pipeline, "--lake=" + lake, FLINK);

      assertEquals(0, run.status(), run.describe());
      assertTrue(run.out().contains("(FlinkRunner, "), run.describe());
      assertTrue(run.out().lines().skip(2).allMatch(line -> !line.endsWith(" NO")), run.describe());
    }
    RunnerParity.assertSameTables(direct, lake, "FlinkRunner, one pipeline at a time");
    RunnerParity.assertPrivacyInvariants(lake, "FlinkRunner, one pipeline at a time");
  }
}
