package org.stedi.lakehouse.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.pipelines.run.LakeException;
import org.stedi.lakehouse.pipelines.run.TableFiles;
import org.stedi.lakehouse.pipelines.tools.TableReader;
import org.stedi.lakehouse.testing.DuckDb;

/**
 * The rows of a staged table counted from its files' Parquet footers, as a run counts what it wrote
 * before publishing: hidden files are not the table's, and a file cut short stops the run by name.
 */
class FooterRowsTest {

  private static void writeParquet(DuckDb duck, Path file, int rows) throws Exception {
    Files.createDirectories(file.getParent());
    duck.execute(
        "COPY (SELECT range AS sensorReadingTime, 'serial' AS serialNumber, 200 AS distanceFromObject FROM range("
            + rows + ")) TO '" + file + "' (FORMAT PARQUET)");
  }

  @Test
  void countsTheRowsOfEveryVisibleFileFromItsFooter(@TempDir Path staged) throws Exception {
    try (DuckDb duck = new DuckDb()) {
      writeParquet(duck, staged.resolve("dt=2022-06-01/part-00000-of-00002.parquet"), 7);
      writeParquet(duck, staged.resolve("dt=2022-06-02/part-00001-of-00002.parquet"), 5);
      writeParquet(duck, staged.resolve("_temporary/part-00000.parquet"), 100);
      writeParquet(duck, staged.resolve("dt=2022-06-02/.part-00002.parquet"), 100);
    }
    assertEquals(12, TableFiles.footerRows(staged.toString(), LakeTable.STEP_TRAINER_TRUSTED));
  }

  @Test
  void aFileCutShortIsNamed(@TempDir Path staged) throws Exception {
    Path whole = staged.resolve("dt=2022-06-01/part-00000-of-00002.parquet");
    try (DuckDb duck = new DuckDb()) {
      writeParquet(duck, whole, 1000);
    }
    byte[] bytes = Files.readAllBytes(whole);
    Path cut = staged.resolve("dt=2022-06-01/part-00001-of-00002.parquet");
    Files.write(cut, Arrays.copyOf(bytes, bytes.length - 100));

    LakeException e =
        assertThrows(LakeException.class, () -> TableFiles.footerRows(staged.toString(), LakeTable.STEP_TRAINER_TRUSTED));
    assertTrue(e.getMessage().contains("part-00001-of-00002.parquet"), e.getMessage());
    assertTrue(e.getMessage().contains("is not a whole Parquet file"), e.getMessage());
  }
}
