package org.stedi.lakehouse.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.stedi.lakehouse.testing.Stedi.EXERCISE_TIME;
import static org.stedi.lakehouse.testing.Stedi.FRANK;
import static org.stedi.lakehouse.testing.Stedi.JOHN;
import static org.stedi.lakehouse.testing.Stedi.SANTOSH;
import static org.stedi.lakehouse.testing.Stedi.SARAH;
import static org.stedi.lakehouse.testing.Stedi.SERIAL_1;
import static org.stedi.lakehouse.testing.Stedi.SERIAL_2;
import static org.stedi.lakehouse.testing.Stedi.STRANGER;
import static org.stedi.lakehouse.testing.Stedi.UNKNOWN_SERIAL;
import static org.stedi.lakehouse.testing.Stedi.consenting;
import static org.stedi.lakehouse.testing.Stedi.withoutConsentField;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.pipelines.run.LakeRun;
import org.stedi.lakehouse.pipelines.run.RunReport;
import org.stedi.lakehouse.testing.AccelerometerLine;
import org.stedi.lakehouse.testing.DuckDb;
import org.stedi.lakehouse.testing.LandingFiles;
import org.stedi.lakehouse.testing.StepTrainerLine;

/**
 * The serial-number bug on a hand-made lake, end to end: whose device a reading is comes from the
 * readings (the default), not from {@code customer.serialNumber}.
 *
 * <p>Santosh (consents) and Sarah (never consented) both have {@code SERIAL_1} in their records.
 * Sarah exercises on SERIAL_1 with her phone; Santosh, beside her, on SERIAL_2, and his phone also
 * records at 23 of SERIAL_1's 30 moments. Frank and John (both consent) share a gym device (a tie);
 * John's phone records at 4 of another device's 10 moments (no majority) and owns a third device by
 * 6 of its 10 valid moments; a stranger without a customer record owns a device; one device has no
 * phone at all.
 */
class DeviceOwnershipLakeTest {
  private static final long T = EXERCISE_TIME;
  private static final long GAP = 3000;
  private static final String GYM = "gym-device-0000-0000-000000000001";
  private static final String PARTIAL = "partial-device-0000-000000000002";
  private static final String JOHNS = "johns-device-0000-0000-00000000003";
  private static final String STRANGERS = "stranger-device-000-000000000004";

  @TempDir Path lake;

  private final List<Object> steps = new ArrayList<>();
  private final List<Object> phones = new ArrayList<>();

  /** A device's readings at {@code count} moments {@link #GAP} apart from {@code start}. */
  private void device(String serial, long start, int count) {
    for (int i = 0; i < count; i++) {
      steps.add(StepTrainerLine.of(start + i * GAP, serial, 200 + i));
    }
  }

  /** A phone's readings at moments {@code from} to {@code to} (exclusive) of a session from {@code start}. */
  private void phone(String user, long start, int from, int to) {
    for (int i = from; i < to; i++) {
      phones.add(AccelerometerLine.of(user, start + i * GAP, 0.25, -0.5, 0.01 * i));
    }
  }

  @BeforeEach
  void writeTheLake() {
    LandingFiles.write(
        lake.resolve("customer/landing/customers.json"),
        List.of(
            consenting(SANTOSH, SERIAL_1),
            withoutConsentField(SARAH, SERIAL_1),
            consenting(FRANK, "franks-record-serial"),
            consenting(JOHN, "johns-record-serial")));
    device(SERIAL_1, T, 30); // Sarah's
    phone(SARAH, T, 0, 30);
    phone(SANTOSH, T, 0, 23);
    device(SERIAL_2, T + 1, 30); // Santosh's
    phone(SANTOSH, T + 1, 0, 30);
    device(GYM, T + 2, 10);
    phone(FRANK, T + 2, 0, 10);
    phone(JOHN, T + 2, 0, 10);
    device(PARTIAL, T + 3, 10);
    phone(JOHN, T + 3, 0, 4);
    device(JOHNS, T + 4, 10);
    phone(JOHN, T + 4, 0, 6);
    device(STRANGERS, T + 5, 10);
    phone(STRANGER, T + 5, 0, 10);
    device(UNKNOWN_SERIAL, T + 6, 10);
    // Evidence comes from valid readings only, each moment once:
    for (int i = 0; i < 30; i++) { // Sarah's phone at Santosh's moments, but x is text: quarantined
      phones.add(AccelerometerLine.of(SARAH, T + 1 + i * GAP, 0, 0, 0).raw("x", "\"0.5\""));
    }
    for (int copy = 0; copy < 4; copy++) { // John's 4 moments on the partial device, written five times
      phone(JOHN, T + 3, 0, 4);
    }
    for (int i = 10; i < 14; i++) { // 4 more moments of John's device that are not valid readings
      steps.add(StepTrainerLine.of(T + 4 + i * GAP, JOHNS, 200).raw("distanceFromObject", "1.5"));
    }
    LandingFiles.write(lake.resolve("accelerometer/landing/phones.json"), phones);
    LandingFiles.write(lake.resolve("step_trainer/landing/devices.json"), steps);
  }

