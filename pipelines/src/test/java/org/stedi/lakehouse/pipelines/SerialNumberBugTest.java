package org.stedi.lakehouse.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.generator.DeviceTruth;
import org.stedi.lakehouse.generator.ExpectedCounts;
import org.stedi.lakehouse.generator.LakeGenerator;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.pipelines.run.LakeRun;
import org.stedi.lakehouse.pipelines.run.RunReport;
import org.stedi.lakehouse.testing.DuckDb;
import org.stedi.lakehouse.testing.LakeSnapshot;

/**
 * The serial-number bug on generated lakes, checked against the generator's truth (which device
 * session recorded which readings, and whose phone was there), never against what the transforms
 * decided: by default not one reading of a device whose real owner is not a curated customer
 * reaches the step trainer tables, and machine_learning_curated holds exactly the owner-correct
 * pairs; with {@code --deviceOwner=serialNumber} the same lake leaks readings; on a lake without the
 * bug both rules write identical tables.
 */
class SerialNumberBugTest {
  private static final double SCALE = 0.2;
  private static final long SEED = 23;

  @TempDir static Path bugLake;
  private static ExpectedCounts expected;
  private static Map<String, DeviceTruth.Device> truth;
  private static LakeRun.Result run;

  @BeforeAll
  static void runTheLakehouseOnABugLake() {
    expected = LakeGenerator.withAllDefects(SCALE, SEED).generate(bugLake);
    truth = DeviceTruth.read(bugLake);
    run = Lakehouse.run(LakeJobs.parseOptions("--lake=" + bugLake));
  }

  @Test
  void everyStepTrainerReadingBelongsToADeviceWhoseTrueOwnerIsACuratedCustomer() throws Exception {
    assertTrue(run.report().reconciled(), run.report().toText());
    try (DuckDb duck = new DuckDb()) {
      loadTruth(duck);
      String curated = duck.source(bugLake, LakeTable.CUSTOMERS_CURATED.path());
      for (LakeTable table : List.of(LakeTable.STEP_TRAINER_TRUSTED, LakeTable.MACHINE_LEARNING_CURATED)) {
        String rows = duck.source(bugLake, table.path());
        long foreign =
            duck.queryLong(
                "SELECT count(*) FROM " + rows + " r LEFT JOIN truth t ON t.serialNumber = r.serialNumber "
                    + "WHERE t.owner IS NULL OR t.owner NOT IN (SELECT lower(trim(email)) FROM " + curated + ")");
        assertEquals(0, foreign, table.tableName() + " rows of devices whose true owner is not a curated customer");
      }
      assertEquals(expected.stepTrainerTrusted(), duck.count(bugLake, LakeTable.STEP_TRAINER_TRUSTED.path()));
      assertTrue(expected.stepTrainerTrusted() > expected.bySerialNumber().stepTrainerTrusted(), expected.describe());
    }
  }

  @Test
  void machineLearningCuratedHoldsExactlyThePairsOfEachDeviceWithItsTrueOwnersPhone() throws Exception {
    try (DuckDb duck = new DuckDb()) {
      loadTruth(duck);
      String steps = duck.source(bugLake, LakeTable.STEP_TRAINER_TRUSTED.path());
      String phones = duck.source(bugLake, LakeTable.ACCELEROMETER_TRUSTED.path());
      String pairs = duck.source(bugLake, LakeTable.MACHINE_LEARNING_CURATED.path());
      String ownerCorrect =
          "SELECT s.sensorReadingTime, s.serialNumber, s.distanceFromObject, a.x, a.y, a.z FROM " + steps + " s "
              + "JOIN truth t ON t.serialNumber = s.serialNumber JOIN " + phones + " a "
              + "ON a.\"timestamp\" = s.sensorReadingTime AND lower(trim(a.\"user\")) = t.owner";
      String written = "SELECT sensorReadingTime, serialNumber, distanceFromObject, x, y, z FROM " + pairs;
      assertEquals(0, duck.queryLong("SELECT count(*) FROM (" + ownerCorrect + " EXCEPT ALL " + written + ")"));
      assertEquals(0, duck.queryLong("SELECT count(*) FROM (" + written + " EXCEPT ALL " + ownerCorrect + ")"));
      assertEquals(expected.machineLearningCurated(), duck.count(bugLake, LakeTable.MACHINE_LEARNING_CURATED.path()));
      assertTrue(expected.machineLearningCurated() > 10 * expected.bySerialNumber().machineLearningCurated(), expected.describe());
    }
  }

