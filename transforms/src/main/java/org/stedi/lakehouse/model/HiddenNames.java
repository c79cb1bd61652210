package org.stedi.lakehouse.model;

/**
 * The contract's reading rule (section 1) for which files under a folder of the lake are read: a file is
 * left out when its name, or the name of any folder between the given folder and the file, starts with
 * {@code _} or {@code .}. That is how Spark, Hive, Athena and Glue read a table folder, so that a
 * writer's temporary files ({@code _temporary/}, {@code .crc}, {@code _SUCCESS}) are never data. The
 * landing readers, the table readers, the publishers and {@code show} all apply this one rule.
 */
public final class HiddenNames {
  private HiddenNames() {}

  /** Whether one file or folder name is hidden: it starts with {@code _} or {@code .}. */
  public static boolean isHidden(String name) {
    return name.startsWith("_") || name.startsWith(".");
  }

  /**
   * Whether {@code file} (a full path or URI) lies under {@code folder} with no hidden name on the way:
   * every name after the folder's own is checked, the folder's own name and its parents' are not.
   * A file outside the folder is not visible.
   */
  public static boolean isVisible(String folder, String file) {
    String prefix = folder.endsWith("/") ? folder : folder + "/";
    if (!file.startsWith(prefix)) {
      return false;
    }
    String relative = file.substring(prefix.length());
    return !relative.isEmpty() && !relative.contains("//") && !hasHiddenName(relative);
  }

  /** Whether a path relative to a folder ({@code dt=2022-06-01/_temporary/part-0}) has a hidden name on it. */
  public static boolean hasHiddenName(String relative) {
    for (String part : relative.split("/")) {
      if (isHidden(part)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code file} is one of the Parquet files of the table at {@code folder}: visible, and named {@code *.parquet}. */
  public static boolean isTableFile(String folder, String file) {
    return file.endsWith(".parquet") && isVisible(folder, file);
  }
}
