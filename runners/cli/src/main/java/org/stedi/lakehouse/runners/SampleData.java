package org.stedi.lakehouse.runners;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.stedi.lakehouse.generator.ExpectedCounts;
import org.stedi.lakehouse.generator.LakeGenerator;
import org.stedi.lakehouse.model.Source;
import org.stedi.lakehouse.pipelines.run.Lake;

/**
 * The sample data that {@code stedi lakehouse} writes into the default lake when that holds no
 * landing data, so that the first run shows something: scale 1, seed {@value #SEED}, with every
 * defect of the real data.
 */
final class SampleData {
  /** The lake that {@code lakehouse} fills with sample data when it is run with no landing data. */
  static final String DEFAULT_LAKE = "./lake";

  /** The seed of the sample data, and {@code generate}'s default seed. */
  static final long SEED = 42;

  private SampleData() {}

  /**
   * Generates the sample data into {@code lake} and says so on {@code out}, when the lake is local
   * and none of its landing folders holds a file; does nothing otherwise.
   */
  static void generateIfEmpty(Lake lake, PrintStream out) {
    if (!lake.isLocal()) {
      return;
    }
    for (Source source : Source.values()) {
      if (hasFiles(lake.localRoot().resolve(source.folder()).resolve("landing"))) {
        return;
      }
    }
    ExpectedCounts expected = LakeGenerator.withAllDefects(1, SEED).generate(lake.localRoot());
    out.println(
        "No landing data in "
            + lake
            + ": generated scale-1 sample data (seed "
            + SEED
            + ", with the serial-number bug, duplicates and malformed lines); expected rows:\n"
            + expected.describe()
            + "\n");
  }

  private static boolean hasFiles(Path folder) {
    if (!Files.isDirectory(folder)) {
      return false;
    }
    try (Stream<Path> files = Files.walk(folder)) {
      return files.anyMatch(Files::isRegularFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
