package org.stedi.lakehouse.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/** The results as a Markdown page: tables per scale, scaling, and the targets met or not. */
final class ResultsPage {
  static final String NOTES_HEADING = "## Notes";

  private final Settings settings;
  private final String machine;
  private final Results results;

  ResultsPage(Settings settings, String machine, Results results) {
    this.settings = settings;
    this.machine = machine;
    this.results = results;
  }

  /** Writes {@code page} to {@code file}, keeping the "## Notes" section of the file already there. */
  static void write(Path file, String page) throws IOException {
    String notes = "";
    if (Files.exists(file)) {
      String old = Files.readString(file);
      int at = old.indexOf("\n" + NOTES_HEADING);
      if (at >= 0) {
        notes = old.substring(at + 1);
      }
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, notes.isEmpty() ? page : page + "\n" + notes);
  }

  String markdown() {
    StringBuilder page = new StringBuilder();
    page.append("# Benchmarks\n\n");
    page.append("The lakehouse on each runner against the same five tables written by a hand-written Spark SQL job ")
        .append("(what an AWS Glue user writes, with Spark's defaults), by the same job tuned as a Glue engineer tunes it ")
        .append("for the machine (`SparkSqlTunedJob`), and by DuckDB SQL, on the same generated lake. ")
        .append("Written by the benchmark harness; do not edit above the Notes section.\n\n");
    page.append("- Command: `").append(settings.command()).append("`\n");
    page.append("- Date: ").append(LocalDate.now(ZoneOffset.UTC)).append("\n");
    page.append("- Machine: ").append(machine).append("\n");
    page.append("- Data: `LakeGenerator` seed ").append(settings.seed())
        .append(", the serial-number bug (30 serial numbers), 2% duplicate lines, no malformed lines (the SQL baselines do not quarantine)\n");
    page.append("- Each run is its own JVM (default heap")
        .append(settings.jvmOptions().isEmpty() ? "" : ", options `" + String.join(" ", settings.jvmOptions()) + "`")
        .append("); wall time from JVM start to exit, CPU time user + system over all threads, ")
        .append("peak memory the process's resident high-water mark (VmHWM: heap, off-heap and native alike). ")
        .append("Figures are medians of the runs counted in the table.\n");
    page.append("- Before anything is printed, every run's five tables are counted from their Parquet files and ")
        .append("checked against the generator's expected counts, so all implementations produced the same rows.\n\n");

    for (double scale : results.scales()) {
      page.append("## Scale ").append(Results.scaleName(scale))
          .append(String.format(" (%,d input lines)%n%n", results.landingLines(scale)));
      page.append("| implementation | wall (s) | CPU (s) | peak memory (MiB) | runs | wall vs Spark SQL "
          + "| wall vs Spark SQL tuned | wall vs DuckDB |\n");
      page.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
      Optional<Results.Medians> sparkSql = results.medians(scale, "sparksql");
      Optional<Results.Medians> sparkSqlTuned = results.medians(scale, "sparksqltuned");
      Optional<Results.Medians> duckDb = results.medians(scale, "duckdb");
      for (Implementation implementation : results.implementations(scale)) {
        Optional<Results.Medians> medians = results.medians(scale, implementation);
        page.append("| ").append(implementation.label()).append(" | ");
        if (medians.isEmpty()) {
          Run failed = results.failure(scale, implementation).orElseThrow();
          page.append(String.format("failed after %.1f s: %s | | | %d | | | |%n", failed.wallMillis() / 1000.0, failed.failure(),
              results.runs(scale, implementation).size()));
          continue;
        }
        Results.Medians m = medians.get();
        page.append(String.format("%.1f | %.1f | %,d | %d | %s | %s | %s |%n",
            m.wallMillis() / 1000.0, m.cpuMillis() / 1000.0, m.peakRssKiB() / 1024, m.runs(),
            ratio(m, sparkSql), ratio(m, sparkSqlTuned), ratio(m, duckDb)));
      }
      if (!results.rows(scale).isEmpty()) {
        page.append("\nRows in every implementation's tables: ");
        page.append(String.join(", ", Benchmark.TABLES.stream()
            .map(t -> String.format("%s %,d", t, results.rows(scale).get(t))).toList()));
        page.append(".\n");
      }
      page.append("\n");
    }

    scaling(page);
    targets(page);
    return page.toString();
  }

