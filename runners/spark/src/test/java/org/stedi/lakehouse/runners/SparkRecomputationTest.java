package org.stedi.lakehouse.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.runners.spark.SparkContextOptions;
import org.apache.beam.runners.spark.SparkRunner;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskKilled;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.pipelines.LakeJobs;
import org.stedi.lakehouse.pipelines.LakeOptions;
import org.stedi.lakehouse.pipelines.Lakehouse;
import org.stedi.lakehouse.pipelines.run.LakeRun;
import org.stedi.lakehouse.pipelines.run.RunReport;
import org.stedi.lakehouse.testing.RunReportFile;
import org.stedi.lakehouse.testing.RunnerParity;

/**
 * The lakehouse on Spark when Spark computes work twice: partitions that are not kept in memory
 * (evicted, or never cached) are computed again for every step that reads them, and a task attempt
 * that is killed is run again. Beam's counters on Spark are attempted values, so they count that
 * work twice; the run must still publish the DirectRunner's tables with a reconciled report, whose
 * row counts come from the data.
 */
class SparkRecomputationTest {
  @TempDir static Path dir;
  private static RunnerParity.Baseline direct;

  @BeforeAll
  static void runTheDirectRunnerOnTheGeneratedLake() {
    direct = RunnerParity.directBaseline(StediCommand::execute);
  }

  /** Runs the lakehouse on a SparkContext made with the given settings, as Glue or a test harness would. */
  private static LakeRun.Result runOn(SparkConf conf, Path lake, String storageLevel, SparkListener listener) {
    SparkContext context = SparkContext.getOrCreate(conf);
    try {
      if (listener != null) {
        context.addSparkListener(listener);
      }
      LakeOptions options =
          LakeJobs.parseOptions("--lake=" + lake, "--runner=SparkRunner", "--storageLevel=" + storageLevel);
      SparkContextOptions spark = options.as(SparkContextOptions.class);
      spark.setRunner(SparkRunner.class);
      spark.setUsesProvidedSparkContext(true);
      spark.setProvidedSparkContext(JavaSparkContext.fromSparkContext(context));
      return Lakehouse.run(options);
    } finally {
      context.stop();
    }
  }

  private static void assertPublishedLikeTheDirectRunner(LakeRun.Result run, Path lake, String scenario) {
    assertTrue(run.report().reconciled(), scenario + "\n" + run.report().toText());
    RunnerParity.assertSameTables(direct, lake, scenario);
    RunnerParity.assertPrivacyInvariants(lake, scenario);
    assertEquals(direct.report().dataFigures(), RunReportFile.only(lake).dataFigures(), scenario + "\n" + run.report().toText());
  }

  @Test
  void partitionsComputedAgainForEveryReaderStillPublishTheDirectRunnersTables() {
    Path lake = dir.resolve("not-cached");
    RunnerParity.generate(lake);

    // Nothing is kept: each step that reads a collection computes it again, as after an eviction.
    LakeRun.Result run = runOn(new SparkConf().setMaster("local[2]").setAppName("stedi-no-cache"), lake, "NONE", null);

    assertPublishedLikeTheDirectRunner(run, lake, "SparkRunner recomputing every partition");
    assertTrue(
        run.report().tables().stream().anyMatch(t -> !t.detailsExact()),
        "the counters did not count recomputed work twice, so this test showed nothing:\n" + run.report().toText());
    assertTrue(run.report().toText().contains("the runner's counters counted some work twice"), run.report().toText());
  }

  @Test
  void evictionUnderMemoryPressureWithMemoryOnlyCachingStillPublishes() {
    Path lake = dir.resolve("evicted");
    RunnerParity.generate(lake);
    // A small heap for Spark's memory manager (512 MB, of which Spark reserves 300) and a small share
    // of it for caching: cached partitions do not fit and are dropped, then computed again.
    SparkConf conf =
        new SparkConf()
            .setMaster("local[2]")
            .setAppName("stedi-evicted")
            .set("spark.testing.memory", String.valueOf(512L << 20))
            .set("spark.memory.fraction", "0.02");

    LakeRun.Result run = runOn(conf, lake, "MEMORY_ONLY", null);

    assertPublishedLikeTheDirectRunner(run, lake, "SparkRunner, MEMORY_ONLY under memory pressure");
    assertTrue(
        run.report().tables().stream().anyMatch(t -> !t.detailsExact()),
        "nothing was evicted and computed again, so this test showed nothing:\n" + run.report().toText());
  }

  @Test
  void aKilledTaskAttemptIsRunAgainAndTheRunPublishesTheSameTables() {
    Path lake = dir.resolve("killed-task");
    RunnerParity.generate(lake);
    KillOneTaskAttempt killer = new KillOneTaskAttempt();

    LakeRun.Result run =
        runOn(new SparkConf().setMaster("local[2,4]").setAppName("stedi-killed-task"), lake, "MEMORY_AND_DISK_SER", killer);

    assertEquals(1, killer.killed.get(), "exactly one task attempt was killed and run again");
    assertPublishedLikeTheDirectRunner(run, lake, "SparkRunner with a killed task attempt");
  }

  /**
   * Kills running task attempts, one at a time, until one of them ends killed (an attempt can finish
   * before the kill reaches it); Spark then schedules the task again.
   */
  private static final class KillOneTaskAttempt extends SparkListener {
    final AtomicInteger killed = new AtomicInteger();
    private volatile boolean requested;
    private volatile long target = -1;

    @Override
    public void onTaskStart(SparkListenerTaskStart start) {
      if (killed.get() == 0 && !requested && start.stageId() >= 1) {
        requested = true;
        target = start.taskInfo().taskId();
        SparkContext.getOrCreate().killTaskAttempt(target, true, "killed by the test");
      }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      if (end.taskInfo().taskId() == target) {
        if (end.reason() instanceof TaskKilled) {
          killed.incrementAndGet();
        } else {
          requested = false; // it finished first: kill the next one
        }
      }
    }
  }
}
