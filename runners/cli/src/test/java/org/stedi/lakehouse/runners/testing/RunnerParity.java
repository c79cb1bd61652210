package org.stedi.lakehouse.runners.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.stedi.lakehouse.fixtures.LakeInvariants;
import org.stedi.lakehouse.fixtures.generator.ExpectedCounts;
import org.stedi.lakehouse.fixtures.generator.LakeGenerator;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.pipelines.LakeRun;
import org.stedi.lakehouse.pipelines.Lakehouse;
import org.stedi.lakehouse.pipelines.RunReport;

/**
 * The test every runner must pass: the same generated landing data (every defect: the serial-number
 * bug, duplicates, malformed lines, re-registrations, readings of several customers at one
 * millisecond) gives the same rows in every table, the same quarantine and the same run-report
 * counts as on the DirectRunner, and the tables keep the contract's section 6 privacy invariants. The data's
 * seed is drawn at random for each test JVM and printed ({@link #SEED}).
 */
public final class RunnerParity {
  /**
   * About 28,000 landing lines: every defect, in seconds on any runner, and a join (the pairing of
   * step trainer and accelerometer readings) that groups more than 10,000 readings at once, which a
   * runner must be able to iterate twice.
   */
  public static final double SCALE = 0.25;

  /**
   * The generator's seed: drawn at random once per JVM among the seeds whose lake pairs readings in
   * machine_learning_curated (with the serial-number bug, some lakes pair none), and printed, so
   * that every run of the runner tests tries other data; {@code -Dstedi.seed=S} replays the data of
   * seed {@code S}.
   */
  public static final long SEED = drawSeed();

  private static Baseline baseline;

  private RunnerParity() {}

  private static long drawSeed() {
    Long given = Long.getLong("stedi.seed");
    if (given != null) {
      System.out.println("RunnerParity: generated lakes use " + seedNote(given));
      return given;
    }
    SplittableRandom random = new SplittableRandom();
    while (true) {
      long seed = random.nextLong();
      if (pairsReadings(seed)) {
        System.out.println("RunnerParity: generated lakes use " + seedNote(seed));
        return seed;
      }
      System.out.println("RunnerParity: the lake of seed " + seed + " pairs no readings; drawing another seed");
    }
  }

  private static boolean pairsReadings(long seed) {
    Path lake = null;
    try {
      lake = Files.createTempDirectory("stedi-seed");
      return LakeGenerator.withAllDefects(SCALE, seed).generate(lake).machineLearningCurated() > 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      deleteRecursively(lake);
    }
  }

  private static String seedNote(long seed) {
    return "seed " + seed + " (replay with -Dstedi.seed=" + seed + ")";
  }

  /** The seed of the generated data and how to replay it, for failure messages. */
  public static String seed() {
    return seedNote(SEED);
  }

  /** What the DirectRunner made of the generated lake. */
  public record Baseline(ExpectedCounts expected, RunReport report, LakeSnapshot tables) {}

  /** About 2,000 landing lines: enough to show that a packaged jar works. */
  public static final double SMALL_SCALE = 0.02;

  /** Writes the generated landing data into {@code lake}: the same data for every call. */
  public static ExpectedCounts generate(Path lake) {
    return generate(lake, SCALE);
  }

  /** Writes the generated landing data of that scale into {@code lake}. */
  public static ExpectedCounts generate(Path lake, double scale) {
    return LakeGenerator.withAllDefects(scale, SEED).generate(lake);
  }

  /**
   * What the DirectRunner makes of the generated lake: run once per JVM (in a folder deleted
   * afterwards), so that every test class of a runner compares against the same baseline.
   */
  public static synchronized Baseline directBaseline() {
    if (baseline == null) {
      Path lake = null;
      try {
        lake = Files.createTempDirectory("stedi-direct-baseline");
        ExpectedCounts expected = generate(lake);
        // The pipelines' own tests run the DirectRunner's immutability and encodability checks.
        LakeRun.Result direct =
            runLakehouse(lake, "--runner=DirectRunner", "--enforceImmutability=false", "--enforceEncodability=false");
        LakeSnapshot tables = LakeSnapshot.of(lake);
        assertEquals(expected.customerTrusted(), tables.rows(LakeTable.CUSTOMER_TRUSTED.tableName()).size(), seed());
        assertEquals(
            expected.accelerometerTrusted(), tables.rows(LakeTable.ACCELEROMETER_TRUSTED.tableName()).size(), seed());
        assertEquals(expected.customersCurated(), tables.rows(LakeTable.CUSTOMERS_CURATED.tableName()).size(), seed());
        assertEquals(
            expected.stepTrainerTrusted(), tables.rows(LakeTable.STEP_TRAINER_TRUSTED.tableName()).size(), seed());
        assertEquals(
            expected.machineLearningCurated(), tables.rows(LakeTable.MACHINE_LEARNING_CURATED.tableName()).size(), seed());
        assertTrue(expected.machineLearningCurated() > 0, "the generated lake pairs no readings, " + seed());
        assertPrivacyInvariants(lake, "DirectRunner");
        baseline = new Baseline(expected, direct.report(), tables);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        deleteRecursively(lake);
      }
    }
    return baseline;
  }

