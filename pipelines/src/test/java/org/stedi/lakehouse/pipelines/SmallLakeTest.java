package org.stedi.lakehouse.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.stedi.lakehouse.testing.Stedi.EXERCISE_TIME;
import static org.stedi.lakehouse.testing.Stedi.SANTOSH;
import static org.stedi.lakehouse.testing.Stedi.SARAH;
import static org.stedi.lakehouse.testing.Stedi.SERIAL_1;
import static org.stedi.lakehouse.testing.Stedi.SERIAL_2;
import static org.stedi.lakehouse.testing.Stedi.consenting;
import static org.stedi.lakehouse.testing.Stedi.withoutConsentField;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.pipelines.run.LakeRun;
import org.stedi.lakehouse.testing.AccelerometerLine;
import org.stedi.lakehouse.testing.DuckDb;
import org.stedi.lakehouse.testing.LakeInvariants;
import org.stedi.lakehouse.testing.LandingFiles;
import org.stedi.lakehouse.testing.StepTrainerLine;

class SmallLakeTest {
  /** Sarah exercises a second after Santosh: each device's one reading time has one phone. */
  private static final long SARAHS_TIME = EXERCISE_TIME + 1000;

  @Test
  void lakehouseWritesEveryTableOfAHandMadeLake(@TempDir Path lake) throws Exception {
    LandingFiles.write(
        lake.resolve("customer/landing/customers.json"),
        List.of(consenting(SANTOSH, SERIAL_1), withoutConsentField(SARAH, SERIAL_2), "not json"));
    LandingFiles.write(
        lake.resolve("accelerometer/landing/a.json"),
        List.of(
            AccelerometerLine.of(SANTOSH, EXERCISE_TIME, 1, 2, 3),
            AccelerometerLine.of(SANTOSH, EXERCISE_TIME, 1, 2, 4),
            AccelerometerLine.of(SARAH, SARAHS_TIME, 1, 2, 3)));
    LandingFiles.write(
        lake.resolve("step_trainer/landing/s.json"),
        List.of(StepTrainerLine.of(EXERCISE_TIME, SERIAL_1, 218), StepTrainerLine.of(SARAHS_TIME, SERIAL_2, 200)));

    LakeRun.Result result = Lakehouse.run(LakeJobs.parseOptions("--lake=" + lake));

    assertTrue(result.report().reconciled(), result.report().toText());
    try (DuckDb duck = new DuckDb()) {
      assertEquals(1, duck.count(lake, LakeTable.CUSTOMER_TRUSTED.path()));
      assertEquals(2, duck.count(lake, LakeTable.ACCELEROMETER_TRUSTED.path()));
      assertEquals(1, duck.count(lake, LakeTable.CUSTOMERS_CURATED.path()));
      assertEquals(1, duck.count(lake, LakeTable.STEP_TRAINER_TRUSTED.path()));
      assertEquals(2, duck.count(lake, LakeTable.MACHINE_LEARNING_CURATED.path()));
    }
    System.out.print(result.report().toText());
  }

