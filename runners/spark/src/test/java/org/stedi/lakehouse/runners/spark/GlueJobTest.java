package org.stedi.lakehouse.runners.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.beam.runners.spark.SparkContextOptions;
import org.apache.beam.runners.spark.SparkRunner;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.pipelines.LakeOptions;
import org.stedi.lakehouse.runners.StediCommand;
import org.stedi.lakehouse.testing.RunnerParity;

/**
 * The AWS Glue entry point, run as Glue runs it: a SparkContext exists before {@code main} is
 * called, and {@code main} gets Glue's own arguments mixed with the job's parameters.
 */
class GlueJobTest {
  /** What Glue 5 passes to a Spark job's main class, less the job's own parameters. */
  private static final List<String> GLUE_OWN_ARGUMENTS =
      List.of(
          "--JOB_ID", "j_0a1b2c3d",
          "--JOB_RUN_ID", "jr_4e5f6a7b",
          "--job-bookmark-option", "job-bookmark-disable",
          "--TempDir", "s3://aws-glue-assets-123456789012-us-east-1/temporary/",
          "--enable-metrics", "true",
          "--enable-continuous-cloudwatch-log", "true",
          "--JOB_NAME", "stedi-lakehouse");

  @Test
  void runsTheLakehouseOnTheSparkContextGlueMadeAndLeavesItRunning(@TempDir Path dir) {
    RunnerParity.Baseline direct = RunnerParity.directBaseline(StediCommand::execute);
    Path lake = dir.resolve("glue");
    RunnerParity.generate(lake);
    SparkContext glueContext = SparkContext.getOrCreate(new SparkConf().setMaster("local[2]").setAppName("stedi-glue-test"));
    try {
      String[] args =
          Stream.concat(GLUE_OWN_ARGUMENTS.stream(), Stream.of("--lake", lake.toString(), "--pipeline", "lakehouse"))
              .toArray(String[]::new);

      GlueJob.main(args);

      assertFalse(glueContext.isStopped(), "the job stopped Glue's SparkContext");
      assertTrue(
          JavaSparkContext.fromSparkContext(glueContext).statusTracker().getJobIdsForGroup(null).length > 0,
          "no Spark job ran on Glue's SparkContext");
      RunnerParity.assertSameTables(direct, lake, "SparkRunner on Glue's SparkContext");
      RunnerParity.assertSameCounts(direct, lake);
      RunnerParity.assertPrivacyInvariants(lake, "SparkRunner on Glue's SparkContext");
    } finally {
      glueContext.stop();
    }
  }

  @Test
  void onGlueAPartitionComputedAgainForEveryReaderStillPublishesAReconciledRun(@TempDir Path dir) throws Exception {
    RunnerParity.Baseline direct = RunnerParity.directBaseline(StediCommand::execute);
    Path lake = dir.resolve("glue-recomputed");
    RunnerParity.generate(lake);
    SparkContext glueContext = SparkContext.getOrCreate(new SparkConf().setMaster("local[2]").setAppName("stedi-glue-recompute"));
    try {
      // Nothing cached: Spark computes each collection again for every step that reads it.
      GlueJob.main(
          Stream.concat(GLUE_OWN_ARGUMENTS.stream(), Stream.of("--lake", lake.toString(), "--storageLevel", "NONE"))
              .toArray(String[]::new));
    } finally {
      glueContext.stop();
    }
    RunnerParity.assertSameTables(direct, lake, "SparkRunner on Glue's SparkContext, nothing cached");
    JsonNode report;
    try (Stream<Path> reports = Files.list(lake.resolve("_reports"))) {
      report = new ObjectMapper().readTree(reports.findFirst().orElseThrow().toFile());
    }
    assertTrue(report.get("reconciled").asBoolean(), report.toPrettyString());
    boolean approximate = false;
    for (JsonNode table : report.get("tables")) {
      approximate |= !table.get("detailsExact").asBoolean();
      String name = table.get("table").asText();
      assertEquals(direct.report().figure(name, "written"), table.get("written").asLong(), report.toPrettyString());
    }
    assertTrue(approximate, "the counters counted nothing twice, so this test showed nothing:\n" + report.toPrettyString());
  }

