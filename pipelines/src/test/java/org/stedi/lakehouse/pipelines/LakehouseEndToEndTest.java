package org.stedi.lakehouse.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.generator.ExpectedCounts;
import org.stedi.lakehouse.generator.LakeGenerator;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.model.Source;
import org.stedi.lakehouse.pipelines.run.LakeJob;
import org.stedi.lakehouse.pipelines.run.LakeRun;
import org.stedi.lakehouse.pipelines.run.RunReport;
import org.stedi.lakehouse.testing.DuckDb;
import org.stedi.lakehouse.testing.LakeInvariants;
import org.stedi.lakehouse.testing.LakeSnapshot;

/**
 * The whole lake on generated data with every defect (the serial-number bug, duplicates, malformed
 * lines, re-registrations, readings of different customers at one millisecond), read back with
 * DuckDB as an independent reader and compared with the generator's own expected counts.
 */
class LakehouseEndToEndTest {
  private static final double SCALE = 0.1;
  private static final long SEED = 11;

  @TempDir static Path lake;
  private static ExpectedCounts expected;
  private static LakeRun.Result firstRun;

  @BeforeAll
  static void runTheLakehouseOnce() {
    expected = LakeGenerator.withAllDefects(SCALE, SEED).generate(lake);
    firstRun = Lakehouse.run(LakeJobs.parseOptions("--lake=" + lake));
  }

  @Test
  void everyTableHasTheRowCountTheGeneratorExpects() throws Exception {
    try (DuckDb duck = new DuckDb()) {
      assertEquals(expected.customerTrusted(), duck.count(lake, LakeTable.CUSTOMER_TRUSTED.path()));
      assertEquals(expected.accelerometerTrusted(), duck.count(lake, LakeTable.ACCELEROMETER_TRUSTED.path()));
      assertEquals(expected.customersCurated(), duck.count(lake, LakeTable.CUSTOMERS_CURATED.path()));
      assertEquals(expected.stepTrainerTrusted(), duck.count(lake, LakeTable.STEP_TRAINER_TRUSTED.path()));
      assertEquals(expected.machineLearningCurated(), duck.count(lake, LakeTable.MACHINE_LEARNING_CURATED.path()));
    }
    assertTrue(expected.customerLanding().quarantined() > 0, "the lake has malformed customer lines");
    assertTrue(expected.stepTrainerTrusted() > 0 && expected.machineLearningCurated() > 0);
  }

  @Test
  void runReportReconcilesEveryTableAndMatchesTheLandingData() throws Exception {
    RunReport report = firstRun.report();
    assertTrue(report.reconciled(), report.toText());
    assertEquals(expected.customerLanding().lines(), report.table(LakeTable.CUSTOMER_TRUSTED).read());
    assertEquals(expected.customerLanding().quarantined(), report.table(LakeTable.CUSTOMER_TRUSTED).quarantined());
    assertEquals(expected.accelerometerLanding().lines(), report.table(LakeTable.ACCELEROMETER_TRUSTED).read());
    assertEquals(
        expected.accelerometerLanding().quarantined(), report.table(LakeTable.ACCELEROMETER_TRUSTED).quarantined());
    assertEquals(expected.stepTrainerLanding().lines(), report.table(LakeTable.STEP_TRAINER_TRUSTED).read());
    assertEquals(expected.accelerometerTrusted(), report.table(LakeTable.ACCELEROMETER_TRUSTED).written());
    assertEquals(expected.machineLearningCurated(), report.table(LakeTable.MACHINE_LEARNING_CURATED).written());

    Path json = lake.resolve("_reports").resolve(report.runId() + "-lakehouse.json");
    String text = Files.readString(json, StandardCharsets.UTF_8);
    assertTrue(text.contains("\"reconciled\" : true"), text);
    assertTrue(text.contains("\"table\" : \"machine_learning_curated\""), text);
  }

  @Test
  void quarantineKeepsEveryMalformedLineWithFileLineNumberRawTextAndReason() throws Exception {
    for (Source source : Source.values()) {
      long expectedLines =
          switch (source) {
            case CUSTOMER -> expected.customerLanding().quarantined();
            case ACCELEROMETER -> expected.accelerometerLanding().quarantined();
            case STEP_TRAINER -> expected.stepTrainerLanding().quarantined();
          };
      List<String> lines = quarantineLines(source);
      assertEquals(expectedLines, lines.size(), source.folder());
      JsonFactory json = new JsonFactory();
      for (String line : lines) {
        Set<String> fields = new HashSet<>();
        try (JsonParser parser = json.createParser(line)) {
          assertEquals(JsonToken.START_OBJECT, parser.nextToken());
          for (String field = parser.nextFieldName(); field != null; field = parser.nextFieldName()) {
            JsonToken value = parser.nextToken();
            fields.add(field);
            if (field.equals("reason")) {
              assertFalse(parser.getText().isBlank(), line);
            }
            if (field.equals("file")) {
              assertTrue(parser.getText().contains("/" + source.folder() + "/landing/"), line);
            }
            if (field.equals("lineNumber")) {
              assertEquals(JsonToken.VALUE_NUMBER_INT, value, line);
              assertTrue(parser.getLongValue() >= 1, line);
            }
          }
        }
        assertEquals(Set.of("source", "file", "lineNumber", "rawText", "reason"), fields, line);
      }
    }
  }