  @Test
  void aCustomerWhoWithdrawsConsentDisappearsFromEveryTableAtTheNextRun(@TempDir Path lake) throws Exception {
    TwoCustomers.write(lake);
    assertTrue(Lakehouse.run(LakeJobs.parseOptions("--lake=" + lake)).report().reconciled());
    String santosh = SANTOSH.toLowerCase(Locale.ROOT);
    String sarah = SARAH.toLowerCase(Locale.ROOT);
    assertEquals(List.of(santosh, sarah), personalKeysOfEveryTable(lake).get(LakeTable.CUSTOMER_TRUSTED));
    assertEquals(List.of(santosh, sarah), personalKeysOfEveryTable(lake).get(LakeTable.ACCELEROMETER_TRUSTED));
    assertEquals(List.of(santosh, sarah), personalKeysOfEveryTable(lake).get(LakeTable.CUSTOMERS_CURATED));
    assertEquals(List.of(SERIAL_1, SERIAL_2), sortedCopy(personalKeysOfEveryTable(lake).get(LakeTable.STEP_TRAINER_TRUSTED)));
    assertEquals(List.of(SERIAL_1, SERIAL_2), sortedCopy(personalKeysOfEveryTable(lake).get(LakeTable.MACHINE_LEARNING_CURATED)));
    assertEquals(List.of(), LakeInvariants.check(lake));

    // Santosh's newer record withdraws research consent; his email is written in another case, with spaces.
    LandingFiles.write(
        lake.resolve("customer/landing/update.json"),
        List.of(consenting("  " + SANTOSH.toUpperCase(Locale.ROOT) + " ", SERIAL_1).lastUpdateDate(2000L).withoutResearchConsent()));
    // Until the next run, the tables still hold him: the invariants checked on the landing data see it.
    List<String> stale = LakeInvariants.check(lake);
    assertTrue(stale.stream().anyMatch(v -> v.contains("customer_trusted rows that are not the current")), stale.toString());
    assertTrue(stale.stream().anyMatch(v -> v.contains("accelerometer_trusted users")), stale.toString());
    assertTrue(stale.stream().anyMatch(v -> v.contains("customers_curated emails")), stale.toString());

    LakeRun.Result second = Lakehouse.run(LakeJobs.parseOptions("--lake=" + lake));

    assertTrue(second.report().reconciled(), second.report().toText());
    Map<LakeTable, List<String>> keys = personalKeysOfEveryTable(lake);
    assertEquals(List.of(sarah), keys.get(LakeTable.CUSTOMER_TRUSTED), "customer_trusted emails");
    assertEquals(List.of(sarah), keys.get(LakeTable.ACCELEROMETER_TRUSTED), "accelerometer_trusted users");
    assertEquals(List.of(sarah), keys.get(LakeTable.CUSTOMERS_CURATED), "customers_curated emails");
    assertEquals(List.of(SERIAL_2), keys.get(LakeTable.STEP_TRAINER_TRUSTED), "step_trainer_trusted serial numbers");
    assertEquals(List.of(SERIAL_2), keys.get(LakeTable.MACHINE_LEARNING_CURATED), "machine_learning_curated serials");
    try (DuckDb duck = new DuckDb()) {
      assertEquals(
          List.of(List.of(SERIAL_2, "4.0")),
          duck.rows("SELECT serialNumber, CAST(x AS VARCHAR) FROM " + duck.source(lake, LakeTable.MACHINE_LEARNING_CURATED.path())));
    }
    assertEquals(List.of(), LakeInvariants.check(lake));
  }

  /**
   * Per table, the distinct emails (trimmed, lower case) or, for the step trainer tables, the
   * distinct serial numbers it holds, sorted.
   */
  private static Map<LakeTable, List<String>> personalKeysOfEveryTable(Path lake) throws Exception {
    Map<LakeTable, String> columns = new LinkedHashMap<>();
    columns.put(LakeTable.CUSTOMER_TRUSTED, "lower(trim(email))");
    columns.put(LakeTable.ACCELEROMETER_TRUSTED, "lower(trim(\"user\"))");
    columns.put(LakeTable.CUSTOMERS_CURATED, "lower(trim(email))");
    columns.put(LakeTable.STEP_TRAINER_TRUSTED, "serialNumber");
    columns.put(LakeTable.MACHINE_LEARNING_CURATED, "serialNumber");
    Map<LakeTable, List<String>> keys = new LinkedHashMap<>();
    try (DuckDb duck = new DuckDb()) {
      for (Map.Entry<LakeTable, String> column : columns.entrySet()) {
        String source = duck.source(lake, column.getKey().path());
        List<String> values = new ArrayList<>();
        if (source != null) {
          for (List<String> row : duck.rows("SELECT DISTINCT " + column.getValue() + " FROM " + source + " ORDER BY 1")) {
            values.add(row.get(0));
          }
        }
        keys.put(column.getKey(), values);
      }
    }
    return keys;
  }

  private static List<String> sortedCopy(List<String> values) {
    List<String> copy = new ArrayList<>(values);
    copy.sort(null);
    return copy;
  }
}
