package org.stedi.lakehouse.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One measured run: wall time seen from outside the process (JVM start to exit), and the CPU time
 * and peak resident memory the process reported; or why it failed.
 */
record Run(long wallMillis, long cpuMillis, long peakRssKiB, String failure, Path log) {
  private static final Pattern FIGURES = Pattern.compile("cpuMillis=(-?\\d+) peakRssKiB=(-?\\d+)");

  static Run measured(long wallMillis, String figures) {
    Matcher matcher = FIGURES.matcher(figures);
    if (!matcher.find()) {
      throw new IllegalStateException("unreadable figures: " + figures);
    }
    return new Run(wallMillis, Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2)), null, null);
  }

  static Run failed(long wallMillis, String failure, Path log) {
    return new Run(wallMillis, -1, -1, failure, log);
  }

  /** ", out of memory" when the log says the JVM ran out of memory. */
  static String outOfMemoryHint(Path log) throws IOException {
    try (var lines = Files.lines(log, java.nio.charset.StandardCharsets.ISO_8859_1)) {
      return lines.anyMatch(line -> line.contains("OutOfMemoryError")) ? ", out of memory" : "";
    }
  }

  String summary() {
    if (failure != null) {
      return String.format("failed after %.1f s (%s); log: %s", wallMillis / 1000.0, failure, log);
    }
    return String.format("%.1f s, CPU %.1f s, peak %d MiB", wallMillis / 1000.0, cpuMillis / 1000.0, peakRssKiB / 1024);
  }
}