  @Test
  void theRunReportCountsTheDevicesAsTheGeneratorMadeThem() {
    ExpectedCounts.Devices devices = expected.devices();
    assertEquals(
        new RunReport.Devices(
            devices.devices(),
            devices.attributed(),
            devices.noPhone(),
            devices.noMajority(),
            devices.ties(),
            devices.ownedByCurated(),
            run.report().devices().curatedOwners(),
            devices.curatedWithOtherSerial(),
            devices.sharedSerials(),
            devices.recordsWithSharedSerial()),
        run.report().devices(),
        run.report().toText());
    assertEquals(devices.ownedByCurated(), run.report().devices().curatedOwners(), "one device per owner");
    assertTrue(devices.noPhone() > 0 && devices.noMajority() > 0 && devices.ties() > 0, devices.toString());
    assertEquals(30, devices.sharedSerials());
  }

  @Test
  void ownershipBySerialNumberLeaksReadingsOfDevicesWhoseOwnerNeverConsented(@TempDir Path lake) throws Exception {
    LakeGenerator.withAllDefects(SCALE, SEED).generate(lake);
    LakeRun.Result bySerial = Lakehouse.run(LakeJobs.parseOptions("--lake=" + lake, "--deviceOwner=serialNumber"));

    assertTrue(bySerial.report().reconciled(), bySerial.report().toText());
    ExpectedCounts.Tables tables = expected.bySerialNumber();
    try (DuckDb duck = new DuckDb()) {
      assertEquals(tables.stepTrainerTrusted(), duck.count(lake, LakeTable.STEP_TRAINER_TRUSTED.path()));
      assertEquals(tables.machineLearningCurated(), duck.count(lake, LakeTable.MACHINE_LEARNING_CURATED.path()));
      loadTruth(duck);
      long leaked =
          duck.queryLong(
              "SELECT count(*) FROM " + duck.source(lake, LakeTable.STEP_TRAINER_TRUSTED.path()) + " r JOIN truth t "
                  + "ON t.serialNumber = r.serialNumber WHERE t.owner NOT IN (SELECT lower(trim(email)) FROM "
                  + duck.source(lake, LakeTable.CUSTOMERS_CURATED.path()) + ")");
      assertTrue(leaked > 0, "the serial-number join admits readings of devices of customers who never consented");
    }
  }

  @Test
  void withoutTheBugBothOwnershipRulesWriteIdenticalTables(@TempDir Path byReadings, @TempDir Path bySerial)
      throws Exception {
    LakeGenerator generator = LakeGenerator.withAllDefects(SCALE, SEED).toBuilder().serialNumberBug(0).build();
    ExpectedCounts clean = generator.generate(byReadings);
    generator.generate(bySerial);

    Lakehouse.run(LakeJobs.parseOptions("--lake=" + byReadings));
    Lakehouse.run(LakeJobs.parseOptions("--lake=" + bySerial, "--deviceOwner=serialNumber"));

    LakeSnapshot tables = LakeSnapshot.of(byReadings);
    assertEquals(tables, LakeSnapshot.of(bySerial));
    assertEquals(clean.stepTrainerTrusted(), tables.rows(LakeTable.STEP_TRAINER_TRUSTED.path()).size());
    assertEquals(clean.machineLearningCurated(), tables.rows(LakeTable.MACHINE_LEARNING_CURATED.path()).size());
    assertTrue(clean.machineLearningCurated() > 0);
  }

  /** The generator's truth as a DuckDB table {@code truth(serialNumber, owner)}: owner null without one. */
  private static void loadTruth(DuckDb duck) throws Exception {
    duck.execute("CREATE OR REPLACE TABLE truth (serialNumber VARCHAR, owner VARCHAR)");
    try (PreparedStatement insert = duck.prepare("INSERT INTO truth VALUES (?, ?)")) {
      for (DeviceTruth.Device device : truth.values()) {
        insert.setString(1, device.serialNumber());
        insert.setString(2, device.owner().orElse(null));
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }
}
