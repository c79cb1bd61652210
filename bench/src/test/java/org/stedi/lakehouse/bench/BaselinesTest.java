package org.stedi.lakehouse.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.generator.ExpectedCounts;
import org.stedi.lakehouse.generator.LakeGenerator;
import org.stedi.lakehouse.testing.TableFolder;

class BaselinesTest {

  @Test
  void duckDbBaselineWritesTheTablesTheGeneratorExpects(@TempDir Path work) throws Exception {
    Path lake = work.resolve("lake");
    ExpectedCounts expected =
        LakeGenerator.builder().scale(0.1).seed(1).serialNumberBug(30).duplicateRate(0.05).build().generate(lake);

    DuckDbJob.run(lake, work.resolve("out"), 2);

    Implementation duckDb = Implementation.ALL.stream().filter(i -> i.id().equals("duckdb")).findFirst().orElseThrow();
    Map<String, Long> rows = Benchmark.countRows(duckDb.tables(lake, work.resolve("out")));
    assertEquals(Benchmark.expectedRows(expected), rows);
    assertTrue(
        Files.list(work.resolve("out/machine_learning_curated")).allMatch(p -> p.getFileName().toString().startsWith("dt=")),
        "reading tables are partitioned by day");
  }

  @Test
  void tunedSparkSqlWritesTheTablesTheGeneratorExpectsWithFewFilesPerDay(@TempDir Path work) throws Exception {
    Path lake = work.resolve("lake");
    ExpectedCounts expected =
        LakeGenerator.builder().scale(0.05).seed(1).serialNumberBug(30).duplicateRate(0.05).build().generate(lake);
    Path out = work.resolve("out");

    SparkSqlTunedJob.run(lake, out, "local[2]");

    Implementation tuned = Implementation.ALL.stream().filter(i -> i.id().equals("sparksqltuned")).findFirst().orElseThrow();
    assertEquals(Benchmark.expectedRows(expected), Benchmark.countRows(tuned.tables(lake, out)));
    for (String table : List.of("accelerometer_trusted", "step_trainer_trusted", "machine_learning_curated")) {
      List<Path> days;
      try (Stream<Path> list = Files.list(out.resolve(table))) {
        days = list.filter(p -> p.getFileName().toString().startsWith("dt=")).toList();
      }
      assertTrue(!days.isEmpty(), table + " is partitioned by day");
      for (Path day : days) {
        // local[2]: 4 shuffle partitions, so at most one file per write task and day
        assertTrue(TableFolder.parquetFiles(day).size() <= 4, day + ": " + TableFolder.parquetFiles(day));
      }
    }
  }

  @Test
  void eachStatementReadsExactlyTheRelationsItsTableDeclares() {
    LakeSql sql = new LakeSql(identifier -> '`' + identifier + '`');
    List<String> relations = new ArrayList<>(LakeSql.LANDING_VIEWS);
    for (LakeSql.Table table : LakeSql.Table.values()) {
      Set<String> read = new TreeSet<>();
      for (String relation : relations) {
        if (Pattern.compile("\\b" + relation + "\\b").matcher(sql.select(table)).find()) {
          read.add(relation);
        }
      }
      assertEquals(new TreeSet<>(table.reads), read, table.tableName);
      relations.add(table.tableName);
    }
  }

  @Test
  void theTunedJobCachesTheRelationsUsedMoreThanOnceIncludingTwoLandingViews() {
    Map<String, Integer> uses = SparkSqlTunedJob.uses();
    assertEquals(1, uses.get("customer_landing"));
    assertEquals(2, uses.get("accelerometer_landing"), "accelerometer_trusted and device_owners");
    assertEquals(2, uses.get("step_trainer_landing"), "device_owners and step_trainer_trusted");
    assertEquals(3, uses.get("customer_trusted"), "written, accelerometer_trusted and customers_curated");
    assertEquals(2, uses.get("device_owners"), "step_trainer_trusted and machine_learning_curated");
    assertEquals(1, uses.get("machine_learning_curated"), "written only");
  }

