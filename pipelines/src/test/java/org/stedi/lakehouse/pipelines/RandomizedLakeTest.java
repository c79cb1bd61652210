package org.stedi.lakehouse.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.generator.ExpectedCounts;
import org.stedi.lakehouse.generator.LakeGenerator;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.model.Source;
import org.stedi.lakehouse.pipelines.run.LakeRun;
import org.stedi.lakehouse.pipelines.run.RunReport;
import org.stedi.lakehouse.testing.DuckDb;
import org.stedi.lakehouse.testing.LakeInvariants;

/**
 * The lakehouse on small generated lakes of random sizes and defects, on the DirectRunner: for each
 * lake, every table has the generator's expected row count, the run reconciles (the contract's section 5),
 * and the privacy invariants of the contract's section 6 hold, checked with DuckDB over the Parquet output
 * and the landing JSON ({@link LakeInvariants}).
 *
 * <p>Each lake draws its own seed from a base seed, and all of its settings from its seed. The
 * test prints the base seed and every lake's settings; a failure names the lake's seed.
 *
 * <ul>
 *   <li>{@code -Dstedi.lakes=N}: the number of lakes (default 6, about 15 s each);
 *   <li>{@code -Dstedi.baseSeed=B}: the base seed (default: drawn at random), to replay a whole run;
 *   <li>{@code -Dstedi.seed=S}: replays the one lake of seed {@code S}.
 * </ul>
 */
class RandomizedLakeTest {
  private static final int DEFAULT_LAKES = 6;

  @TempDir Path dir;

