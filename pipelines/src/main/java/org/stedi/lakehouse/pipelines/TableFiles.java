package org.stedi.lakehouse.pipelines;


/** the contract's section 1 rule for which files make up a table. */
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
}
