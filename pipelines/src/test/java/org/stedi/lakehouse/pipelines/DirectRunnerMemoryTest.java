package org.stedi.lakehouse.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.model.Source;
import org.stedi.lakehouse.pipelines.run.DirectRunnerMemory;
import org.stedi.lakehouse.pipelines.run.Lake;
import org.stedi.lakehouse.testing.AccelerometerLine;
import org.stedi.lakehouse.testing.LandingFiles;

class DirectRunnerMemoryTest {

  @Test
  void landingBytesCountGzipFilesAtTheirUncompressedSizeAndLeaveHiddenFilesOut(@TempDir Path root) {
    List<Object> lines = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(5);
    for (int i = 0; i < 20_000; i++) {
      lines.add(
          AccelerometerLine.of(
              "Someone" + random.nextInt(100) + "@test.com", 1655564444103L + random.nextInt(1_000_000),
              random.nextInt(-1500, 1500) / 1000.0, random.nextInt(-1500, 1500) / 1000.0, random.nextInt(-1500, 1500) / 1000.0));
    }
    Path plain = LandingFiles.write(root.resolve("accelerometer/landing/a.json"), lines);
    Path gzip = LandingFiles.writeGzip(root.resolve("accelerometer/landing/b.json.gz"), lines);
    LandingFiles.write(root.resolve("accelerometer/landing/_hidden/c.json"), lines);
    LandingFiles.write(root.resolve("customer/landing/.d.json"), lines);
    long uncompressed = plain.toFile().length();
    assertTrue(gzip.toFile().length() * 2 < uncompressed, "the test data compresses");

    Lake lake = Lake.of(root.toString());
    assertEquals(2 * uncompressed, DirectRunnerMemory.landingBytes(lake, List.of(Source.values())));
  }

  @Test
  void aLakeFitsWhenItsEstimateIsWithinTheHeap() {
    Lake lake = Lake.of("/data/lake");
    long landing = 100L << 20;
    assertTrue(DirectRunnerMemory.refusal(lake, "lakehouse", landing, landing * DirectRunnerMemory.HEAP_PER_LANDING_BYTE).isEmpty());
    String refusal =
        DirectRunnerMemory.refusal(lake, "lakehouse", landing, landing * DirectRunnerMemory.HEAP_PER_LANDING_BYTE - 1)
            .orElseThrow();
    assertTrue(refusal.startsWith("lakehouse: the lake /data/lake holds 100 MB of landing data, which needs about 1.2 GB"), refusal);
  }
}
