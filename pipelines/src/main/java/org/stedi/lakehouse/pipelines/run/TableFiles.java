package org.stedi.lakehouse.pipelines.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.stedi.lakehouse.model.HiddenNames;
import org.stedi.lakehouse.model.LakeTable;

/** The files of a table folder by the reading rule ({@link HiddenNames}), on any Beam file system. */
public final class TableFiles {
  private TableFiles() {}

  /**
   * The visible files under {@code location}, sorted by name: for a Parquet table its {@code *.parquet}
   * files, for a landing folder every file.
   */
  public static List<MatchResult.Metadata> list(String location, LakeTable table) {
    try {
      MatchResult match = FileSystems.match(location + "/**", EmptyMatchTreatment.ALLOW);
      List<MatchResult.Metadata> files = new ArrayList<>();
      for (MatchResult.Metadata file : match.metadata()) {
        String name = file.resourceId().toString();
        if (table.isParquet() ? HiddenNames.isTableFile(location, name) : HiddenNames.isVisible(location, name)) {
          files.add(file);
        }
      }
      files.sort(Comparator.comparing(f -> f.resourceId().toString()));
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + location + ": " + e.getMessage(), e);
    }
  }

  /**
   * The rows of the Parquet files of a table folder, summed from their footers. Opening each footer
   * also proves that the file is whole: a file cut short has no footer.
   *
   * @throws LakeException naming the file whose footer cannot be read
   */
  public static long footerRows(String location, LakeTable table) {
    long rows = 0;
    for (MatchResult.Metadata file : list(location, table)) {
      try (ParquetFileReader footer = ParquetFileReader.open(new BeamInputFile(file), ParquetConf.readOptions())) {
        rows += footer.getRecordCount();
      } catch (IOException | RuntimeException e) {
        throw new LakeException(
            "the staged file " + file.resourceId() + " of " + table.tableName() + " is not a whole Parquet file ("
                + LakeRun.rootMessage(e) + ")",
            e);
      }
    }
    return rows;
  }
}
