package org.stedi.lakehouse.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The benchmark's command-line settings. */
record Settings(
    List<Double> scales,
    List<Integer> runs,
    long seed,
    Path work,
    Path out,
    List<Implementation> implementations,
    Duration timeout,
    List<String> jvmOptions,
    String command,
    boolean help) {

  static final String USAGE =
      """
      usage: bench/run [--scales=1,10,100] [--runs=3 | --runs=3,3,1] [--only=direct,spark,flink,sparksql,duckdb]
                       [--seed=1] [--work=bench/target/work] [--out=docs/benchmarks.md]
                       [--timeout-minutes=60] [--jvm-options="-Xmx2g ..."]

        --scales           lake sizes (scale 1 is about 0.11M input lines; it grows linearly)
        --runs             runs per implementation and scale, one number or one per scale; the page shows medians
        --only             which implementations to run (default: all five)
        --seed             the generator's seed; a lake is generated once per scale and seed, and reused
        --work             where lakes, outputs and each run's log go
        --out              the results page to write ('## Notes' and what follows it are kept)
        --timeout-minutes  a run taking longer is stopped and reported as timed out
        --jvm-options      extra JVM options for every run (the same for all implementations)
      """;

  /** The runs per implementation at the scale with this index. */
  int runsAt(int scaleIndex) {
    return runs.size() == 1 ? runs.get(0) : runs.get(scaleIndex);
  }

  static Settings parse(String[] args) {
    Path root = Path.of(System.getProperty("stedi.bench.root", ".")).toAbsolutePath().normalize();
    List<Double> scales = List.of(1.0, 10.0, 100.0);
    List<Integer> runs = List.of(3);
    long seed = 1;
    Path work = root.resolve("bench/target/work");
    Path out = root.resolve("docs/benchmarks.md");
    List<Implementation> implementations = Implementation.ALL;
    Duration timeout = Duration.ofMinutes(60);
    List<String> jvmOptions = List.of();
    boolean help = false;
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        help = true;
        continue;
      }
      int equals = arg.indexOf('=');
      if (!arg.startsWith("--") || equals < 0) {
        throw new IllegalArgumentException("expected --name=value, got '" + arg + "'");
      }
      String name = arg.substring(2, equals);
      String value = arg.substring(equals + 1);
      try {
        switch (name) {
          case "scales" -> scales = Arrays.stream(value.split(",")).map(String::trim).map(Double::valueOf).toList();
          case "runs" -> runs = Arrays.stream(value.split(",")).map(String::trim).map(Integer::valueOf).toList();
          case "seed" -> seed = Long.parseLong(value);
          case "work" -> work = Path.of(value).toAbsolutePath();
          case "out" -> out = Path.of(value).toAbsolutePath();
          case "only" -> implementations = only(value);
          case "timeout-minutes" -> timeout = Duration.ofMinutes(Long.parseLong(value));
          case "jvm-options" -> jvmOptions = value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
          default -> throw new IllegalArgumentException("unknown option --" + name);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--" + name + " takes a number, got '" + value + "'");
      }
    }
    if (runs.stream().anyMatch(r -> r < 1)) {
      throw new IllegalArgumentException("--runs must be at least 1");
    }
    if (runs.size() != 1 && runs.size() != scales.size()) {
      throw new IllegalArgumentException("--runs takes one number, or one per scale (" + scales.size() + ")");
    }
    for (double scale : scales) {
      if (!(scale > 0)) {
        throw new IllegalArgumentException("scales must be positive, got " + scale);
      }
    }
    String command = "bench/run" + (args.length == 0 ? "" : " " + String.join(" ", args));
    return new Settings(scales, runs, seed, work, out, implementations, timeout, jvmOptions, command, help);
  }

  private static List<Implementation> only(String ids) {
    List<Implementation> chosen = new ArrayList<>();
    for (String id : ids.split(",")) {
      chosen.add(
          Implementation.ALL.stream()
              .filter(i -> i.id().equals(id.trim()))
              .findFirst()
              .orElseThrow(() -> new IllegalArgumentException("unknown implementation '" + id + "'")));
    }
    return chosen;
  }
}
