package org.stedi.lakehouse.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Every run of a benchmark, by scale and implementation, and the medians over them. */
final class Results {
  private final Map<Double, Map<Implementation, List<Run>>> runs = new TreeMap<>();
  private final Map<Double, Long> landingLines = new TreeMap<>();
  private final Map<Double, Map<String, Long>> rows = new TreeMap<>();

  void add(double scale, Implementation implementation, Run run) {
    runs.computeIfAbsent(scale, s -> new LinkedHashMap<>()).computeIfAbsent(implementation, i -> new ArrayList<>()).add(run);
  }

  void landingLines(double scale, long lines) {
    landingLines.put(scale, lines);
  }

  /** The row counts every implementation produced at that scale (checked equal before they are kept). */
  void rows(double scale, Map<String, Long> tableRows) {
    rows.put(scale, Map.copyOf(tableRows));
  }

  Map<String, Long> rows(double scale) {
    return rows.getOrDefault(scale, Map.of());
  }

  List<Double> scales() {
    return List.copyOf(runs.keySet());
  }

  long landingLines(double scale) {
    return landingLines.getOrDefault(scale, 0L);
  }

  List<Implementation> implementations(double scale) {
    return List.copyOf(runs.getOrDefault(scale, Map.of()).keySet());
  }

  List<Run> runs(double scale, Implementation implementation) {
    return runs.getOrDefault(scale, Map.of()).getOrDefault(implementation, List.of());
  }

  /** The medians of the successful runs, or empty when a run failed or none ran. */
  Optional<Medians> medians(double scale, Implementation implementation) {
    List<Run> all = runs(scale, implementation);
    if (all.isEmpty() || all.stream().anyMatch(r -> r.failure() != null)) {
      return Optional.empty();
    }
    return Optional.of(
        new Medians(
            median(all.stream().mapToLong(Run::wallMillis).toArray()),
            median(all.stream().mapToLong(Run::cpuMillis).toArray()),
            median(all.stream().mapToLong(Run::peakRssKiB).toArray()),
            all.stream().mapToLong(Run::peakRssKiB).max().orElse(0),
            all.size()));
  }

  /** The medians by id, when that implementation ran at that scale. */
  Optional<Medians> medians(double scale, String id) {
    return implementations(scale).stream().filter(i -> i.id().equals(id)).findFirst().flatMap(i -> medians(scale, i));
  }

  /** The first failure, when a run of that implementation at that scale failed. */
  Optional<Run> failure(double scale, Implementation implementation) {
    return runs(scale, implementation).stream().filter(r -> r.failure() != null).findFirst();
  }

  static long median(long[] values) {
    long[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  static String scaleName(double scale) {
    return scale == Math.rint(scale) ? Long.toString((long) scale) : Double.toString(scale);
  }

  /** Medians over the runs of one implementation at one scale; {@code maxPeakRssKiB} is the worst run. */
  record Medians(long wallMillis, long cpuMillis, long peakRssKiB, long maxPeakRssKiB, int runs) {}
}
