package org.stedi.lakehouse.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.generator.ExpectedCounts;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.testing.JarEntries;
import org.stedi.lakehouse.testing.JavaProcess;
import org.stedi.lakehouse.testing.LakeSnapshot;
import org.stedi.lakehouse.testing.RunnerParity;

/** The runnable Flink jar, with plain {@code java -jar}, on embedded Flink. */
class FlinkRunnableJarIT {
  private final Path jar = Path.of(JavaProcess.buildProperty("stedi.jar"));

  @Test
  void holdsTheProductAndNoTestSupport() {
    JarEntries.assertProductOnly(jar);
  }

  @Test
  void lakehouseRunsFromTheJarOnFlink(@TempDir Path dir) {
    Path lake = dir.resolve("flink");
    ExpectedCounts expected = RunnerParity.generate(lake, RunnerParity.SMALL_SCALE);

    JavaProcess.Outcome flink =
        JavaProcess.java(
            dir.resolve("flink.log"), List.of("-jar", jar.toString(), "lakehouse", "--lake=" + lake, "--runner=FlinkRunner"));

    assertEquals(0, flink.status(), flink.describe());
    assertTrue(flink.output().contains("(FlinkRunner, "), flink.describe());
    assertTrue(flink.output().lines().filter(line -> line.endsWith(" yes")).count() == 5, flink.describe());
    assertEquals(
        expected.machineLearningCurated(),
        LakeSnapshot.of(lake).rows(LakeTable.MACHINE_LEARNING_CURATED.path()).size());
  }
}
