package org.stedi.lakehouse.runners;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.generator.ExpectedCounts;
import org.stedi.lakehouse.generator.LakeGenerator;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.pipelines.publish.LocalPublisher;

/**
 * The {@code stedi} command line, driven in-process: what each command prints, its exit status,
 * and that every problem a user can fix is one line on stderr without a stack trace.
 *
 * <p>The lakehouse runs once, in {@link #runTheLakehouseOnAGeneratedLake()}, on a scale-1 lake with
 * every defect; the tests that need built tables share that lake and only read it.
 */
class StediCommandTest {
  private static final List<String> COMMANDS =
      List.of(
          "lakehouse",
          "customer_landing_to_trusted",
          "accelerometer_landing_to_trusted",
          "customer_trusted_to_curated",
          "step_trainer_trusted",
          "machine_learning_curated",
          "generate",
          "ddl",
          "show",
          "history",
          "query");

  private static final List<String> BUILT_TABLES =
      List.of(
          "customer_trusted",
          "accelerometer_trusted",
          "customers_curated",
          "step_trainer_trusted",
          "machine_learning_curated");

  @TempDir static Path sharedLake;

  private static ExpectedCounts expected;
  private static Outcome lakehouse;

  /** What one run of the command did. */
  private record Outcome(int status, String out, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }

