package org.stedi.lakehouse.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.stedi.lakehouse.model.HiddenNames;
import org.stedi.lakehouse.testing.TableFolder;

/**
 * The tests read the lake as an outside reader does ({@link TableFolder}, which states the contract's
 * reading rule in its own code and depends on no product module); the product applies {@link
 * HiddenNames}. Both must say the same of every path.
 */
class ReadingRuleAgreesTest {
  @Test
  void theTestsReaderAndTheProductLeaveOutTheSameFiles() {
    List<String> paths =
        List.of(
            "part-0.parquet", "dt=2022-06-01/part-0.parquet", "_SUCCESS", ".part-0.parquet.crc", "_temporary/0/part-0.parquet",
            "dt=2022-06-01/_temporary/part-0.parquet", "dt=2022-06-01/.staging/part-0.parquet", "a_b/c.d.parquet",
            "x/_/y.parquet", "x/./y.parquet");
    for (String path : paths) {
      assertEquals(
          HiddenNames.hasHiddenName(path),
          TableFolder.isHidden(Path.of(path)),
          path);
      assertEquals(
          HiddenNames.isVisible("/lake/t", "/lake/t/" + path),
          !TableFolder.isHidden(Path.of(path)),
          path);
    }
  }
}
