package org.stedi.lakehouse.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.stedi.lakehouse.model.HiddenNames;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.model.Zone;
import org.stedi.lakehouse.generator.ExpectedCounts;
import org.stedi.lakehouse.generator.LakeGenerator;

/**
 * The speed benchmark. For each scale it generates one lake (the serial-number bug and 2% duplicate
 * lines, no malformed lines), then runs every implementation on it a few times, each run in its own
 * JVM measured by {@link Measured}: the lakehouse on the DirectRunner, the SparkRunner (local[2]) and
 * the FlinkRunner (parallelism 2), a hand-written Spark SQL job with Spark's defaults ({@link
 * SparkSqlJob}), the same job tuned for the machine ({@link SparkSqlTunedJob}) and DuckDB SQL. After
 * every run it counts the five tables' rows from the Parquet files with DuckDB and stops, printing
 * nothing else, when they differ from the generator's expected counts. A run that fails or exceeds
 * the timeout ends that implementation's runs at that scale, and it is not run at larger scales.
 * Then it prints the medians, the ratios of each run to the baselines and the largest scale each
 * implementation finished within the timeout, and writes them with the machine's description to
 * {@code docs/benchmarks.md} (keeping that page's "## Notes" section).
 *
 * <p>Run it with {@code bench/run}, which builds the project and passes the classpaths; see {@code
 * bench/run --help}.
 */
public final class Benchmark {
  /** The five tables every implementation builds, in the contract's order. */
  static final List<String> TABLES =
      Stream.of(LakeTable.values()).filter(t -> t.zone() != Zone.LANDING).map(LakeTable::tableName).toList();

  private final Settings settings;
  private final Map<String, String> classpaths;

  private Benchmark(Settings settings, Map<String, String> classpaths) {
    this.settings = settings;
    this.classpaths = classpaths;
  }

  public static void main(String[] args) throws Exception {
    Settings settings;
    try {
      settings = Settings.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.err.print(Settings.usage());
      System.exit(2);
      return;
    }
    if (settings.help()) {
      System.out.print(Settings.usage());
      return;
    }
    Map<String, String> classpaths = new LinkedHashMap<>();
    for (String key : List.of("cli", "spark", "flink", "bench")) {
      String classpath = System.getProperty("stedi.bench.classpath." + key);
      if (classpath == null) {
        System.err.println("bench: run me through bench/run (classpath '" + key + "' is not set)");
        System.exit(2);
      }
      classpaths.put(key, classpath);
    }
    String loadBefore = Machine.loadAverage();
    Results results = new Benchmark(settings, classpaths).run();
    String machine = Machine.describe() + "; load average (1, 5, 15 min) " + loadBefore + " at the start, " + Machine.loadAverage() + " at the end";
    String page = new ResultsPage(settings, machine, results).markdown();
    System.out.println();
    System.out.println(page);
    ResultsPage.write(settings.out(), page);
    System.out.println("bench: wrote " + settings.out());
  }

  private Results run() throws Exception {
    Results results = new Results();
    Map<Implementation, Double> failedAt = new HashMap<>();
    for (int index = 0; index < settings.scales().size(); index++) {
      double scale = settings.scales().get(index);
      int runs = settings.runsAt(index);
      Path lake = settings.work().resolve("lake-scale-" + Results.scaleName(scale) + "-seed-" + settings.seed());
      ExpectedCounts expected = lake(lake, scale);
      Map<String, Long> expectedRows = expectedRows(expected);
      results.landingLines(
          scale,
          expected.customerLanding().lines() + expected.accelerometerLanding().lines() + expected.stepTrainerLanding().lines());
      for (Implementation implementation : settings.implementations()) {
        Double failed = failedAt.get(implementation);
        if (failed != null && failed < scale) {
          // What did not finish (memory, time) at a smaller scale does not finish at a larger one.
          System.out.printf("bench: scale %s, %s: not run, it failed at scale %s%n",
              Results.scaleName(scale), implementation.label(), Results.scaleName(failed));
          continue;
        }
        for (int run = 1; run <= runs; run++) {
          Path out = settings.work().resolve("out-" + implementation.id());
          Path log = settings.work().resolve("logs").resolve(Results.scaleName(scale) + "-" + implementation.id() + "-" + run + ".log");
          System.out.printf("bench: scale %s, %s, run %d of %d ... ", Results.scaleName(scale), implementation.label(), run, runs);
          Run measured = launch(implementation, lake, out, log);
          if (measured.failure() == null) {
            Map<String, Long> rows = countRows(implementation.tables(lake, out));
            if (!rows.equals(expectedRows)) {
              System.out.println();
              System.err.printf(
                  "bench: %s at scale %s produced other row counts than expected; nothing is reported.%n  expected %s%n  got      %s%n  log: %s%n",
                  implementation.label(), Results.scaleName(scale), expectedRows, rows, log);
              System.exit(1);
            }
            results.rows(scale, rows);
          }
          System.out.println(measured.summary());
          results.add(scale, implementation, measured);
          if (measured.failure() != null) {
            failedAt.merge(implementation, scale, Math::min);
            break; // a run that fails (memory, time) would fail again: move on
          }
        }
      }
    }
    return results;
  }