    String describe() {
      return "exit " + status + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
    }
  }

  private static Outcome stedi(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      status = new StediCommand(o, e).run(args);
    }
    return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @BeforeAll
  static void runTheLakehouseOnAGeneratedLake() {
    expected = LakeGenerator.withAllDefects(1, 7).generate(sharedLake);
    lakehouse = stedi("lakehouse", "--lake=" + sharedLake);
    System.out.print(lakehouse.out());
  }

  /** Asserts the failure a user can fix: the status, and one line on stderr, no stack trace. */
  private static String assertOneLineFailure(Outcome outcome, int status) {
    assertEquals(status, outcome.status(), outcome.describe());
    assertEquals(1, outcome.errLines().size(), "stderr must be one line:\n" + outcome.describe());
    assertFalse(outcome.err().contains("\tat "), "stderr holds a stack trace:\n" + outcome.describe());
    String line = outcome.errLines().get(0);
    assertTrue(line.startsWith("stedi: "), line);
    return line;
  }

  // ---------------------------------------------------------------- help

  @Test
  void helpPrintsTheUsageWithEveryCommandAndExitsZero() {
    Outcome help = stedi("--help");

    assertEquals(0, help.status(), help.describe());
    assertTrue(help.out().startsWith("usage: stedi COMMAND"), help.out());
    for (String command : COMMANDS) {
      assertTrue(help.out().contains(command), "usage does not mention " + command + ":\n" + help.out());
    }
    assertEquals("", help.err());
  }

  @Test
  void noArgumentsPrintsTheUsageAndExitsTwo() {
    Outcome none = stedi();

    assertEquals(2, none.status(), none.describe());
    assertEquals(StediCommand.usage(), none.out());
  }

  @Test
  void lakehouseHelpPrintsTheLakeOptionsAndRunsNothing() {
    Outcome help = stedi("lakehouse", "--help");

    assertEquals(0, help.status(), help.describe());
    assertTrue(help.out().startsWith("usage: stedi lakehouse "), help.out());
    for (String option : List.of("--lake", "--consentSinceDate", "--pairOnTimestampOnly", "--filesPerPartition")) {
      assertTrue(help.out().contains(option), "lakehouse --help does not list " + option + ":\n" + help.out());
    }
    assertFalse(help.out().contains("reconciled"), "lakehouse --help ran the lakehouse:\n" + help.out());
    assertEquals("", help.err());
  }

  @Test
  void showHelpPrintsItsUsageAndEveryTable() {
    Outcome help = stedi("show", "--help");

    assertEquals(0, help.status(), help.describe());
    assertTrue(help.out().startsWith("usage: stedi show "), help.out());
    assertTrue(help.out().lines().findFirst().orElse("").contains(" TABLE"), help.out());
    assertTrue(help.out().contains("--limit"), help.out());
    for (LakeTable table : LakeTable.values()) {
      assertTrue(help.out().contains(table.tableName()), "show --help does not list " + table.tableName());
    }
    assertEquals("", help.err());
  }

  @Test
  void ddlHelpPrintsItsUsage() {
    Outcome help = stedi("ddl", "--help");

    assertEquals(0, help.status(), help.describe());
    assertTrue(help.out().startsWith("usage: stedi ddl "), help.out());
    assertTrue(help.out().contains("--out"), help.out());
    assertFalse(help.out().contains("CREATE EXTERNAL TABLE IF NOT EXISTS"), "ddl --help printed DDL");
    assertEquals("", help.err());
  }

  @Test
  void generateHelpPrintsItsUsageAndNeedsNoLake() {
    Outcome help = stedi("generate", "--help");

    assertEquals(0, help.status(), help.describe());
    assertTrue(help.out().startsWith("usage: stedi generate --lake=DIR"), help.out());
    for (String option : List.of("--scale", "--seed", "--all-defects")) {
      assertTrue(help.out().contains(option), help.out());
    }
    assertEquals("", help.err());
  }

  // ---------------------------------------------------------------- mistakes a user can fix

  @Test
  void anUnknownCommandIsOneLineNamingItAndListingTheCommands() {
    Outcome unknown = stedi("lakehose", "--lake=/nowhere");

    String line = assertOneLineFailure(unknown, 2);
    assertTrue(line.contains("'lakehose'"), line);
    for (String command : COMMANDS) {
      assertTrue(line.contains(command), "the error does not list " + command + ": " + line);
    }
    assertEquals("", unknown.out());
  }

  @Test
  void aMissingLakeFolderIsOneLineThatNamesItAndSaysHowToFillIt(@TempDir Path dir) {
    Path nope = dir.resolve("nope");

    Outcome missing = stedi("lakehouse", "--lake=" + nope);

    String line = assertOneLineFailure(missing, 1);
    assertTrue(line.contains(nope.toString()), line);
    assertTrue(line.contains("generate --lake="), "the error does not say what to do: " + line);
    assertFalse(Files.exists(nope), "a refused run created the lake folder");
  }

  @Test
  void aPipelineWhoseInputTableWasNeverBuiltNamesItAndThePipelineToRunFirst(@TempDir Path lake) {
    Outcome curated = stedi("customer_trusted_to_curated", "--lake=" + lake);

    String line = assertOneLineFailure(curated, 1);
    assertTrue(line.contains("customer_trusted has not been built"), line);
    assertTrue(line.contains("run customer_landing_to_trusted first"), line);
    assertFalse(Files.exists(lake.resolve("customer/curated")), "a refused run wrote customers_curated");
  }

  @Test
  void showingATableThatWasNeverBuiltSaysToBuildItFirst(@TempDir Path emptyLake) {
    Outcome show = stedi("show", "customer_trusted", "--lake=" + emptyLake);

    String line = assertOneLineFailure(show, 1);
    assertTrue(line.contains("customer_trusted does not exist"), line);
    assertTrue(line.contains("lakehouse"), "the error does not say how to build the table: " + line);
    assertEquals("", show.out());
  }

  @Test
  void showingAnUnknownTableListsTheTables() {
    Outcome show = stedi("show", "no_such_table");

    String line = assertOneLineFailure(show, 2);
    assertTrue(line.contains("'no_such_table'"), line);
    for (LakeTable table : LakeTable.values()) {
      assertTrue(line.contains(table.tableName()), "the error does not list " + table.tableName() + ": " + line);
    }
  }

  @Test
  void anUnknownBeamOptionIsOneLineWithExitTwo(@TempDir Path dir) {
    Path lake = dir.resolve("x");

    Outcome bad = stedi("lakehouse", "--lake=" + lake, "--noSuchOption=1");

    String line = assertOneLineFailure(bad, 2);
    assertTrue(line.contains("noSuchOption"), line);
    assertFalse(Files.exists(lake), "a rejected command line touched the lake");
  }

  @Test
  void anUnknownPipelineOptionIsOneLineInTheProductsWordsNamingTheHelpToRead() {
    Outcome bad = stedi("lakehouse", "--bogus=1");

    assertOneLineFailure(bad, 2);
    assertEquals("stedi: unknown option --bogus; see lakehouse --help", bad.errLines().get(0));
    assertEquals("", bad.out());
  }

  @Test
  void anUnknownPipelineOptionNearAKnownOneSuggestsIt() {
    Outcome bad = stedi("customer_landing_to_trusted", "--elementsperbucket=1000");

    assertOneLineFailure(bad, 2);
    assertEquals(
        "stedi: unknown option --elementsperbucket (did you mean --elementsPerBucket?); see customer_landing_to_trusted --help",
        bad.errLines().get(0));
  }

  @Test
  void anUnknownToolOptionIsOneLineInTheSameWords(@TempDir Path lake) {
    assertEquals(
        "stedi: unknown option --bogus; see generate --help",
        assertOneLineFailure(stedi("generate", "--lake=" + lake, "--bogus=1"), 2));
    assertEquals("stedi: unknown option --bogus; see ddl --help", assertOneLineFailure(stedi("ddl", "--bogus"), 2));
    assertEquals(
        "stedi: unknown option --scal (did you mean --scale?); see generate --help",
        assertOneLineFailure(stedi("generate", "--lake=" + lake, "--scal=2"), 2));
    assertEquals(
        "stedi: unknown option --lak (did you mean --lake?); see generate --help",
        assertOneLineFailure(stedi("generate", "--lak=" + lake), 2),
        "an unknown option is the mistake to report, before the missing --lake");
    assertFalse(Files.exists(lake.resolve("customer")), "a refused generate wrote landing data");
  }

  @Test
  void showPassesAnOptionThatIsNotItsOwnToBeamWhichRefusesAnUnknownOne() {
    assertEquals(
        "stedi: unknown option --bogus; see show --help",
        assertOneLineFailure(stedi("show", "customer_trusted", "--lake=" + sharedLake, "--bogus=1"), 2));
  }

  @Test
  void generateWithoutALakeIsRefusedWithExitTwo() {
    Outcome generate = stedi("generate", "--scale=1");

    String line = assertOneLineFailure(generate, 2);
    assertTrue(line.contains("--lake is required"), line);
  }

  @Test
  void generateWithANonNumericScaleIsRefusedBeforeWritingAnything(@TempDir Path lake) {
    Outcome generate = stedi("generate", "--lake=" + lake, "--scale=abc");

    String line = assertOneLineFailure(generate, 2);
    assertTrue(line.contains("--scale") && line.contains("'abc'"), "the error does not name the bad value: " + line);
    assertFalse(Files.exists(lake.resolve("customer")), "a refused generate wrote landing data");
  }

  // ---------------------------------------------------------------- generate

  @Test
  void generateWritesTheLandingFoldersAndExpectedCountsAndRefusesToWriteTwice(@TempDir Path lake)
      throws IOException {
    Outcome first = stedi("generate", "--lake=" + lake, "--scale=1", "--seed=5", "--all-defects");

    assertEquals(0, first.status(), first.describe());
    for (String source : List.of("customer", "accelerometer", "step_trainer")) {
      Path landing = lake.resolve(source).resolve("landing");
      assertTrue(Files.isDirectory(landing), landing + " was not written");
      try (Stream<Path> files = Files.list(landing)) {
        assertTrue(files.findAny().isPresent(), landing + " is empty");
      }
    }
    ExpectedCounts counts = ExpectedCounts.read(lake);
    assertTrue(counts.customerLanding().quarantined() > 0, "--all-defects wrote no malformed customer lines");
    assertTrue(first.out().contains("seed 5"), first.out());
    assertTrue(normalise(first.out()).contains(normalise(counts.describe())), first.out());

    String expectedJson = Files.readString(lake.resolve(ExpectedCounts.FILE_NAME));
    Set<Path> before = listTree(lake);

    Outcome second = stedi("generate", "--lake=" + lake, "--scale=1", "--seed=6");

    String line = assertOneLineFailure(second, 1);
    assertTrue(line.contains("refusing to write into"), line);
    assertTrue(line.contains("landing"), line);
    assertEquals(before, listTree(lake), "the refused generate changed the lake's files");
    assertEquals(expectedJson, Files.readString(lake.resolve(ExpectedCounts.FILE_NAME)));
  }

  // ---------------------------------------------------------------- lakehouse

  @Test
  void lakehousePrintsAReconciledLineForEveryTable() {
    assertEquals(0, lakehouse.status(), lakehouse.describe());
    Map<String, String[]> rows = reportRows(lakehouse.out());

    assertEquals(BUILT_TABLES, new ArrayList<>(rows.keySet()), lakehouse.out());
    for (String table : BUILT_TABLES) {
      assertEquals("yes", rows.get(table)[5], table + " did not reconcile:\n" + lakehouse.out());
    }
    assertEquals("", lakehouse.err());
  }

  @Test
  void lakehouseWritesTheRowCountsThatTheGeneratorExpects() {
    Map<String, String[]> rows = reportRows(lakehouse.out());
    Map<String, Long> expectedWritten = new LinkedHashMap<>();
    expectedWritten.put("customer_trusted", expected.customerTrusted());
    expectedWritten.put("accelerometer_trusted", expected.accelerometerTrusted());
    expectedWritten.put("customers_curated", expected.customersCurated());
    expectedWritten.put("step_trainer_trusted", expected.stepTrainerTrusted());
    expectedWritten.put("machine_learning_curated", expected.machineLearningCurated());

    for (Map.Entry<String, Long> table : expectedWritten.entrySet()) {
      assertTrue(rows.containsKey(table.getKey()), "no report line for " + table.getKey() + ":\n" + lakehouse.out());
      assertEquals(
          table.getValue(), Long.parseLong(rows.get(table.getKey())[2]), table.getKey() + " written:\n" + lakehouse.out());
    }
    assertEquals(ExpectedCounts.read(sharedLake), expected, "_expected.json does not hold what generate returned");
  }

  @Test
  void lakehouseCountsEveryLandingLineReadAndEveryMalformedOneQuarantined() {
    Map<String, String[]> rows = reportRows(lakehouse.out());
    Map<String, ExpectedCounts.Landing> landings =
        Map.of(
            "customer_trusted", expected.customerLanding(),
            "accelerometer_trusted", expected.accelerometerLanding(),
            "step_trainer_trusted", expected.stepTrainerLanding());

    for (Map.Entry<String, ExpectedCounts.Landing> table : landings.entrySet()) {
      String[] row = rows.get(table.getKey());
      assertEquals(table.getValue().lines(), Long.parseLong(row[1]), table.getKey() + " read:\n" + lakehouse.out());
      assertEquals(
          table.getValue().quarantined(), Long.parseLong(row[4]), table.getKey() + " quarantined:\n" + lakehouse.out());
    }
  }

  @Test
  void lakehouseKeepsAReconciledJsonReportNamedAfterItsRun() throws IOException {
    Matcher firstLine = Pattern.compile("^lakehouse run (\\S+) on ").matcher(lakehouse.out());
    assertTrue(firstLine.find(), "no run id in the report:\n" + lakehouse.out());
    String runId = firstLine.group(1);

    Path report = sharedLake.resolve("_reports").resolve(runId + "-lakehouse.json");

    assertTrue(Files.isRegularFile(report), report + " was not written");
    String json = Files.readString(report);
    assertTrue(json.contains("\"runId\" : \"" + runId + "\""), json);
    assertTrue(Pattern.compile("\"reconciled\"\\s*:\\s*true").matcher(json).find(), json);
    assertFalse(Pattern.compile("\"reconciled\"\\s*:\\s*false").matcher(json).find(), json);
    for (String table : BUILT_TABLES) {
      assertTrue(json.contains("\"table\" : \"" + table + "\""), "the JSON report lacks " + table + ":\n" + json);
    }
  }

  @Test
  void aSecondRunIsRefusedWhileAnotherHoldsTheLakeLock(@TempDir Path lake) throws IOException {
    for (String source : List.of("customer", "accelerometer", "step_trainer")) {
      Files.createDirectories(lake.resolve(source).resolve("landing"));
    }
    Outcome refused;
    try (LocalPublisher holder = LocalPublisher.open(lake, "holder")) {
      refused = stedi("lakehouse", "--lake=" + lake);
    }

    String line = assertOneLineFailure(refused, 1);
    assertTrue(line.contains("another run is using the lake"), line);
    assertTrue(line.contains("holder"), "the error does not name the run holding the lock: " + line);
    assertFalse(Files.exists(lake.resolve("customer/trusted")), "the refused run published customer_trusted");
    assertFalse(Files.exists(lake.resolve("_reports")), "the refused run wrote a report");
  }

  // ---------------------------------------------------------------- show

  @Test
  void showWithLimitSpaceSeparatedPrintsTheCountAndThreeAlignedRows() {
    assertShowsThreeAccelerometerRows(stedi("show", "accelerometer_trusted", "--lake=" + sharedLake, "--limit", "3"));
  }

  @Test
  void showWithLimitEqualsPrintsTheCountAndThreeAlignedRows() {
    assertShowsThreeAccelerometerRows(stedi("show", "accelerometer_trusted", "--lake=" + sharedLake, "--limit=3"));
  }

  @Test
  void showTakesBeamsS3OptionsBesideItsOwn() {
    assertShowsThreeAccelerometerRows(
        stedi(
            "show", "--awsRegion=eu-west-1", "accelerometer_trusted", "--pathStyleAccess=true", "--lake", sharedLake.toString(), "--limit", "3"));
  }

  private static void assertShowsThreeAccelerometerRows(Outcome show) {
    assertEquals(0, show.status(), show.describe());
    List<String> lines = show.out().lines().toList();
    assertTrue(
        lines.get(0).startsWith("accelerometer_trusted at ")
            && lines.get(0).endsWith(": " + expected.accelerometerTrusted() + " rows"),
        lines.get(0) + " does not report " + expected.accelerometerTrusted() + " rows");
    String header = lines.get(1);
    assertEquals(
        List.of("user", "timestamp", "x", "y", "z", "dt"),
        Stream.of(header.split("\\|")).map(String::strip).toList(),
        header);
    assertEquals(6, lines.size(), "expected a count line, a header, a rule and 3 rows:\n" + show.out());
    assertEquals(separators(header, '|'), separators(lines.get(2), '+'), "the rule is not aligned:\n" + show.out());
    for (String row : lines.subList(3, 6)) {
      assertEquals(separators(header, '|'), separators(row, '|'), "a row is not aligned:\n" + show.out());
      assertEquals(6, row.split("\\|").length, row);
      assertTrue(row.contains("@"), "the user column holds no email: " + row);
    }
  }

  @Test
  void showReadsALandingTableAndCountsItsMalformedLines() {
    Outcome show = stedi("show", "customer_landing", "--lake=" + sharedLake);

    assertEquals(0, show.status(), show.describe());
    String counts = show.out().lines().findFirst().orElse("");
    assertTrue(counts.startsWith("customer_landing at "), counts);
    assertTrue(
        counts.contains(": " + expected.customerLanding().records() + " rows, "), counts + "\nexpected " + expected.customerLanding());
    assertTrue(
        counts.contains(expected.customerLanding().quarantined() + " malformed lines"),
        counts + "\nexpected " + expected.customerLanding());
    List<String> lines = show.out().lines().toList();
    assertTrue(lines.get(1).startsWith("customerName"), lines.get(1));
    assertTrue(lines.get(1).contains("shareWithResearchAsOfDate"), lines.get(1));
    assertEquals(3 + 10, lines.size(), "a count line, a header, a rule and the default 10 rows:\n" + show.out());
  }

  // ---------------------------------------------------------------- ddl

  @Test
  void ddlPrintsEightStatementsLocatedUnderTheS3Lake() {
    Outcome ddl = stedi("ddl", "--lake=s3://bucket/prefix");

    assertEquals(0, ddl.status(), ddl.describe());
    assertEquals(8, count(ddl.out(), "CREATE EXTERNAL TABLE"), ddl.out());
    List<String> locations = ddl.out().lines().filter(l -> l.startsWith("LOCATION ")).toList();
    assertEquals(8, locations.size(), ddl.out());
    for (LakeTable table : LakeTable.values()) {
      assertTrue(
          locations.contains("LOCATION 's3://bucket/prefix/" + table.path() + "/'"),
          "no LOCATION for " + table.tableName() + " in " + locations);
    }
  }

  @Test
  void ddlOutWritesOneSqlFilePerTable(@TempDir Path dir) throws IOException {
    Path out = dir.resolve("ddl");

    Outcome ddl = stedi("ddl", "--lake=s3://bucket/prefix", "--out=" + out);

    assertEquals(0, ddl.status(), ddl.describe());
    Set<String> expectedNames =
        Stream.of(LakeTable.values()).map(t -> t.tableName() + ".sql").collect(Collectors.toCollection(TreeSet::new));
    Set<String> written;
    try (Stream<Path> files = Files.list(out)) {
      written = files.map(f -> f.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    }
    assertEquals(expectedNames, written);
    for (LakeTable table : LakeTable.values()) {
      String sql = Files.readString(out.resolve(table.tableName() + ".sql"));
      assertEquals(1, count(sql, "CREATE EXTERNAL TABLE"), sql);
      assertTrue(sql.contains("`" + table.tableName() + "`"), sql);
      assertTrue(sql.contains("LOCATION 's3://bucket/prefix/" + table.path() + "/'"), sql);
    }
    assertTrue(ddl.out().contains("8 CREATE EXTERNAL TABLE statements"), ddl.out());
  }

  // ---------------------------------------------------------------- production defaults

  @Test
  void productionDefaultsTurnOffTheDirectRunnerChecksWhenNoRunnerIsGiven() {
    assertArrayEquals(
        new String[] {"--lake=x", "--enforceImmutability=false", "--enforceEncodability=false"},
        StediCommand.withProductionDefaults(new String[] {"--lake=x"}));
  }

  @Test
  void productionDefaultsTurnOffTheChecksForAnExplicitDirectRunner() {
    assertArrayEquals(
        new String[] {"--runner=DirectRunner", "--enforceImmutability=false", "--enforceEncodability=false"},
        StediCommand.withProductionDefaults(new String[] {"--runner=DirectRunner"}));
  }

  @Test
  void productionDefaultsTurnOffTheChecksForEveryNameBeamAcceptsForTheDirectRunner() {
    // Beam resolves --runner case-insensitively, with or without the "Runner" suffix.
    for (String runner : List.of("direct", "Direct", "directrunner", "org.apache.beam.runners.direct.DirectRunner")) {
      List<String> args = List.of(StediCommand.withProductionDefaults(new String[] {"--runner=" + runner}));
      assertTrue(
          args.contains("--enforceImmutability=false") && args.contains("--enforceEncodability=false"),
          "--runner=" + runner + " selects the DirectRunner but kept its checks on: " + args);
    }
  }

  @Test
  void productionDefaultsLeaveChecksThatAreGivenExplicitly() {
    assertArrayEquals(
        new String[] {"--enforceImmutability=true", "--enforceEncodability=false"},
        StediCommand.withProductionDefaults(new String[] {"--enforceImmutability=true"}));
    assertArrayEquals(
        new String[] {"--runner=DirectRunner", "--enforceImmutability=true", "--enforceEncodability=true"},
        StediCommand.withProductionDefaults(
            new String[] {"--runner=DirectRunner", "--enforceImmutability=true", "--enforceEncodability=true"}));
  }

  @Test
  void productionDefaultsLeaveTheArgumentsOfARunnerThatIsNotOnTheClasspath() {
    // This module has no Spark: the run itself reports the unknown runner.
    assertArrayEquals(
        new String[] {"--runner=SparkRunner", "--lake=x"},
        StediCommand.withProductionDefaults(new String[] {"--runner=SparkRunner", "--lake=x"}));
  }

  // ---------------------------------------------------------------- helpers

  /** The report's table lines, by table: table, read, written, filtered, quarantined, reconciled. */
  private static Map<String, String[]> reportRows(String report) {
    Map<String, String[]> rows = new LinkedHashMap<>();
    for (String line : report.lines().toList()) {
      String[] fields = line.strip().split("\\s+");
      if (fields.length == 6 && BUILT_TABLES.contains(fields[0])) {
        assertTrue(line.endsWith(fields[5]), line);
        rows.put(fields[0], fields);
      }
    }
    return rows;
  }

  /** The positions of a separator character in a line of a text table. */
  private static List<Integer> separators(String line, char separator) {
    List<Integer> positions = new ArrayList<>();
    for (int i = 0; i < line.length(); i++) {
      if (line.charAt(i) == separator) {
        positions.add(i);
      }
    }
    return positions;
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  private static String normalise(String text) {
    return text.replace("\r\n", "\n");
  }

  private static Set<Path> listTree(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.map(root::relativize).collect(Collectors.toCollection(TreeSet::new));
    }
  }

  // ---------------------------------------------------------------- Iceberg tables

  @Test
  void historyListsEachRunsSnapshotAndShowAsOfReadsAnOlderOne(@TempDir Path lake) {
    LakeGenerator.withAllDefects(0.02, 11).generate(lake);
    Outcome first = stedi("lakehouse", "--lake=" + lake, "--tableFormat=iceberg");
    assertEquals(0, first.status(), first.describe());
    String firstSnapshot =
        first.out().lines().filter(l -> l.startsWith("iceberg: customer_trusted snapshot ")).findFirst().orElseThrow().split(" ")[3];
    Outcome second = stedi("lakehouse", "--lake=" + lake, "--tableFormat=iceberg");
    assertEquals(0, second.status(), second.describe());

    Outcome history = stedi("history", "customer_trusted", "--lake=" + lake);

    assertEquals(0, history.status(), history.describe());
    assertTrue(history.out().contains("customer_trusted at " + lake.resolve("customer/trusted") + " in the catalog embedded"), history.out());
    assertTrue(history.out().contains(": 2 snapshots"), history.out());
    assertTrue(history.out().lines().anyMatch(l -> l.startsWith(firstSnapshot + " ") && l.contains("overwrite")), history.out());
    Outcome current = stedi("show", "customer_trusted", "--lake=" + lake, "--limit", "1");
    Outcome old = stedi("show", "customer_trusted", "--lake=" + lake, "--limit", "1", "--asOf", firstSnapshot);
    assertEquals(0, old.status(), old.describe());
    assertTrue(old.out().contains("(Iceberg snapshot " + firstSnapshot + " of "), old.out());
    assertFalse(current.out().contains("(Iceberg snapshot " + firstSnapshot + " of "), current.out());
    String rows = current.out().lines().findFirst().orElseThrow().replaceAll(".*: (\\d+) rows$", "$1");
    assertTrue(old.out().lines().findFirst().orElseThrow().endsWith(": " + rows + " rows"), old.out() + current.out());

    Outcome query = stedi("query", "SELECT count(*) AS n FROM customer_trusted", "--lake=" + lake, "--format=csv");
    assertEquals("n\n" + rows + "\n", query.out().replace("\r", ""), query.describe());

    Outcome missing = stedi("show", "customer_trusted", "--lake=" + lake, "--asOf", "12345");
    assertTrue(assertOneLineFailure(missing, 1).contains("has no snapshot 12345 (expired, or never made)"), missing.describe());
    Outcome tooEarly = stedi("show", "customer_trusted", "--lake=" + lake, "--asOf", "2000-01-01T00:00:00Z");
    assertTrue(assertOneLineFailure(tooEarly, 1).contains("has no snapshot as old as 2000-01-01T00:00:00Z"), tooEarly.describe());
  }

  @Test
  void historyAndAsOfOfAParquetTableSayThatOnlyIcebergTablesKeepOne() {
    Outcome history = stedi("history", "customer_trusted", "--lake=" + sharedLake);
    assertTrue(assertOneLineFailure(history, 1).contains("is not an Iceberg table"), history.describe());
    Outcome asOf = stedi("show", "customer_trusted", "--lake=" + sharedLake, "--asOf", "1");
    assertTrue(assertOneLineFailure(asOf, 2).contains("a Parquet-format table, which keeps no history"), asOf.describe());
  }

  @Test
  void ddlForIcebergTablesGivesTheLandingTablesAndHowAthenaReadsTheOutputTables() {
    Outcome ddl = stedi("ddl", "--tableFormat=iceberg", "--lake=s3://bucket/lake");

    assertEquals(0, ddl.status(), ddl.describe());
    for (LakeTable table : LakeTable.values()) {
      String create = "CREATE EXTERNAL TABLE IF NOT EXISTS `stedi`.`" + table.tableName() + "`";
      if (table.isParquet()) {
        assertFalse(ddl.out().contains(create), "an Iceberg table needs no external table: " + table);
        assertTrue(ddl.out().contains("register_table('stedi." + table.tableName() + "', 's3://bucket/lake/" + table.path() + "/metadata/"), ddl.out());
        assertTrue(ddl.out().contains("SELECT * FROM stedi." + table.tableName() + " LIMIT 10;"), ddl.out());
      } else {
        assertTrue(ddl.out().contains(create), "the landing tables stay JSON external tables: " + table);
      }
    }
    Outcome wrong = stedi("ddl", "--tableFormat=orc");
    assertTrue(assertOneLineFailure(wrong, 2).contains("--tableFormat takes parquet or iceberg, not orc"), wrong.describe());
  }

  // ---------------------------------------------------------------- query

  @Test
  void queryCountsEveryOutputTableAsTheGeneratorExpects() {
    Outcome counts =
        stedi(
            "query",
            "SELECT (SELECT count(*) FROM customer_trusted), (SELECT count(*) FROM accelerometer_trusted), "
                + "(SELECT count(*) FROM customers_curated), (SELECT count(*) FROM step_trainer_trusted), "
                + "(SELECT count(*) FROM machine_learning_curated)",
            "--lake=" + sharedLake,
            "--format=csv");

    assertEquals(0, counts.status(), counts.describe());
    List<String> lines = counts.out().lines().toList();
    assertEquals(2, lines.size(), counts.out());
    assertEquals(
        expected.customerTrusted() + "," + expected.accelerometerTrusted() + "," + expected.customersCurated() + ","
            + expected.stepTrainerTrusted() + "," + expected.machineLearningCurated(),
        lines.get(1));
  }

  @Test
  void queryTypesTheLandingTablesAsTheDdlAndPartitionsTheReadingTablesByDt() {
    Outcome types =
        stedi(
            "query",
            "SELECT typeof(\"timestamp\"), typeof(x), (SELECT count(*) FROM accelerometer_landing) > 0, "
                + "(SELECT count(DISTINCT dt) FROM accelerometer_trusted) > 0 FROM accelerometer_landing LIMIT 1",
            "--lake=" + sharedLake,
            "--format=json");

    assertEquals(0, types.status(), types.describe());
    assertTrue(types.out().contains("\"BIGINT\"") && types.out().contains("\"DOUBLE\""), types.out());
    assertFalse(types.out().contains("false"), types.out());
  }

  @Test
  void queryPrintsAnAlignedTableLimitedToNRowsAndSaysSo() {
    Outcome table = stedi("query", "SELECT email FROM customer_trusted ORDER BY email", "--lake=" + sharedLake, "--limit", "3");

    assertEquals(0, table.status(), table.describe());
    List<String> lines = table.out().lines().toList();
    assertEquals("email", lines.get(0).strip());
    assertTrue(lines.get(1).matches("-+"), table.out());
    assertEquals(6, lines.size(), table.out());
    assertEquals("3 rows shown (more rows: --limit N)", lines.get(5));
  }

  @Test
  void aQueryThatWouldWriteOrDoesNotParseIsOneLine(@TempDir Path dir) {
    Path target = dir.resolve("copy.csv");
    Outcome write = stedi("query", "COPY (SELECT * FROM customer_trusted) TO '" + target + "'", "--lake=" + sharedLake);
    assertTrue(assertOneLineFailure(write, 2).contains("query runs one statement that reads"), write.describe());
    Outcome two = stedi("query", "SELECT 1; COPY (SELECT 1) TO '" + target + "'", "--lake=" + sharedLake);
    assertTrue(assertOneLineFailure(two, 2).contains("query runs one statement that reads"), two.describe());
    assertFalse(Files.exists(target), "nothing written");
    Outcome bad = stedi("query", "SELECT nope FROM customer_trusted", "--lake=" + sharedLake);
    assertTrue(assertOneLineFailure(bad, 2).contains("the query failed: Binder Error"), bad.describe());
    Outcome s3 = stedi("query", "SELECT 1", "--lake=s3://bucket/lake");
    assertTrue(assertOneLineFailure(s3, 1).contains("query reads local lakes only"), s3.describe());
  }
}
