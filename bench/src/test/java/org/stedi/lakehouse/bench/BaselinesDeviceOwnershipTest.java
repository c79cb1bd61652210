package org.stedi.lakehouse.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.stedi.lakehouse.testing.Stedi.EXERCISE_TIME;
import static org.stedi.lakehouse.testing.Stedi.FRANK;
import static org.stedi.lakehouse.testing.Stedi.SANTOSH;
import static org.stedi.lakehouse.testing.Stedi.SARAH;
import static org.stedi.lakehouse.testing.Stedi.SERIAL_1;
import static org.stedi.lakehouse.testing.Stedi.SERIAL_2;
import static org.stedi.lakehouse.testing.Stedi.SERIAL_3;
import static org.stedi.lakehouse.testing.Stedi.consenting;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.testing.AccelerometerLine;
import org.stedi.lakehouse.testing.LandingFiles;
import org.stedi.lakehouse.testing.StepTrainerLine;
import org.stedi.lakehouse.testing.TableFolder;

/**
 * The SQL baselines' step trainer tables on a hand-made landing lake, row by row: devices are owned
 * by the readings (the contract's section 7), whatever the customers' serial numbers say.
 *
 * <ul>
 *   <li>Santosh consents; his record carries SERIAL_2 (the serial-number bug), but his phone
 *       records at every reading of SERIAL_1: SERIAL_1 is his. Frank's phone records at one of
 *       its two readings, which is no reason to pair it with Frank's reading.
 *   <li>Sarah does not consent; her phone records at every reading of SERIAL_2: it is hers, and
 *       stays out, although Santosh's record names it.
 *   <li>Frank consents with SERIAL_3; Santosh's and Frank's phones record at both readings of
 *       SERIAL_3: a tie, no owner, so it stays out, although Frank's record names it.
 * </ul>
 */
class BaselinesDeviceOwnershipTest {
  private static final long T0 = EXERCISE_TIME;
  private static final long T1 = EXERCISE_TIME + 20;
  private static final long SARAH_0 = EXERCISE_TIME + 60_000;
  private static final long SARAH_1 = SARAH_0 + 20;
  private static final long TIE_0 = EXERCISE_TIME + 120_000;
  private static final long TIE_1 = TIE_0 + 20;

  private static final List<String> STEP_TRAINER_TRUSTED =
      List.of(T0 + "|" + SERIAL_1 + "|218", T1 + "|" + SERIAL_1 + "|219");
  /** Santosh's two phone readings at T0 and his one at T1; not Frank's reading at T1. */
  private static final List<String> MACHINE_LEARNING_CURATED =
      List.of(
          T0 + "|" + SERIAL_1 + "|218|1.0|2.0|3.0",
          T0 + "|" + SERIAL_1 + "|218|1.0|2.0|3.5",
          T1 + "|" + SERIAL_1 + "|219|1.0|2.0|4.0");

  @TempDir Path work;

  private Path landingLake() {
    Path lake = work.resolve("lake");
    LandingFiles.write(
        lake.resolve("customer/landing/customers.json"),
        List.of(
            consenting(SANTOSH, SERIAL_2),
            consenting(SARAH, SERIAL_2).withoutResearchConsent(),
            consenting(FRANK, SERIAL_3)));
    LandingFiles.write(
        lake.resolve("accelerometer/landing/accelerometer.json"),
        List.of(
            AccelerometerLine.of(SANTOSH, T0, 1, 2, 3),
            AccelerometerLine.of(SANTOSH, T0, 1, 2, 3.5),
            AccelerometerLine.of(SANTOSH, T1, 1, 2, 4),
            AccelerometerLine.of(FRANK, T1, 9, 9, 9),
            AccelerometerLine.of(SARAH, SARAH_0, 5, 5, 5),
            AccelerometerLine.of(SARAH, SARAH_1, 5, 5, 6),
            AccelerometerLine.of(SANTOSH, TIE_0, 6, 6, 6),
            AccelerometerLine.of(FRANK, TIE_0, 7, 7, 7),
            AccelerometerLine.of(SANTOSH, TIE_1, 6, 6, 7),
            AccelerometerLine.of(FRANK, TIE_1, 7, 7, 8)));
    StepTrainerLine santoshAtT0 = StepTrainerLine.of(T0, SERIAL_1, 218);
    LandingFiles.write(
        lake.resolve("step_trainer/landing/step_trainer.json"),
        List.of(
            santoshAtT0,
            santoshAtT0,
            StepTrainerLine.of(T1, SERIAL_1, 219),
            StepTrainerLine.of(SARAH_0, SERIAL_2, 200),
            StepTrainerLine.of(SARAH_1, SERIAL_2, 201),
            StepTrainerLine.of(TIE_0, SERIAL_3, 300),
            StepTrainerLine.of(TIE_1, SERIAL_3, 301)));
    return lake;
  }

  @Test
  void duckDbKeepsOnlyTheReadingsOfDevicesOwnedByCuratedCustomersAndPairsThemWithTheOwnersPhone() throws Exception {
    Path out = work.resolve("out");
    DuckDbJob.run(landingLake(), out, 1);
    assertStepTrainerTables(out);
  }

  @Test
  void sparkSqlKeepsOnlyTheReadingsOfDevicesOwnedByCuratedCustomersAndPairsThemWithTheOwnersPhone() throws Exception {
    Path out = work.resolve("out");
    SparkSqlJob.run(landingLake(), out, "local[1]");
    assertStepTrainerTables(out);
  }

  @Test
  void tunedSparkSqlWritesTheSameRowsAsSparkSqlWithItsDefaults() throws Exception {
    Path lake = landingLake();
    Path defaults = work.resolve("out-defaults");
    Path tuned = work.resolve("out-tuned");
    SparkSqlJob.run(lake, defaults, "local[2]");
    SparkSqlTunedJob.run(lake, tuned, "local[2]");

    assertStepTrainerTables(tuned);
    for (String table : Benchmark.TABLES) {
      List<String> rows = rows(defaults, table, "*");
      assertEquals(rows, rows(tuned, table, "*"), table);
      assertTrue(!rows.isEmpty(), table + " has rows on the hand-made lake");
    }
  }

  private static void assertStepTrainerTables(Path out) throws Exception {
    assertEquals(List.of(FRANK, SANTOSH), rows(out, "customers_curated", "email"));
    assertEquals(STEP_TRAINER_TRUSTED, rows(out, "step_trainer_trusted", "sensorReadingTime, serialNumber, distanceFromObject"));
    assertEquals(
        MACHINE_LEARNING_CURATED,
        rows(out, "machine_learning_curated", "sensorReadingTime, serialNumber, distanceFromObject, x, y, z"));
  }

  /**
   * The table's rows under {@code out}, as {@code |}-joined values of the columns, sorted; {@code *}
   * includes the partition column {@code dt} of a partitioned table.
   */
  private static List<String> rows(Path out, String table, String columns) throws Exception {
    String files =
        TableFolder.parquetFiles(out.resolve(table)).stream().map(f -> "'" + f + "'").collect(Collectors.joining(", "));
    List<String> rows = new ArrayList<>();
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = db.createStatement();
        ResultSet result = statement.executeQuery("SELECT " + columns + " FROM read_parquet([" + files + "], hive_partitioning = true)")) {
      int width = result.getMetaData().getColumnCount();
      while (result.next()) {
        List<String> values = new ArrayList<>();
        for (int i = 1; i <= width; i++) {
          values.add(result.getString(i));
        }
        rows.add(String.join("|", values));
      }
    }
    rows.sort(null);
    return rows;
  }
}