  @Test
  void scalingTableShowsTheLargestScaleFinishedWithinTheTimeoutAndTheFirstThatWasNot() {
    Settings settings =
        Settings.parse(new String[] {"--scales=1,10,100", "--only=direct,flink,sparksqltuned,duckdb", "--timeout-minutes=30"});
    Map<String, Implementation> byId = new java.util.HashMap<>();
    settings.implementations().forEach(i -> byId.put(i.id(), i));
    Results results = new Results();
    for (double scale : List.of(1.0, 10.0, 100.0)) {
      results.landingLines(scale, (long) (scale * 1000));
    }
    results.add(1, byId.get("direct"), Run.measured(20_000, "cpuMillis=1 peakRssKiB=1024"));
    results.add(10, byId.get("direct"), Run.measured(90_000, "cpuMillis=1 peakRssKiB=1024"));
    results.add(10, byId.get("direct"), Run.measured(110_000, "cpuMillis=1 peakRssKiB=1024"));
    results.add(100, byId.get("direct"), Run.failed(1_800_000, "timed out after 30 min", Path.of("log")));
    results.add(1, byId.get("flink"), Run.failed(5_000, "exit code 1, out of memory", Path.of("log")));
    for (double scale : List.of(1.0, 10.0, 100.0)) {
      results.add(scale, byId.get("sparksqltuned"), Run.measured((long) (scale * 1000), "cpuMillis=1 peakRssKiB=1024"));
    }

    String page = new ResultsPage(settings, "a machine", results).markdown();

    assertTrue(page.contains("| implementation | largest scale finished within 30 min | wall (s) there | first scale not finished |\n"), page);
    assertTrue(page.contains("| lakehouse, DirectRunner | 10 | 100.0 | 100: timed out after 30 min |\n"), page);
    assertTrue(page.contains("| lakehouse, FlinkRunner parallelism 2 | none | | 1: exit code 1, out of memory |\n"), page);
    assertTrue(page.contains("| Spark SQL tuned, local[2] | 100 | 100.0 | none up to 100 |\n"), page);
    assertTrue(page.contains("| DuckDB SQL, 2 threads | not run | | |\n"), page);
  }

  @Test
  void theSparkRunnerTargetIsMeasuredAgainstTheFasterSparkSqlJob() {
    Settings settings = Settings.parse(new String[] {"--scales=100", "--only=spark,sparksql,sparksqltuned"});
    Results results = new Results();
    results.landingLines(100, 1000);
    long[] wallMillis = {200_000, 300_000, 150_000};
    for (int i = 0; i < 3; i++) {
      results.add(100, settings.implementations().get(i), Run.measured(wallMillis[i], "cpuMillis=20 peakRssKiB=1024"));
    }

    String page = new ResultsPage(settings, "a machine", results).markdown();

    assertTrue(page.contains("| lakehouse, SparkRunner local[2] | 200.0 | 0.0 | 1 | 1 | 0.67x | 1.33x | - |\n"), page);
    assertTrue(
        page.contains("than the faster Spark SQL job, wall and CPU (<= 1.0x) | wall 1.33x, CPU 1.00x of Spark SQL tuned, local[2] | no |\n"),
        page);
    // 20 ms of CPU for 1,000 landing lines: 20 us per line, twice the target.
    assertTrue(
        page.contains("| scale 100: CPU per landing line on the fastest lakehouse runner at most 10 us | 20.0 us (lakehouse, SparkRunner local[2]) | no |"),
        page);
  }

  @Test
  void rowCountsLeaveOutHiddenFilesAndFolders(@TempDir Path work) throws Exception {
    Path lake = work.resolve("lake");
    LakeGenerator.builder().scale(0.02).seed(4).build().generate(lake);
    Path out = work.resolve("out");
    DuckDbJob.run(lake, out, 1);
    Implementation duckDb = Implementation.ALL.stream().filter(i -> i.id().equals("duckdb")).findFirst().orElseThrow();
    Map<String, Long> before = Benchmark.countRows(duckDb.tables(lake, out));

    // A staging copy under a hidden folder and a hidden file must not count.
    Path table = out.resolve("customer_trusted");
    Files.createDirectories(table.resolve("_staging"));
    Files.copy(table.resolve("part-0.parquet"), table.resolve("_staging/part-0.parquet"));
    Files.copy(table.resolve("part-0.parquet"), table.resolve(".part-1.parquet"));

    assertEquals(before, Benchmark.countRows(duckDb.tables(lake, out)));
    assertTrue(before.get("customer_trusted") > 0);
  }

