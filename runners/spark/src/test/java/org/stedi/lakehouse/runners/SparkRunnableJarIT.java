package org.stedi.lakehouse.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.testing.JarEntries;
import org.stedi.lakehouse.testing.JavaProcess;
import org.stedi.lakehouse.testing.LakeSnapshot;
import org.stedi.lakehouse.testing.RunnerParity;

/**
 * The runnable Spark jar, with plain {@code java -jar} (no JVM flags: the manifest opens what
 * Spark needs on Java 17), on the DirectRunner and on Spark {@code local[2]}.
 */
class SparkRunnableJarIT {
  private final Path jar = Path.of(JavaProcess.buildProperty("stedi.jar"));

  @Test
  void holdsTheProductAndNoTestSupport() {
    JarEntries.assertProductOnly(jar);
  }

  @Test
  void lakehouseRunsFromTheJarOnTheDirectRunnerAndOnSparkWithTheSameTables(@TempDir Path dir) {
    Path directLake = dir.resolve("direct");
    Path sparkLake = dir.resolve("spark");
    RunnerParity.generate(directLake, RunnerParity.SMALL_SCALE);
    RunnerParity.generate(sparkLake, RunnerParity.SMALL_SCALE);

    JavaProcess.Outcome direct =
        JavaProcess.java(
            dir.resolve("direct.log"),
            List.of("-jar", jar.toString(), "lakehouse", "--lake=" + directLake, "--runner=DirectRunner"));
    JavaProcess.Outcome spark =
        JavaProcess.java(
            dir.resolve("spark.log"),
            List.of("-jar", jar.toString(), "lakehouse", "--lake=" + sparkLake, "--runner=SparkRunner", "--sparkMaster=local[2]"));

    assertEquals(0, direct.status(), direct.describe());
    assertEquals(0, spark.status(), spark.describe());
    assertTrue(direct.output().contains("(DirectRunner, "), direct.describe());
    assertTrue(spark.output().contains("(SparkRunner, "), spark.describe());
    assertTrue(spark.output().lines().filter(line -> line.endsWith(" yes")).count() == 5, spark.describe());
    assertEquals("", LakeSnapshot.of(directLake).differencesFrom(LakeSnapshot.of(sparkLake), "DirectRunner", "SparkRunner"));
  }
}
