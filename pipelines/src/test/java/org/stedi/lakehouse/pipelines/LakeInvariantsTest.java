package org.stedi.lakehouse.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.stedi.lakehouse.fixtures.Stedi.EXERCISE_TIME;
import static org.stedi.lakehouse.fixtures.Stedi.SANTOSH;
import static org.stedi.lakehouse.fixtures.Stedi.SARAH;
import static org.stedi.lakehouse.fixtures.Stedi.SERIAL_1;
import static org.stedi.lakehouse.fixtures.Stedi.SERIAL_2;
import static org.stedi.lakehouse.fixtures.Stedi.consenting;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.fixtures.LakeInvariants;
import org.stedi.lakehouse.fixtures.LandingFiles;

/**
 * The privacy-invariant checker on hand-made lakes (Parquet written by DuckDB, no lakehouse run):
 * silent on a lake that keeps the rules, and naming each rule a lake breaks.
 */
class LakeInvariantsTest {
  private static final long CONSENT = 1655564376361L;
  private static final long UPDATED = 1655564376361L;

  @TempDir Path lake;

  /** The tables of a lake that keeps every rule: Santosh consents, Sarah does not. */
  private static Map<String, String> goodTables() {
    String santosh = "'" + SANTOSH + "' AS email, '" + SERIAL_1 + "' AS serialNumber, " + UPDATED
        + "::BIGINT AS lastUpdateDate, " + CONSENT + "::BIGINT AS shareWithResearchAsOfDate";
    Map<String, String> tables = new LinkedHashMap<>();
    tables.put("customer/trusted", "SELECT " + santosh);
    tables.put("customer/curated", "SELECT " + santosh);
    tables.put("accelerometer/trusted",
        "SELECT '" + SANTOSH + "' AS \"user\", " + EXERCISE_TIME + "::BIGINT AS \"timestamp\", 1.0::DOUBLE AS x, 2.0::DOUBLE AS y, 3.0::DOUBLE AS z");
    tables.put("step_trainer/trusted",
        "SELECT " + EXERCISE_TIME + "::BIGINT AS sensorReadingTime, '" + SERIAL_1 + "' AS serialNumber, "
            + "218::BIGINT AS distanceFromObject");
    tables.put("step_trainer/curated",
        "SELECT " + EXERCISE_TIME + "::BIGINT AS sensorReadingTime, '" + SERIAL_1 + "' AS serialNumber, "
            + "218::BIGINT AS distanceFromObject, 1.0::DOUBLE AS x, 2.0::DOUBLE AS y, 3.0::DOUBLE AS z");
    return tables;
  }

  private List<String> check(Map<String, String> tables) throws Exception {
    LandingFiles.write(
        lake.resolve("customer/landing/customers.json"),
        List.of(consenting(SANTOSH, SERIAL_1), consenting(SARAH, SERIAL_2).withoutResearchConsent()));
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = db.createStatement()) {
      for (Map.Entry<String, String> table : tables.entrySet()) {
        Path folder = Files.createDirectories(lake.resolve(table.getKey()));
        statement.execute(
            "COPY (" + table.getValue() + ") TO '" + folder.resolve("part-00000.parquet") + "' (FORMAT PARQUET)");
      }
    }
    return LakeInvariants.check(lake);
  }

  private static void assertViolated(List<String> violations, String invariant) {
    assertEquals(1, violations.size(), violations.toString());
    assertTrue(violations.get(0).contains(invariant), violations.toString());
  }

  @Test
  void findsNothingWrongWithALakeThatKeepsTheRules() throws Exception {
    assertEquals(List.of(), check(goodTables()));
  }

  @Test
  void namesACustomerTrustedRowWhoseCurrentRecordDoesNotConsent() throws Exception {
    Map<String, String> tables = goodTables();
    tables.put("customer/trusted", tables.get("customer/trusted") + " UNION ALL SELECT '" + SARAH + "', '" + SERIAL_2
        + "', " + UPDATED + ", " + CONSENT);
    assertViolated(check(tables), "customer_trusted rows that are not the current, consenting landing record");
  }

  @Test
  void namesAReadingOfAnEmailOutsideCustomerTrustedWrittenInAnotherCase() throws Exception {
    Map<String, String> tables = goodTables();
    tables.put("accelerometer/trusted", tables.get("accelerometer/trusted") + " UNION ALL SELECT ' "
        + SARAH.toUpperCase() + "', " + EXERCISE_TIME + ", 4.0, 5.0, 6.0");
    assertViolated(check(tables), "accelerometer_trusted users outside customer_trusted");
  }

  @Test
  void namesAStepTrainerReadingOfASerialOutsideCustomersCurated() throws Exception {
    Map<String, String> tables = goodTables();
    tables.put("step_trainer/trusted", tables.get("step_trainer/trusted") + " UNION ALL SELECT " + EXERCISE_TIME
        + ", '" + SERIAL_2 + "', 200");
    assertViolated(check(tables), "step_trainer_trusted serial numbers outside customers_curated");
  }

  @Test
  void namesAStepTrainerReadingWrittenTwice() throws Exception {
    Map<String, String> tables = goodTables();
    tables.put("step_trainer/trusted", tables.get("step_trainer/trusted") + " UNION ALL " + tables.get("step_trainer/trusted"));
    assertViolated(check(tables), "step_trainer_trusted readings written more than once");
  }

  @Test
  void namesAPersonalColumnInMachineLearningCurated() throws Exception {
    Map<String, String> tables = goodTables();
    tables.put("step_trainer/curated", tables.get("step_trainer/curated") + ", '" + SANTOSH + "' AS email");
    assertViolated(check(tables), "machine_learning_curated has columns beyond the six allowed: [email]");
  }

  @Test
  void namesAMachineLearningRowPairedWithAnotherCustomersPhone() throws Exception {
    // Pairing on the millisecond alone: Sarah's phone reading with Santosh's step trainer.
    Map<String, String> tables = goodTables();
    tables.put("step_trainer/curated", tables.get("step_trainer/curated") + " UNION ALL SELECT " + EXERCISE_TIME
        + ", '" + SERIAL_1 + "', 218, 4.0, 5.0, 6.0");
    assertViolated(check(tables), "machine_learning_curated rows without an accelerometer_trusted reading");
  }
}
