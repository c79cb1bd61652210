package org.stedi.lakehouse.pipelines;

import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;

/** The names of table files, and SPEC section 1's rule for which files make up a table. */
final class TableFiles {
  private TableFiles() {}

  /**
   * Whether a file under a table folder belongs to the table: its name ends in {@code .parquet} and
   * no file or folder name between the table folder and the file starts with {@code _} or {@code .}.
   */
  static boolean isVisibleTableFile(String tableLocation, String file) {
    return file.endsWith(".parquet") && isVisibleFile(tableLocation, file);
  }

  /** Whether a file under a landing folder is read: no name on its path starts with _ or . */
  static boolean isVisibleFile(String folder, String file) {
    String prefix = folder.endsWith("/") ? folder : folder + "/";
    if (!file.startsWith(prefix)) {
      return false;
    }
    for (String part : file.substring(prefix.length()).split("/")) {
      if (part.isEmpty() || part.startsWith("_") || part.startsWith(".")) {
        return false;
      }
    }
    return true;
  }

  /**
   * Names the files of one partition: {@code dt=2022-06-18/part-00000-of-00002.parquet}, or
   * {@code part-00000-of-00002.parquet} for an unpartitioned table.
   */
  static FileIO.Write.FileNaming naming(String partition) {
    String folder = partition.isEmpty() ? "" : "dt=" + partition + "/";
    return new PartNaming(folder);
  }

  private static final class PartNaming implements FileIO.Write.FileNaming {
    private final String folder;

    PartNaming(String folder) {
      this.folder = folder;
    }

    @Override
    public String getFilename(
        BoundedWindow window, PaneInfo pane, int numShards, int shardIndex, Compression compression) {
      return String.format("%spart-%05d-of-%05d.parquet", folder, shardIndex, numShards);
    }
  }
}