  private ExpectedCounts lake(Path lake, double scale) throws IOException {
    Path expectedFile = lake.resolve(ExpectedCounts.FILE_NAME);
    if (Files.exists(expectedFile)) {
      try {
        return ExpectedCounts.read(lake);
      } catch (IllegalStateException older) {
        // A lake of an older generator (another model of the data): its expected counts do not hold.
        System.out.printf("bench: %s was generated by an older generator (%s); generating it again%n", lake, older.getMessage());
      }
    }
    Tree.delete(lake);
    System.out.printf("bench: generating the scale-%s lake in %s ... ", Results.scaleName(scale), lake);
    long start = System.nanoTime();
    ExpectedCounts expected =
        LakeGenerator.builder().scale(scale).seed(settings.seed()).serialNumberBug(30).duplicateRate(0.02).build().generate(lake);
    System.out.printf("%.1f s%n", (System.nanoTime() - start) / 1e9);
    return expected;
  }

  /** The five tables' expected rows, by table name. */
  static Map<String, Long> expectedRows(ExpectedCounts expected) {
    Map<String, Long> rows = new TreeMap<>();
    rows.put("customer_trusted", expected.customerTrusted());
    rows.put("accelerometer_trusted", expected.accelerometerTrusted());
    rows.put("customers_curated", expected.customersCurated());
    rows.put("step_trainer_trusted", expected.stepTrainerTrusted());
    rows.put("machine_learning_curated", expected.machineLearningCurated());
    return rows;
  }

  private Run launch(Implementation implementation, Path lake, Path out, Path log) throws IOException, InterruptedException {
    Files.createDirectories(log.getParent());
    Path figures = log.resolveSibling(log.getFileName() + ".figures");
    Files.deleteIfExists(figures);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Machine.javaOpens());
    command.addAll(settings.jvmOptions());
    command.add("-D" + Measured.FIGURES_PROPERTY + "=" + figures);
    command.add("-cp");
    command.add(classpaths.get(implementation.classpathKey()) + File.pathSeparator + measuredClasses());
    command.add(Measured.class.getName());
    command.add(implementation.mainClass());
    command.addAll(implementation.arguments().of(lake, out));
    long start = System.nanoTime();
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean finished = process.waitFor(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
    long wallMillis = (System.nanoTime() - start) / 1_000_000;
    if (!finished) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor();
      return Run.failed(wallMillis, "timed out after " + settings.timeout().toMinutes() + " min", log);
    }
    if (process.exitValue() != 0) {
      return Run.failed(wallMillis, "exit code " + process.exitValue() + Run.outOfMemoryHint(log), log);
    }
    return Run.measured(wallMillis, Files.readString(figures));
  }

  /** Where {@link Measured} is loaded from: added to every run's classpath. */
  private static String measuredClasses() {
    try {
      return Path.of(Measured.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Counts each table's rows: every {@code .parquet} file under its folder, leaving out files and
   * folders whose names start with {@code _} or {@code .} (docs/contract.md, section 1). A table without files
   * has no rows.
   */
  static Map<String, Long> countRows(Map<String, Path> tables) throws SQLException, IOException {
    Map<String, Long> rows = new TreeMap<>();
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      for (String table : TABLES) {
        List<String> files = parquetFiles(tables.get(table));
        if (files.isEmpty()) {
          rows.put(table, 0L);
          continue;
        }
        String list = files.stream().map(f -> "'" + f.replace("'", "''") + "'").collect(Collectors.joining(", ", "[", "]"));
        try (ResultSet result = statement.executeQuery("SELECT count(*) FROM read_parquet(" + list + ")")) {
          result.next();
          rows.put(table, result.getLong(1));
        }
      }
    }
    return rows;
  }

  /** The table's files under {@code folder} by the reading rule ({@link HiddenNames}), sorted; none if it does not exist. */
  private static List<String> parquetFiles(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return List.of();
    }
    Path real = folder.toRealPath();
    try (Stream<Path> walk = Files.walk(real)) {
      return walk.filter(Files::isRegularFile)
          .map(Path::toString)
          .filter(file -> HiddenNames.isTableFile(real.toString(), file))
          .sorted()
          .toList();
    }
  }
}
