package org.stedi.lakehouse.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.stedi.lakehouse.fixtures.Stedi.EXERCISE_TIME;
import static org.stedi.lakehouse.fixtures.Stedi.SANTOSH;
import static org.stedi.lakehouse.fixtures.Stedi.SARAH;
import static org.stedi.lakehouse.fixtures.Stedi.SERIAL_1;
import static org.stedi.lakehouse.fixtures.Stedi.SERIAL_2;
import static org.stedi.lakehouse.fixtures.Stedi.consenting;
import static org.stedi.lakehouse.fixtures.Stedi.withoutConsentField;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.fixtures.AccelerometerLine;
import org.stedi.lakehouse.fixtures.LandingFiles;
import org.stedi.lakehouse.fixtures.StepTrainerLine;
import org.stedi.lakehouse.model.LakeTable;

class SmallLakeTest {

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
            AccelerometerLine.of(SARAH, EXERCISE_TIME, 1, 2, 3)));
    LandingFiles.write(
        lake.resolve("step_trainer/landing/s.json"),
        List.of(StepTrainerLine.of(EXERCISE_TIME, SERIAL_1, 218), StepTrainerLine.of(EXERCISE_TIME, SERIAL_2, 200)));

    LakeRun.Result result = Lakehouse.run(LakeRun.parseOptions("--lake=" + lake));

    assertTrue(result.report().reconciled(), result.report().toText());
    try (DuckDb duck = new DuckDb()) {
      assertEquals(1, duck.count(lake, LakeTable.CUSTOMER_TRUSTED));
      assertEquals(2, duck.count(lake, LakeTable.ACCELEROMETER_TRUSTED));
      assertEquals(1, duck.count(lake, LakeTable.CUSTOMERS_CURATED));
      assertEquals(1, duck.count(lake, LakeTable.STEP_TRAINER_TRUSTED));
      assertEquals(2, duck.count(lake, LakeTable.MACHINE_LEARNING_CURATED));
    }
    System.out.print(result.report().toText());
  }

  @Test
  void aCustomerWhoWithdrawsConsentDisappearsFromEveryTableAtTheNextRun(@TempDir Path lake) throws Exception {
    LandingFiles.write(
        lake.resolve("customer/landing/customers.json"),
        List.of(consenting(SANTOSH, SERIAL_1).lastUpdateDate(1000L), consenting(SARAH, SERIAL_2)));
    LandingFiles.write(
        lake.resolve("accelerometer/landing/a.json"),
        List.of(AccelerometerLine.of(SANTOSH, EXERCISE_TIME, 1, 2, 3), AccelerometerLine.of(SARAH, EXERCISE_TIME, 4, 5, 6)));
    LandingFiles.write(
        lake.resolve("step_trainer/landing/s.json"),
        List.of(StepTrainerLine.of(EXERCISE_TIME, SERIAL_1, 218), StepTrainerLine.of(EXERCISE_TIME, SERIAL_2, 200)));
    Lakehouse.run(LakeRun.parseOptions("--lake=" + lake));
    try (DuckDb duck = new DuckDb()) {
      assertEquals(2, duck.count(lake, LakeTable.CUSTOMERS_CURATED));
      assertEquals(2, duck.count(lake, LakeTable.MACHINE_LEARNING_CURATED));
    }

    // Santosh's newer record withdraws research consent.
    LandingFiles.write(
        lake.resolve("customer/landing/update.json"),
        List.of(consenting(SANTOSH, SERIAL_1).lastUpdateDate(2000L).withoutResearchConsent()));
    Lakehouse.run(LakeRun.parseOptions("--lake=" + lake));

    try (DuckDb duck = new DuckDb()) {
      for (LakeTable table : List.of(LakeTable.CUSTOMER_TRUSTED, LakeTable.CUSTOMERS_CURATED)) {
        assertEquals(
            List.of(List.of(SARAH.toLowerCase())),
            duck.rows("SELECT lower(email) FROM " + duck.source(lake, table)),
            table.tableName());
      }
      assertEquals(
          List.of(List.of(SARAH.toLowerCase())),
          duck.rows("SELECT DISTINCT lower(\"user\") FROM " + duck.source(lake, LakeTable.ACCELEROMETER_TRUSTED)));
      assertEquals(
          List.of(List.of(SERIAL_2)),
          duck.rows("SELECT DISTINCT serialNumber FROM " + duck.source(lake, LakeTable.STEP_TRAINER_TRUSTED)));
      assertEquals(
          List.of(List.of(SERIAL_2, "4.0")),
          duck.rows("SELECT serialNumber, CAST(x AS VARCHAR) FROM " + duck.source(lake, LakeTable.MACHINE_LEARNING_CURATED)));
    }
  }
}