  private static void deleteRecursively(Path folder) {
    if (folder == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs the lakehouse on {@code lake} with the given runner options. */
  public static LakeRun.Result runLakehouse(Path lake, String... runnerArgs) {
    List<String> args = new ArrayList<>(List.of(runnerArgs));
    args.add("--lake=" + lake);
    return Lakehouse.run(LakeRun.parseOptions(args.toArray(String[]::new)));
  }

  /** Asserts that {@code lake} holds exactly the baseline's rows and quarantined lines. */
  public static void assertSameTables(Baseline baseline, Path lake, String runner) {
    String differences = baseline.tables().differencesFrom(LakeSnapshot.of(lake), "DirectRunner", runner);
    if (!differences.isEmpty()) {
      fail(runner + " wrote other rows than the DirectRunner on " + seed() + ":\n" + differences);
    }
  }

  /**
   * Asserts the contract's section 6 privacy invariants on the tables a runner wrote into {@code lake},
   * checked by {@link LakeInvariants} against the lake's landing data.
   */
  public static void assertPrivacyInvariants(Path lake, String runner) {
    List<String> violations = LakeInvariants.check(lake);
    if (!violations.isEmpty()) {
      fail("privacy invariants violated on " + runner + ", " + seed() + ":\n" + String.join("\n", violations));
    }
  }

  /**
   * Asserts that a run's report reconciles and counts exactly what the baseline's counted: rows
   * read, written, filtered and quarantined, and every detail, table by table.
   */
  public static void assertSameCounts(Baseline baseline, RunReport report) {
    assertTrue(report.reconciled(), seed() + "\n" + report.toText());
    assertEquals(
        counts(baseline.report().tables()),
        counts(report.tables()),
        seed() + "\nDirectRunner:\n" + baseline.report().toText() + "\n" + report.toText());
    assertEquals(baseline.report().devices(), report.devices(), seed() + "\n" + report.toText());
    assertEquals(baseline.expected().customerLanding().lines(), report.table(LakeTable.CUSTOMER_TRUSTED).read());
    assertEquals(baseline.expected().accelerometerTrusted(), report.table(LakeTable.ACCELEROMETER_TRUSTED).written());
  }

  /**
   * A table's counts as two runs of the same data must agree on them: every figure and reason, not
   * whether the runner reports committed counter values.
   */
  private static List<String> counts(List<RunReport.TableCounts> tables) {
    return tables.stream()
        .map(
            t ->
                t.table() + " read=" + t.read() + " written=" + t.written() + " filtered=" + t.filtered()
                    + " quarantined=" + t.quarantined() + " produced=" + t.produced() + " details=" + t.details()
                    + " exact=" + t.detailsExact())
        .toList();
  }

  /** As {@link #assertSameCounts(Baseline, RunReport)}, for the one JSON run report in {@code lake}. */
  public static void assertSameCounts(Baseline baseline, Path lake) {
    JsonNode report;
    try (Stream<Path> reports = Files.list(lake.resolve("_reports"))) {
      List<Path> files = reports.filter(file -> file.toString().endsWith(".json")).toList();
      assertEquals(1, files.size(), "run reports in " + lake + ": " + files);
      report = new ObjectMapper().readTree(files.get(0).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertTrue(report.get("reconciled").asBoolean(), seed() + "\n" + report.toPrettyString());
    List<RunReport.TableCounts> tables = new ArrayList<>();
    for (JsonNode table : report.get("tables")) {
      Map<String, Long> details = new LinkedHashMap<>();
      table.get("details").fields().forEachRemaining(detail -> details.put(detail.getKey(), detail.getValue().asLong()));
      tables.add(
          new RunReport.TableCounts(
              table.get("table").asText(),
              table.get("read").asLong(),
              table.get("written").asLong(),
              table.get("filtered").asLong(),
              table.get("quarantined").asLong(),
              table.get("produced").asLong(),
              details,
              table.get("detailsExact").asBoolean(),
              table.get("countersCommitted").asBoolean()));
      assertTrue(table.get("reconciled").asBoolean(), seed() + "\n" + report.toPrettyString());
    }
    assertEquals(
        counts(baseline.report().tables()),
        counts(tables),
        seed() + "\nDirectRunner:\n" + baseline.report().toText() + "\n" + report.toPrettyString());
    JsonNode devices = report.get("devices");
    RunReport.Devices expected = baseline.report().devices();
    assertEquals(
        expected,
        new RunReport.Devices(
            devices.get("devices").asLong(),
            devices.get("attributed").asLong(),
            devices.get("noPhone").asLong(),
            devices.get("noMajority").asLong(),
            devices.get("ties").asLong(),
            devices.get("ownedByCurated").asLong(),
            devices.get("curatedOwners").asLong(),
            devices.get("curatedWithOtherSerial").asLong(),
            devices.get("sharedSerials").asLong(),
            devices.get("recordsWithSharedSerial").asLong()),
        seed() + "\n" + report.toPrettyString());
  }
}