  @Test
  void aRerunReplacesEveryTableWithIdenticalRows() throws Exception {
    LakeSnapshot before = LakeSnapshot.of(lake);
    LakeRun.Result second = Lakehouse.run(LakeJobs.parseOptions("--lake=" + lake));
    assertTrue(second.report().reconciled());
    assertEquals(before, LakeSnapshot.of(lake));
    assertEquals(quarantineLines(Source.ACCELEROMETER).size(), expected.accelerometerLanding().quarantined());
  }

  @Test
  void privacyInvariantsHold() throws Exception {
    try (DuckDb duck = new DuckDb()) {
      String trusted = duck.source(lake, LakeTable.CUSTOMER_TRUSTED.path());
      String curated = duck.source(lake, LakeTable.CUSTOMERS_CURATED.path());
      String readings = duck.source(lake, LakeTable.ACCELEROMETER_TRUSTED.path());
      String steps = duck.source(lake, LakeTable.STEP_TRAINER_TRUSTED.path());
      String ml = duck.source(lake, LakeTable.MACHINE_LEARNING_CURATED.path());
      assertEquals(
          0,
          duck.queryLong(
              "SELECT count(*) FROM " + trusted + " WHERE shareWithResearchAsOfDate IS NULL"));
      assertEquals(
          0,
          duck.queryLong(
              "SELECT count(*) FROM " + readings + " r WHERE lower(trim(r.\"user\")) NOT IN "
                  + "(SELECT lower(trim(email)) FROM " + trusted + ")"));
      assertEquals(
          0,
          duck.queryLong(
              "SELECT count(*) FROM " + curated + " c WHERE lower(trim(c.email)) NOT IN "
                  + "(SELECT lower(trim(email)) FROM " + trusted + ")"));
      // Whose device a reading is comes from the landing readings: the independent checker decides it again.
      assertEquals(List.of(), LakeInvariants.check(lake));
      assertTrue(duck.count(lake, LakeTable.STEP_TRAINER_TRUSTED.path()) > 0, steps);
      assertEquals(
          List.of("sensorReadingTime", "serialNumber", "distanceFromObject", "x", "y", "z", "dt"),
          duck.columns("SELECT * FROM " + ml));
      assertEquals(
          duck.queryLong("SELECT count(*) FROM (SELECT DISTINCT lower(trim(email)) FROM " + trusted + ")"),
          duck.queryLong("SELECT count(*) FROM " + trusted));
    }
  }

  @Test
  void readingTablesArePartitionedByUtcDayWithFewFilesPerPartition() throws Exception {
    try (DuckDb duck = new DuckDb()) {
      String readings = duck.source(lake, LakeTable.ACCELEROMETER_TRUSTED.path());
      assertEquals(
          0,
          duck.queryLong(
              "SELECT count(*) FROM " + readings
                  + " WHERE strftime(make_timestamp(\"timestamp\" * 1000), '%Y-%m-%d') <> CAST(dt AS VARCHAR)"));
      assertTrue(duck.queryLong("SELECT count(DISTINCT dt) FROM " + readings) >= 10);
    }
    for (LakeTable table : Lakehouse.JOB.outputs()) {
      Path folder = lake.resolve(table.path()).toRealPath();
      try (Stream<Path> files = Files.walk(folder)) {
        Map<Path, Long> perFolder =
            files
                .filter(f -> f.toString().endsWith(".parquet"))
                .collect(java.util.stream.Collectors.groupingBy(Path::getParent, java.util.stream.Collectors.counting()));
        assertFalse(perFolder.isEmpty(), table.tableName());
        int most = LakeJobs.parseOptions().getFilesPerPartition();
        perFolder.forEach((partition, count) -> assertTrue(count <= most, partition + " holds " + count + " files"));
        if (table.partitionTimeColumn().isPresent()) {
          perFolder.keySet().forEach(p -> assertTrue(p.getFileName().toString().startsWith("dt="), p.toString()));
        } else {
          perFolder.keySet().forEach(p -> assertEquals(folder, p));
        }
      }
    }
  }

  @Test
  void theFivePipelinesInSequenceWriteTheSameTablesAsTheLakehouse(@TempDir Path separate) throws Exception {
    LakeGenerator.withAllDefects(SCALE, SEED).generate(separate);
    String[] args = {"--lake=" + separate};
    for (LakeJob job : LakeJobs.ZONE_TRANSITIONS) {
      LakeRun.Result result = LakeRun.run(job, LakeJobs.parseOptions(args));
      assertTrue(result.report().reconciled(), result.report().toText());
    }
    assertEquals(LakeSnapshot.of(lake), LakeSnapshot.of(separate));
  }