  @Test
  void settingsRefuseWhatTheyCannotRun() {
    assertThrows(IllegalArgumentException.class, () -> Settings.parse(new String[] {"--only=hive"}));
    assertThrows(IllegalArgumentException.class, () -> Settings.parse(new String[] {"--runs=0"}));
    assertThrows(IllegalArgumentException.class, () -> Settings.parse(new String[] {"--scales=1,10", "--runs=3,3,1"}));
    assertThrows(IllegalArgumentException.class, () -> Settings.parse(new String[] {"--scales=1,x"}));
    assertThrows(IllegalArgumentException.class, () -> Settings.parse(new String[] {"scales=1"}));
    assertEquals(
        "unknown option --scale (did you mean --scales?)",
        assertThrows(IllegalArgumentException.class, () -> Settings.parse(new String[] {"--scale=1"})).getMessage());
    Settings settings = Settings.parse(new String[] {"--scales=0.5,2", "--only=duckdb,direct", "--runs=2"});
    assertEquals(List.of(0.5, 2.0), settings.scales());
    assertEquals(List.of("duckdb", "direct"), settings.implementations().stream().map(Implementation::id).toList());
    assertEquals(2, settings.runsAt(1));
    Settings perScale = Settings.parse(new String[] {"--scales=1,10,100", "--runs=3,3,1"});
    assertEquals(List.of(3, 3, 1), List.of(perScale.runsAt(0), perScale.runsAt(1), perScale.runsAt(2)));
  }

  @Test
  void settingsDefaultToEveryImplementationAtThreeScalesAndTakeTheirFlagsAsBenchRunPassesThem() {
    Settings defaults = Settings.parse(new String[] {});
    assertEquals(List.of(1.0, 10.0, 100.0), defaults.scales());
    assertEquals(3, defaults.runsAt(2));
    assertEquals(1, defaults.seed());
    assertEquals(Implementation.ALL, defaults.implementations());
    assertEquals(60, defaults.timeout().toMinutes());
    assertEquals(List.of(), defaults.jvmOptions());
    assertTrue(defaults.work().isAbsolute() && defaults.work().endsWith("bench/target/work"), defaults.work().toString());
    assertTrue(defaults.out().endsWith("docs/benchmarks.md"), defaults.out().toString());
    assertEquals("bench/run", defaults.command());

    Settings given =
        Settings.parse(new String[] {"--jvm-options=-Xmx2g  -XX:+UseG1GC", "--timeout-minutes=5", "--seed", "7", "--work=w"});
    assertEquals(List.of("-Xmx2g", "-XX:+UseG1GC"), given.jvmOptions());
    assertEquals(5, given.timeout().toMinutes());
    assertEquals(7, given.seed());
    assertTrue(given.work().isAbsolute() && given.work().endsWith("w"), given.work().toString());
    assertTrue(Settings.parse(new String[] {"-h"}).help());
    assertTrue(Settings.usage().contains("--timeout-minutes"), Settings.usage());
  }

  @Test
  void mediansOfOddAndEvenCounts() {
    assertEquals(3, Results.median(new long[] {9, 3, 1}));
    assertEquals(5, Results.median(new long[] {9, 3, 1, 7}));
  }

  @Test
  void aNotesSectionSurvivesRewritingThePage(@TempDir Path work) throws Exception {
    Path page = work.resolve("benchmarks.md");
    Files.writeString(page, "# Benchmarks\nold table\n\n## Notes\n\nProfile: X.\n");
    ResultsPage.write(page, "# Benchmarks\nnew table\n");
    assertEquals("# Benchmarks\nnew table\n\n## Notes\n\nProfile: X.\n", Files.readString(page));
  }
}
