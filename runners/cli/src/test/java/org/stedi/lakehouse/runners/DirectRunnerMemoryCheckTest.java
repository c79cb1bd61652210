package org.stedi.lakehouse.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.generator.LakeGenerator;
import org.stedi.lakehouse.testing.JavaProcess;

/**
 * {@code stedi lakehouse} on a lake too big for the DirectRunner's heap, in a JVM of its own with a
 * small heap as a user's would be: one line naming the lake's size and the runners to use, before
 * anything is written.
 */
class DirectRunnerMemoryCheckTest {

  @Test
  void aLakeTooBigForTheHeapStopsBeforeTheRunNamingItsSizeAndTheRunnersToUse(@TempDir Path dir) throws Exception {
    Path lake = dir.resolve("lake");
    LakeGenerator.builder().scale(0.5).seed(3).gzip(true).filesPerSource(2).build().generate(lake);

    JavaProcess.Outcome run =
        JavaProcess.java(
            dir.resolve("run.log"),
            List.of(
                "-Xmx48m",
                "-cp",
                System.getProperty("java.class.path"),
                StediCommand.class.getName(),
                "lakehouse",
                "--lake=" + lake));

    assertEquals(1, run.status(), run.describe());
    List<String> lines = run.output().lines().filter(line -> line.startsWith("stedi:")).toList();
    assertEquals(1, lines.size(), run.describe());
    String line = lines.get(0);
    assertTrue(line.contains("lakehouse: the lake " + lake + " holds "), line);
    assertTrue(line.contains("MB of landing data, which needs about"), line);
    assertTrue(line.contains("--runner=SparkRunner or --runner=FlinkRunner"), line);
    assertTrue(line.contains("--directRunnerMemoryCheck=false"), line);
    assertFalse(Files.exists(lake.resolve("_reports")), "nothing is written");
    assertFalse(Files.exists(lake.resolve("customer/trusted")), "nothing is written");
  }
}