  /** A lake's generator settings, all drawn from its seed. */
  record Settings(
      long seed, double scale, int serialNumberBug, double malformedRate, double duplicateRate, int filesPerSource,
      Boolean gzip) {

    static Settings of(long seed) {
      SplittableRandom random = new SplittableRandom(seed);
      double scale = Math.round((0.01 + 0.04 * random.nextDouble()) * 1000) / 1000.0;
      int serialNumberBug = random.nextBoolean() ? 0 : 1 + random.nextInt(30);
      double malformedRate = Math.round(random.nextDouble() * 0.05 * 1000) / 1000.0;
      double duplicateRate = Math.round(random.nextDouble() * 0.05 * 1000) / 1000.0;
      int filesPerSource = 1 + random.nextInt(4);
      Boolean gzip = switch (random.nextInt(3)) {
        case 0 -> null;
        case 1 -> Boolean.TRUE;
        default -> Boolean.FALSE;
      };
      return new Settings(seed, scale, serialNumberBug, malformedRate, duplicateRate, filesPerSource, gzip);
    }

    LakeGenerator generator() {
      LakeGenerator.Builder builder =
          LakeGenerator.builder()
              .seed(seed)
              .scale(scale)
              .serialNumberBug(serialNumberBug)
              .malformedRate(malformedRate)
              .duplicateRate(duplicateRate)
              .filesPerSource(filesPerSource);
      if (gzip != null) {
        builder.gzip(gzip);
      }
      return builder.build();
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "lake seed %d (scale %s, serialNumberBug %d, malformedRate %s, duplicateRate %s, filesPerSource %d, gzip %s;"
              + " replay with -Dstedi.seed=%d)",
          seed, scale, serialNumberBug, malformedRate, duplicateRate, filesPerSource,
          gzip == null ? "default" : gzip, seed);
    }
  }

  @TestFactory
  Stream<DynamicTest> everyRandomLakeGivesTheExpectedTablesReconcilesAndKeepsThePrivacyInvariants() {
    List<Settings> lakes = new ArrayList<>();
    Long replay = Long.getLong("stedi.seed");
    if (replay != null) {
      lakes.add(Settings.of(replay));
      System.out.println("Replaying one lake: " + lakes.get(0));
    } else {
      long baseSeed = Long.getLong("stedi.baseSeed", new SplittableRandom().nextLong());
      int count = Integer.getInteger("stedi.lakes", DEFAULT_LAKES);
      SplittableRandom seeds = new SplittableRandom(baseSeed);
      for (int i = 0; i < count; i++) {
        lakes.add(Settings.of(seeds.nextLong()));
      }
      System.out.println(
          "Randomized lakes: base seed " + baseSeed + " (replay all with -Dstedi.baseSeed=" + baseSeed + "), "
              + count + " lakes");
    }
    return lakes.stream().map(settings -> DynamicTest.dynamicTest(settings.toString(), () -> checkLake(settings)));
  }

  private void checkLake(Settings settings) throws Exception {
    Path lake = dir.resolve("lake-" + Long.toUnsignedString(settings.seed()));
    System.out.println("Generating " + settings);
    ExpectedCounts expected = settings.generator().generate(lake);
    LakeRun.Result run = Lakehouse.run(LakeJobs.parseOptions("--lake=" + lake));
    String context = "\n" + settings + "\nexpected:\n" + expected.describe() + "\nrun report:\n" + run.report().toText();

    RunReport report = run.report();
    assertTrue(report.reconciled(), "the run does not reconcile" + context);
    for (RunReport.TableCounts table : report.tables()) {
      if (!table.table().equals(LakeTable.MACHINE_LEARNING_CURATED.tableName())) {
        assertEquals(
            table.read(), table.written() + table.filtered() + table.quarantined(), table.table() + " read" + context);
      }
    }
    assertLanding(expected.customerLanding(), report.table(LakeTable.CUSTOMER_TRUSTED), Source.CUSTOMER, lake, context);
    assertLanding(
        expected.accelerometerLanding(), report.table(LakeTable.ACCELEROMETER_TRUSTED), Source.ACCELEROMETER, lake, context);
    assertLanding(
        expected.stepTrainerLanding(), report.table(LakeTable.STEP_TRAINER_TRUSTED), Source.STEP_TRAINER, lake, context);

    try (DuckDb duck = new DuckDb()) {
      assertEquals(expected.customerTrusted(), duck.count(lake, LakeTable.CUSTOMER_TRUSTED.path()), "customer_trusted" + context);
      assertEquals(
          expected.accelerometerTrusted(), duck.count(lake, LakeTable.ACCELEROMETER_TRUSTED.path()), "accelerometer_trusted" + context);
      assertEquals(expected.customersCurated(), duck.count(lake, LakeTable.CUSTOMERS_CURATED.path()), "customers_curated" + context);
      assertEquals(
          expected.stepTrainerTrusted(), duck.count(lake, LakeTable.STEP_TRAINER_TRUSTED.path()), "step_trainer_trusted" + context);
      assertEquals(
          expected.machineLearningCurated(),
          duck.count(lake, LakeTable.MACHINE_LEARNING_CURATED.path()),
          "machine_learning_curated" + context);
    }

    List<String> violations = LakeInvariants.check(lake);
    assertTrue(violations.isEmpty(), "privacy invariants violated:\n" + String.join("\n", violations) + context);
  }

  /** The report counts every landing line, and the quarantine holds one entry per malformed line. */
  private static void assertLanding(
      ExpectedCounts.Landing landing, RunReport.TableCounts table, Source source, Path lake, String context)
      throws IOException {
    assertEquals(landing.lines(), table.read(), table.table() + " read" + context);
    assertEquals(landing.quarantined(), table.quarantined(), table.table() + " quarantined" + context);
    assertEquals(landing.quarantined(), quarantineEntries(lake, source), source.folder() + " quarantine entries" + context);
  }

  private static long quarantineEntries(Path lake, Source source) throws IOException {
    Path folder = lake.resolve(source.quarantinePath());
    if (!Files.exists(folder)) {
      return 0;
    }
    long entries = 0;
    try (Stream<Path> files = Files.list(folder.toRealPath())) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).toList()) {
        try (Stream<String> lines = Files.lines(file)) {
          entries += lines.filter(line -> !line.isBlank()).count();
        }
      }
    }
    return entries;
  }
}
