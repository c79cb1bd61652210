package org.stedi.lakehouse.pipelines.run;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.model.Source;

/**
 * A lake root and the locations of its folders (docs/contract.md, section 1). The root is a local folder,
 * normalised to an absolute path, or an {@code s3://bucket/prefix} URI kept as given (without a
 * trailing slash).
 */
public final class Lake {
  private final String root;
  private final boolean local;

  private Lake(String root, boolean local) {
    this.root = root;
    this.local = local;
  }

  /** Parses a {@code --lake} value. */
  public static Lake of(String location) {
    Objects.requireNonNull(location, "location");
    String trimmed = location.strip();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("--lake must name a folder or an s3://bucket/prefix URI");
    }
    String lower = trimmed.toLowerCase(Locale.ROOT);
    if (lower.startsWith("s3://")) {
      String withoutSlash = trimmed.replaceAll("/+$", "");
      if (withoutSlash.length() <= "s3://".length()) {
        throw new IllegalArgumentException("--lake=" + location + " names no bucket: use s3://bucket/prefix");
      }
      return new Lake(withoutSlash, false);
    }
    if (lower.matches("^[a-z][a-z0-9+.-]*://.*")) {
      throw new IllegalArgumentException(
          "--lake=" + location + " uses an unsupported scheme: give a local folder or an s3:// URI");
    }
    String path = lower.startsWith("file://") ? trimmed.substring("file://".length()) : trimmed;
    return new Lake(Path.of(path).toAbsolutePath().normalize().toString(), true);
  }

  /** The root as given to Beam's file systems. */
  public String root() {
    return root;
  }

  /** Whether the lake is on a local file system (else on S3). */
  public boolean isLocal() {
    return local;
  }

  /** The local root; only for a local lake. */
  public Path localRoot() {
    if (!local) {
      throw new IllegalStateException("the lake " + root + " is not local");
    }
    return Path.of(root);
  }

  /** The location of a path relative to the root, such as {@code customer/trusted}. */
  public String resolve(String relative) {
    return root + "/" + relative;
  }

  /** The folder of a table. */
  public String location(LakeTable table) {
    return resolve(table.path());
  }

  /** The landing folder of a source. */
  public String landing(Source source) {
    return resolve(source.folder() + "/landing");
  }

  /** The quarantine folder of a source. */
  public String quarantine(Source source) {
    return resolve(source.quarantinePath());
  }

  /** The folder of run reports. */
  public String reports() {
    return resolve("_reports");
  }

  @Override
  public String toString() {
    return root;
  }
}
