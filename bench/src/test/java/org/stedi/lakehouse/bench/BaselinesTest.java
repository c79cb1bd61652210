package org.stedi.lakehouse.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.generator.ExpectedCounts;
import org.stedi.lakehouse.generator.LakeGenerator;

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