  private void scaling(StringBuilder page) {
    if (results.scales().isEmpty()) {
      return;
    }
    page.append("## Scaling\n\n");
    growth(page);
    largestScales(page);
  }

  /** Wall time and memory per scale, and their growth against the input's; only with two scales or more. */
  private void growth(StringBuilder page) {
    List<Double> scales = results.scales();
    if (scales.size() < 2) {
      return;
    }
    page.append("Wall time and peak memory per scale; in brackets, how much the wall time grew against how much the input grew ")
        .append("(1.0 is linear).\n\n");
    page.append("| implementation |");
    scales.forEach(s -> page.append(" scale ").append(Results.scaleName(s)).append(" |"));
    page.append("\n|---|");
    scales.forEach(s -> page.append("---:|"));
    page.append("\n");
    for (Implementation implementation : settings.implementations()) {
      page.append("| ").append(implementation.label()).append(" |");
      Optional<Results.Medians> previous = Optional.empty();
      double previousScale = 0;
      for (double scale : scales) {
        Optional<Results.Medians> medians = results.medians(scale, implementation);
        if (medians.isEmpty()) {
          page.append(results.failure(scale, implementation).isPresent() ? " failed |" : " not run |");
        } else {
          Results.Medians m = medians.get();
          page.append(String.format(" %.1f s, %,d MiB", m.wallMillis() / 1000.0, m.peakRssKiB() / 1024));
          if (previous.isPresent()) {
            double growth = (m.wallMillis() / (double) previous.get().wallMillis())
                / (results.landingLines(scale) / (double) results.landingLines(previousScale));
            page.append(String.format(" (%.2f)", growth));
          }
          page.append(" |");
        }
        previous = medians;
        previousScale = scale;
      }
      page.append("\n");
    }
    page.append("\n");
  }

  /**
   * Per implementation, the largest scale it finished within the timeout and the first it did not
   * finish, with the reason. A scale is finished when every run at it ended within the timeout with
   * the expected rows.
   */
  private void largestScales(StringBuilder page) {
    long minutes = settings.timeout().toMinutes();
    page.append("The largest scale each implementation finished within the timeout of ").append(minutes)
        .append(" min (`--timeout-minutes`; every run at that scale ended within it with the expected rows), ")
        .append("and the first scale it did not finish. An implementation that failed is not run at larger scales.\n\n");
    page.append("| implementation | largest scale finished within ").append(minutes)
        .append(" min | wall (s) there | first scale not finished |\n");
    page.append("|---|---:|---:|---|\n");
    for (Implementation implementation : settings.implementations()) {
      List<Double> tried = results.scales().stream().filter(s -> !results.runs(s, implementation).isEmpty()).toList();
      page.append("| ").append(implementation.label()).append(" | ");
      if (tried.isEmpty()) {
        page.append("not run | | |\n");
        continue;
      }
      Optional<Double> largest = tried.stream().filter(s -> results.medians(s, implementation).isPresent()).reduce((a, b) -> b);
      if (largest.isPresent()) {
        long wallMillis = results.medians(largest.get(), implementation).orElseThrow().wallMillis();
        page.append(String.format("%s | %.1f | ", Results.scaleName(largest.get()), wallMillis / 1000.0));
      } else {
        page.append("none | | ");
      }
      Optional<Double> firstFailed = tried.stream().filter(s -> results.failure(s, implementation).isPresent()).findFirst();
      if (firstFailed.isPresent()) {
        page.append(Results.scaleName(firstFailed.get())).append(": ")
            .append(results.failure(firstFailed.get(), implementation).orElseThrow().failure());
      } else {
        page.append("none up to ").append(Results.scaleName(tried.get(tried.size() - 1)));
      }
      page.append(" |\n");
    }
    page.append("\n");
  }

