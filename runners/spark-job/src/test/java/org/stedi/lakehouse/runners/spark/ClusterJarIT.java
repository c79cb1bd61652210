package org.stedi.lakehouse.runners.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.generator.ExpectedCounts;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.testing.JarEntries;
import org.stedi.lakehouse.testing.JavaProcess;
import org.stedi.lakehouse.testing.LakeSnapshot;
import org.stedi.lakehouse.testing.RunnerParity;

/**
 * The Spark job jar on a Spark 3.5 classpath, as a cluster runs it: Spark's and Hadoop's jars (and
 * the older Parquet of a Spark distribution) first, then the job jar, with the configuration in
 * {@code spark.*} system properties. Once through {@link SparkJob}, as spark-submit runs it, and
 * once through {@link GlueJob}, as Glue runs it.
 */
class ClusterJarIT {
  private final Path jar = Path.of(JavaProcess.buildProperty("stedi.jar"));
  private final String clusterClasspath = clusterClasspath(Path.of(JavaProcess.buildProperty("stedi.clusterClasspath")));
  private final List<String> opens = List.of(JavaProcess.buildProperty("stedi.javaOpens").split("\\s+"));

  @Test
  void holdsTheProductAndNoTestSupport() {
    JarEntries.assertProductOnly(jar);
  }

  @Test
  void theSparkApplicationRunsTheLakehouseOnTheSparkThatSparkSubmitConfigured(@TempDir Path dir) {
    Path lake = dir.resolve("lake");
    ExpectedCounts expected = RunnerParity.generate(lake, RunnerParity.SMALL_SCALE);

    // spark-submit hands its configuration to the application as spark.* system properties.
    List<String> command = new ArrayList<>(List.of("-Dspark.master=local[2]", "-Dspark.app.name=stedi"));
    command.addAll(java(SparkJob.class.getName(), "lakehouse", "--lake=" + lake));
    JavaProcess.Outcome run = JavaProcess.java(dir.resolve("submit.log"), command);

    assertEquals(0, run.status(), run.describe());
    assertTrue(run.output().contains("(SparkRunner, "), run.describe());
    assertTables(expected, lake, run);
  }

  /** The lakehouse through the Glue entry point is GlueJobTest's; here, one pipeline from the jar. */
  @Test
  void theGlueEntryPointRunsAPipelineOnTheSparkContextItFinds(@TempDir Path dir) {
    Path lake = dir.resolve("lake");
    ExpectedCounts expected = RunnerParity.generate(lake, RunnerParity.SMALL_SCALE);

    List<String> command = new ArrayList<>(List.of("-Dspark.master=local[2]", "-Dspark.app.name=stedi-glue"));
    command.addAll(
        java(
            GlueJob.class.getName(),
            "--JOB_ID", "j_1",
            "--JOB_RUN_ID", "jr_1",
            "--job-bookmark-option", "job-bookmark-disable",
            "--JOB_NAME", "stedi-lakehouse",
            "--lake", lake.toString(),
            "--pipeline", "customer_landing_to_trusted"));
    JavaProcess.Outcome run = JavaProcess.java(dir.resolve("glue.log"), command);

    assertEquals(0, run.status(), run.describe());
    assertTrue(run.output().matches("(?s).*customer_trusted +\\d+ +\\d+ +\\d+ +\\d+ +yes.*"), run.describe());
    assertEquals(
        expected.customerTrusted(), LakeSnapshot.of(lake).rows(LakeTable.CUSTOMER_TRUSTED.path()).size());
  }

  /**
   * Glue 5 with {@code --datalake-formats iceberg} (and EMR with Iceberg) put Iceberg's Spark runtime
   * on the classpath ahead of the job jar: the job jar's Iceberg is the same version, so the runtime's
   * classes serve the commits as well as the jar's would.
   */
  @Test
  void theJobJarWritesIcebergTablesWithGluesIcebergRuntimeAheadOfIt(@TempDir Path dir) throws Exception {
    Path lake = dir.resolve("lake");
    ExpectedCounts expected = RunnerParity.generate(lake, RunnerParity.SMALL_SCALE);
    String runtime;
    try (Stream<Path> jars = Files.list(Path.of(JavaProcess.buildProperty("stedi.clusterClasspath")).resolve("iceberg"))) {
      runtime = jars.map(Path::toString).filter(name -> name.contains("iceberg-spark-runtime")).findFirst().orElseThrow();
    }

    List<String> command = new ArrayList<>(List.of("-Dspark.master=local[2]", "-Dspark.app.name=stedi-iceberg"));
    command.addAll(opens);
    command.add("-cp");
    command.add(clusterClasspath + File.pathSeparator + runtime + File.pathSeparator + jar);
    command.addAll(List.of(SparkJob.class.getName(), "lakehouse", "--lake=" + lake, "--tableFormat=iceberg"));
    JavaProcess.Outcome run = JavaProcess.java(dir.resolve("iceberg.log"), command);

    assertEquals(0, run.status(), run.describe());
    assertEquals(5, run.output().lines().filter(line -> line.matches("iceberg: \\w+ snapshot \\d+ .*")).count(), run.describe());
    assertEquals(5, run.output().lines().filter(line -> line.matches("\\w+ +\\d+ +\\d+ +\\d+ +\\d+ +yes")).count(), run.describe());
    assertTrue(
        run.output().matches("(?s).*machine_learning_curated +\\d+ +" + expected.machineLearningCurated() + " .*"), run.describe());
    assertTrue(Files.isRegularFile(lake.resolve("_catalog/iceberg.db")), "the embedded catalog");
  }

  private List<String> java(String mainClass, String... args) {
    List<String> command = new ArrayList<>(opens);
    command.add("-cp");
    command.add(clusterClasspath + File.pathSeparator + jar);
    command.add(mainClass);
    command.addAll(List.of(args));
    return command;
  }

  private static void assertTables(ExpectedCounts expected, Path lake, JavaProcess.Outcome run) {
    assertEquals(5, run.output().lines().filter(line -> line.matches("\\w+ +\\d+ +\\d+ +\\d+ +\\d+ +yes")).count(), run.describe());
    LakeSnapshot tables = LakeSnapshot.of(lake);
    assertEquals(expected.customerTrusted(), tables.rows(LakeTable.CUSTOMER_TRUSTED.path()).size());
    assertEquals(expected.accelerometerTrusted(), tables.rows(LakeTable.ACCELEROMETER_TRUSTED.path()).size());
    assertEquals(expected.customersCurated(), tables.rows(LakeTable.CUSTOMERS_CURATED.path()).size());
    assertEquals(expected.stepTrainerTrusted(), tables.rows(LakeTable.STEP_TRAINER_TRUSTED.path()).size());
    assertEquals(expected.machineLearningCurated(), tables.rows(LakeTable.MACHINE_LEARNING_CURATED.path()).size());
  }

  /**
   * Spark's and Hadoop's jars (the provided dependencies) and the older Parquet that a Spark 3.5
   * distribution holds, which the job jar must not trip over.
   */
  private static String clusterClasspath(Path folder) {
    try (Stream<Path> parquet = Files.list(folder.resolve("parquet"))) {
      List<String> entries = new ArrayList<>(parquet.map(Path::toString).sorted().toList());
      entries.add(Files.readString(folder.resolve("provided.classpath")).strip());
      return String.join(File.pathSeparator, entries);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