  @Test
  void dropsGluesOwnArgumentsAndKeepsTheJobParametersAsPipelineOptions() {
    GlueArguments arguments =
        GlueArguments.parse(
            Stream.concat(
                    GLUE_OWN_ARGUMENTS.stream(),
                    Stream.of("--lake", "s3://bucket/stedi", "--pipeline", "step_trainer_trusted", "--consentSinceDate=true"))
                .toArray(String[]::new));

    assertEquals("step_trainer_trusted", arguments.pipeline());
    assertEquals(List.of("--lake=s3://bucket/stedi", "--consentSinceDate=true"), arguments.pipelineArgs());
    assertEquals(
        Map.of(
            "JOB_ID", "j_0a1b2c3d",
            "JOB_RUN_ID", "jr_4e5f6a7b",
            "job-bookmark-option", "job-bookmark-disable",
            "TempDir", "s3://aws-glue-assets-123456789012-us-east-1/temporary/",
            "enable-metrics", "true",
            "enable-continuous-cloudwatch-log", "true",
            "JOB_NAME", "stedi-lakehouse"),
        arguments.dropped());
  }

  @Test
  void mapsTheJobParametersToSparkRunnerOptionsWithAProvidedContext() {
    LakeOptions options =
        GlueJob.options(GlueArguments.parse("--JOB_NAME", "x", "--lake", "/data/lake", "--filesPerPartition", "4"));

    assertEquals(SparkRunner.class, options.getRunner());
    assertTrue(options.as(SparkContextOptions.class).getUsesProvidedSparkContext());
    assertEquals("/data/lake", options.getLake());
    assertEquals(4, options.getFilesPerPartition());
    assertEquals("lakehouse", GlueArguments.parse("--JOB_NAME", "x").pipeline());
  }

  @Test
  void cachesOnDiskUnlessTheJobParametersSayOtherwise() {
    assertEquals(
        "DISK_ONLY",
        GlueJob.options(GlueArguments.parse("--JOB_NAME", "x", "--lake", "/data/lake")).as(SparkContextOptions.class).getStorageLevel());
    assertEquals(
        "MEMORY_ONLY",
        GlueJob.options(GlueArguments.parse("--JOB_NAME", "x", "--lake", "/data/lake", "--storageLevel", "MEMORY_ONLY"))
            .as(SparkContextOptions.class)
            .getStorageLevel());
  }

  @Test
  void theCommandLineCachesOnDiskOnTheSparkRunner() {
    assertEquals(
        List.of("--runner=SparkRunner", "--lake=x", "--storageLevel=DISK_ONLY"),
        List.of(StediCommand.withProductionDefaults(new String[] {"--runner=SparkRunner", "--lake=x"})));
  }

  @Test
  void anUnknownJobParameterFailsTheJobNamingIt() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> GlueJob.options(GlueArguments.parse("--JOB_NAME", "x", "--lakee", "s3://bucket/stedi")));

    assertTrue(e.getMessage().contains("lakee"), e.getMessage());
  }

  @Test
  void anotherRunnerThanSparkIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> GlueJob.options(GlueArguments.parse("--runner", "DirectRunner", "--lake", "/data/lake")));

    assertTrue(e.getMessage().contains("leave --runner out"), e.getMessage());
  }

  @Test
  void anUnknownPipelineIsRefusedListingThePipelines() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> GlueJob.run(null, "--JOB_NAME", "x", "--pipeline", "lakehose"));

    assertTrue(e.getMessage().contains("'lakehose'") && e.getMessage().contains("customer_landing_to_trusted"), e.getMessage());
  }
}