  private void targets(StringBuilder page) {
    page.append("## Targets\n\n");
    page.append("| target | measured | met |\n|---|---|---|\n");
    for (double scale : new double[] {10, 100}) {
      Optional<Results.Medians> spark = results.medians(scale, "spark");
      Optional<Implementation> peer = fasterSparkSql(scale);
      Optional<Results.Medians> sql = peer.flatMap(i -> results.medians(scale, i.id()));
      Optional<Double> wall = both(spark, sql);
      Optional<Double> cpu = cpuRatio(spark, sql);
      target(page, "scale " + Results.scaleName(scale)
              + ": lakehouse on the SparkRunner no slower than the faster Spark SQL job, wall and CPU (<= 1.0x)",
          wall.flatMap(w -> cpu.map(c -> w <= 1.0 && c <= 1.0)),
          wall.flatMap(w -> cpu.map(c -> String.format("wall %.2fx, CPU %.2fx of %s", w, c, peer.orElseThrow().label()))));
    }

    double large = 100;
    Optional<Implementation> fastest = fastestLakehouse(large);
    Optional<Results.Medians> fast = fastest.flatMap(i -> results.medians(large, i.id()));
    Optional<Results.Medians> duckDb = results.medians(large, "duckdb");
    Optional<Double> wall = both(fast, duckDb);
    Optional<Double> cpu = cpuRatio(fast, duckDb);
    target(page, "scale 100: the fastest lakehouse runner within 2x of DuckDB in wall time and 8x in CPU time",
        wall.flatMap(w -> cpu.map(c -> w <= 2.0 && c <= 8.0)),
        wall.flatMap(w -> cpu.map(c -> String.format("%s: wall %.2fx, CPU %.2fx", fastest.orElseThrow().label(), w, c))));

    long lines = results.landingLines(large);
    Optional<Double> micros = fast.filter(m -> lines > 0).map(m -> m.cpuMillis() * 1000.0 / lines);
    target(page, "scale 100: CPU per landing line on the fastest lakehouse runner at most 10 us",
        micros.map(us -> us <= 10.0), micros.map(us -> String.format("%.1f us (%s)", us, fastest.orElseThrow().label())));

    Optional<Results.Medians> direct = results.medians(1, "direct");
    target(page, "scale 1: lakehouse on the DirectRunner in at most 6 s of wall time (this harness: the JVM's defaults; "
            + "`./stedi` in the Notes)",
        direct.map(m -> m.wallMillis() <= 6_000), direct.map(m -> String.format("%.1f s", m.wallMillis() / 1000.0)));
    page.append("\n");
  }

  /** Of the two Spark SQL jobs, the one with the shorter median wall time at the scale. */
  private Optional<Implementation> fasterSparkSql(double scale) {
    return Implementation.ALL.stream()
        .filter(i -> i.id().equals("sparksql") || i.id().equals("sparksqltuned"))
        .filter(i -> results.medians(scale, i.id()).isPresent())
        .min(java.util.Comparator.comparingLong(i -> results.medians(scale, i.id()).orElseThrow().wallMillis()));
  }

  /** The lakehouse runner with the shortest median wall time at the scale. */
  private Optional<Implementation> fastestLakehouse(double scale) {
    return Implementation.ALL.stream()
        .filter(Implementation::lakehouse)
        .filter(i -> results.medians(scale, i.id()).isPresent())
        .min(java.util.Comparator.comparingLong(i -> results.medians(scale, i.id()).orElseThrow().wallMillis()));
  }

  private static Optional<Double> cpuRatio(Optional<Results.Medians> of, Optional<Results.Medians> against) {
    if (of.isEmpty() || against.isEmpty() || against.get().cpuMillis() == 0) {
      return Optional.empty();
    }
    return Optional.of(of.get().cpuMillis() / (double) against.get().cpuMillis());
  }

  private static Optional<Double> both(Optional<Results.Medians> of, Optional<Results.Medians> against) {
    if (of.isEmpty() || against.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(of.get().wallMillis() / (double) against.get().wallMillis());
  }

  private static void target(StringBuilder page, String target, Optional<Boolean> met, Optional<String> measured) {
    page.append("| ").append(target).append(" | ").append(measured.orElse("not measured")).append(" | ")
        .append(met.map(m -> m ? "yes" : "no").orElse("-")).append(" |\n");
  }

  private static String ratio(Results.Medians of, Optional<Results.Medians> against) {
    return against.map(a -> String.format("%.2fx", of.wallMillis() / (double) a.wallMillis())).orElse("-");
  }
}