  @Test
  void timestampOnlyPairingGivesTheGeneratorsTimestampOnlyCount(@TempDir Path other) throws Exception {
    LakeGenerator.withAllDefects(SCALE, SEED).generate(other);
    LakeRun.Result result = Lakehouse.run(LakeJobs.parseOptions("--lake=" + other, "--pairOnTimestampOnly=true"));
    assertTrue(result.report().reconciled(), result.report().toText());
    try (DuckDb duck = new DuckDb()) {
      assertEquals(expected.machineLearningCuratedTimestampOnly(), duck.count(other, LakeTable.MACHINE_LEARNING_CURATED.path()));
      assertEquals(expected.accelerometerTrusted(), duck.count(other, LakeTable.ACCELEROMETER_TRUSTED.path()));
    }
    // Pairing on time alone adds pairs to the owner's pairs; it never loses one.
    try (DuckDb duck = new DuckDb()) {
      assertEquals(
          0,
          duck.queryLong(
              "SELECT count(*) FROM (SELECT * FROM " + duck.source(lake, LakeTable.MACHINE_LEARNING_CURATED.path())
                  + " EXCEPT ALL SELECT * FROM " + duck.source(other, LakeTable.MACHINE_LEARNING_CURATED.path()) + ")"));
    }
  }

  @Test
  void consentSinceDateKeepsOnlyReadingsTakenSinceConsent(@TempDir Path other) throws Exception {
    // Seed 7 gives customers whose consent date falls among their readings (seed 11 has none).
    ExpectedCounts expected = LakeGenerator.withAllDefects(SCALE, 7).generate(other);
    LakeRun.Result result = Lakehouse.run(LakeJobs.parseOptions("--lake=" + other, "--consentSinceDate=true"));
    assertTrue(result.report().reconciled(), result.report().toText());
    try (DuckDb duck = new DuckDb()) {
      String trusted = duck.source(other, LakeTable.CUSTOMER_TRUSTED.path());
      String readings = duck.source(other, LakeTable.ACCELEROMETER_TRUSTED.path());
      assertEquals(
          0,
          duck.queryLong(
              "SELECT count(*) FROM " + readings + " r JOIN " + trusted
                  + " c ON lower(trim(r.\"user\")) = lower(trim(c.email)) WHERE r.\"timestamp\" < c.shareWithResearchAsOfDate"));
      long kept = duck.count(other, LakeTable.ACCELEROMETER_TRUSTED.path());
      long dropped = result.report().table(LakeTable.ACCELEROMETER_TRUSTED).details().get("beforeConsent");
      assertTrue(dropped > 0, "the generated consent dates fall inside the readings' days");
      // Dropped readings are counted before de-duplication, so copies of one reading count again.
      assertTrue(kept < expected.accelerometerTrusted(), kept + " of " + expected.accelerometerTrusted());
      assertTrue(kept + dropped >= expected.accelerometerTrusted(), kept + " + " + dropped);
      ExpectedCounts.Tables since = expected.consentSinceDate();
      assertEquals(since.accelerometerTrusted(), kept);
      assertEquals(since.customersCurated(), duck.count(other, LakeTable.CUSTOMERS_CURATED.path()));
      assertEquals(since.stepTrainerTrusted(), duck.count(other, LakeTable.STEP_TRAINER_TRUSTED.path()));
      assertEquals(since.machineLearningCurated(), duck.count(other, LakeTable.MACHINE_LEARNING_CURATED.path()));
      // A step trainer reading counts against its device owner's consent date.
      assertTrue(since.stepTrainerTrusted() < expected.stepTrainerTrusted(), expected.describe());
    }
  }

  @Test
  void consentSinceDateWithOwnershipBySerialNumberGivesTheGeneratorsCounts(@TempDir Path other) throws Exception {
    ExpectedCounts expected = LakeGenerator.withAllDefects(SCALE, 7).generate(other);
    LakeRun.Result result =
        Lakehouse.run(LakeJobs.parseOptions("--lake=" + other, "--consentSinceDate=true", "--deviceOwner=serialNumber"));
    assertTrue(result.report().reconciled(), result.report().toText());
    ExpectedCounts.Tables tables = expected.consentSinceDateBySerialNumber();
    try (DuckDb duck = new DuckDb()) {
      assertEquals(tables.stepTrainerTrusted(), duck.count(other, LakeTable.STEP_TRAINER_TRUSTED.path()));
      assertEquals(tables.machineLearningCurated(), duck.count(other, LakeTable.MACHINE_LEARNING_CURATED.path()));
    }
  }

  private static List<String> quarantineLines(Source source) throws Exception {
    Path folder = lake.resolve(source.quarantinePath()).toRealPath();
    try (Stream<Path> files = Files.list(folder)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".json"))
          .flatMap(
              f -> {
                try {
                  return Files.readAllLines(f, StandardCharsets.UTF_8).stream();
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              })
          .filter(line -> !line.isBlank())
          .toList();
    }
  }
}