  @Test
  void readingsOfDevicesWhoseOwnerNeverConsentedStayOutWhateverTheirSerialNumberRecord() throws Exception {
    LakeRun.Result result = Lakehouse.run(LakeJobs.parseOptions("--lake=" + lake));

    assertTrue(result.report().reconciled(), result.report().toText());
    try (DuckDb duck = new DuckDb()) {
      String trusted = duck.source(lake, LakeTable.STEP_TRAINER_TRUSTED.path());
      assertEquals(
          List.of(List.of(SERIAL_2, "30"), List.of(JOHNS, "10")),
          duck.rows("SELECT serialNumber, count(*) FROM " + trusted + " GROUP BY 1 ORDER BY 2 DESC"));
      String curated = duck.source(lake, LakeTable.MACHINE_LEARNING_CURATED.path());
      // Santosh's 30 moments on his own device and John's 6: never Santosh's phone on Sarah's device.
      assertEquals(
          List.of(List.of(SERIAL_2, "30"), List.of(JOHNS, "6")),
          duck.rows("SELECT serialNumber, count(*) FROM " + curated + " GROUP BY 1 ORDER BY 2 DESC"));
    }
    RunReport.Devices devices = result.report().devices();
    assertEquals(new RunReport.Devices(7, 4, 1, 1, 1, 2, 2, 2, 1L, 2L), devices, devices.summary());
    assertEquals(70, result.report().table(LakeTable.STEP_TRAINER_TRUSTED).details().get("devicesNotOwnedByCurated"));
    assertTrue(result.report().toText().contains(
        "devices: serial-number bug: 1 serial numbers shared by 2 customer records; 7 devices: 4 attributed by their "
            + "readings (2 to curated customers), 3 without an owner (1 no phone, 1 no majority, 1 tie)"), result.report().toText());
  }

  @Test
  void ownershipBySerialNumberAdmitsTheNonConsentingOwnersDeviceAndLosesTheConsentingOnes() throws Exception {
    LakeRun.Result result = Lakehouse.run(LakeJobs.parseOptions("--lake=" + lake, "--deviceOwner=serialNumber"));

    assertTrue(result.report().reconciled(), result.report().toText());
    try (DuckDb duck = new DuckDb()) {
      assertEquals(
          List.of(List.of(SERIAL_1, "30")),
          duck.rows("SELECT serialNumber, count(*) FROM " + duck.source(lake, LakeTable.STEP_TRAINER_TRUSTED.path()) + " GROUP BY 1"));
      // Sarah's device paired with Santosh's phone at the 23 moments it recorded beside her.
      assertEquals(
          List.of(List.of(SERIAL_1, "23")),
          duck.rows("SELECT serialNumber, count(*) FROM " + duck.source(lake, LakeTable.MACHINE_LEARNING_CURATED.path()) + " GROUP BY 1"));
    }
    assertEquals("serialNumber", result.report().options().get("deviceOwner"));
    // The report still measures the bug: the devices are attributed the same way.
    assertEquals(4, result.report().devices().owned());
  }

  @Test
  void theZonePipelinesOneAfterAnotherWriteTheSameStepTables() throws Exception {
    Lakehouse.run(LakeJobs.parseOptions("--lake=" + lake));
    List<List<String>> together;
    List<List<String>> pairsTogether;
    try (DuckDb duck = new DuckDb()) {
      together = duck.rows("SELECT * FROM " + duck.source(lake, LakeTable.STEP_TRAINER_TRUSTED.path()) + " ORDER BY ALL");
      pairsTogether = duck.rows("SELECT * FROM " + duck.source(lake, LakeTable.MACHINE_LEARNING_CURATED.path()) + " ORDER BY ALL");
    }

    LakeRun.Result steps = StepTrainerTrusted.run(LakeJobs.parseOptions("--lake=" + lake));
    LakeRun.Result pairs = MachineLearningCurated.run(LakeJobs.parseOptions("--lake=" + lake));

    assertTrue(steps.report().reconciled() && pairs.report().reconciled());
    assertEquals(7, steps.report().devices().devices());
    assertEquals(null, steps.report().devices().sharedSerials(), "step_trainer_trusted reads no customer landing");
    try (DuckDb duck = new DuckDb()) {
      assertEquals(together, duck.rows("SELECT * FROM " + duck.source(lake, LakeTable.STEP_TRAINER_TRUSTED.path()) + " ORDER BY ALL"));
      assertEquals(
          pairsTogether, duck.rows("SELECT * FROM " + duck.source(lake, LakeTable.MACHINE_LEARNING_CURATED.path()) + " ORDER BY ALL"));
    }
  }

  @Test
  void anUnknownOwnershipRuleFailsBeforeTheLakeIsTouched() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Lakehouse.run(LakeJobs.parseOptions("--lake=" + lake, "--deviceOwner=serial")));
    assertTrue(e.getMessage().contains("--deviceOwner must be readings"), e.getMessage());
    assertTrue(!lake.resolve("_reports").toFile().exists());
  }
}
