package org.stedi.lakehouse.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.stedi.lakehouse.testing.Stedi.EXERCISE_TIME;
import static org.stedi.lakehouse.testing.Stedi.FRANK;
import static org.stedi.lakehouse.testing.Stedi.SANTOSH;
import static org.stedi.lakehouse.testing.Stedi.SARAH;
import static org.stedi.lakehouse.testing.Stedi.SERIAL_1;
import static org.stedi.lakehouse.testing.Stedi.SERIAL_2;
import static org.stedi.lakehouse.testing.Stedi.SERIAL_3;
import static org.stedi.lakehouse.testing.Stedi.UNKNOWN_SERIAL;
import static org.stedi.lakehouse.testing.Stedi.consenting;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.testing.AccelerometerLine;
import org.stedi.lakehouse.testing.LakeInvariants;
import org.stedi.lakehouse.testing.LandingFiles;
import org.stedi.lakehouse.testing.StepTrainerLine;

/**
 * The privacy-invariant checker on hand-made lakes (landing lines and Parquet written by DuckDB, no
 * lakehouse run): silent on a lake that keeps the rules, and naming each rule a lake breaks. The
 * device ownership the checker decides from the landing readings (the contract's section 7) is shown to
 * matter: a device's owner by the readings overrules the serial numbers of customer records, a
 * device without an owner is named, and invalid or repeated landing lines add no evidence.
 */
class LakeInvariantsTest {
  private static final long CONSENT = 1655564376361L;
  private static final long UPDATED = 1655564376361L;

  /** Santosh's exercise: his step trainer (SERIAL_1) and his phone record at these milliseconds. */
  private static final long T0 = EXERCISE_TIME;
  private static final long T1 = EXERCISE_TIME + 20;
  private static final long T2 = EXERCISE_TIME + 40;
  /** Sarah's exercise, a minute later: her step trainer (SERIAL_2) and her phone. */
  private static final long SARAH_TIME = EXERCISE_TIME + 60_000;
  /** Frank's phone, on its own, two minutes later. */
  private static final long FRANK_TIME = EXERCISE_TIME + 120_000;

  @TempDir Path dir;

  /**
   * A lake that keeps every rule: Santosh consents and owns SERIAL_1 by the readings (his phone at
   * each of its three reading times); Sarah, who does not consent, owns SERIAL_2. The step trainer
   * landing file is gzip: without its readings SERIAL_1 would have no owner, and the lake would
   * not be silent.
   */
  private static HandMadeLake goodLake() {
    HandMadeLake lake = new HandMadeLake();
    lake.landing("customer/landing/customers.json",
        consenting(SANTOSH, SERIAL_1), consenting(SARAH, SERIAL_2).withoutResearchConsent());
    lake.landing("accelerometer/landing/accelerometer.json",
        AccelerometerLine.of(SANTOSH, T0, 1, 2, 3), AccelerometerLine.of(SANTOSH, T1, 1, 2, 4),
        AccelerometerLine.of(SANTOSH, T2, 1, 2, 5), AccelerometerLine.of(SARAH, SARAH_TIME, 7, 8, 9));
    lake.landing("step_trainer/landing/step_trainer.json.gz",
        StepTrainerLine.of(T0, SERIAL_1, 218), StepTrainerLine.of(T1, SERIAL_1, 219),
        StepTrainerLine.of(T2, SERIAL_1, 220), StepTrainerLine.of(SARAH_TIME, SERIAL_2, 200));
    lake.rows("customer/trusted", customer(SANTOSH, SERIAL_1));
    lake.rows("customer/curated", customer(SANTOSH, SERIAL_1));
    lake.rows("accelerometer/trusted", phone(SANTOSH, T0, 1, 2, 3), phone(SANTOSH, T1, 1, 2, 4), phone(SANTOSH, T2, 1, 2, 5));
    lake.rows("step_trainer/trusted", step(T0, SERIAL_1, 218), step(T1, SERIAL_1, 219), step(T2, SERIAL_1, 220));
    lake.rows("step_trainer/curated",
        pair(T0, SERIAL_1, 218, 1, 2, 3), pair(T1, SERIAL_1, 219, 1, 2, 4), pair(T2, SERIAL_1, 220, 1, 2, 5));
    return lake;
  }

  /** Adds Frank: a consenting customer with the given serial number and one phone reading. */
  private static void addFrank(HandMadeLake lake, String serialNumber, long time, double x, double y, double z) {
    lake.landing("customer/landing/frank.json", consenting(FRANK, serialNumber));
    lake.landing("accelerometer/landing/frank.json", AccelerometerLine.of(FRANK, time, x, y, z));
    lake.rows("customer/trusted", customer(FRANK, serialNumber));
    lake.rows("customer/curated", customer(FRANK, serialNumber));
    lake.rows("accelerometer/trusted", phone(FRANK, time, x, y, z));
  }

  private static final String OWNER_RULE =
      "readings in step_trainer_trusted or machine_learning_curated of a device whose owner by the readings";
  private static final String PAIRING_RULE =
      "machine_learning_curated rows without an accelerometer_trusted reading at their millisecond of the owner";

  private static void assertViolated(List<String> violations, String invariant) {
    assertEquals(1, violations.size(), violations.toString());
    assertTrue(violations.get(0).contains(invariant), violations.toString());
  }

  private Path folder(String name) {
    return dir.resolve(name);
  }

  @Test
  void findsNothingWrongWithALakeThatKeepsTheRules() throws Exception {
    assertEquals(List.of(), goodLake().check(folder("good")));
  }

  @Test
  void namesACustomerTrustedRowWhoseCurrentRecordDoesNotConsent() throws Exception {
    HandMadeLake lake = goodLake();
    lake.rows("customer/trusted", customer(SARAH, SERIAL_2));
    assertViolated(lake.check(folder("lake")), "customer_trusted rows that are not the current, consenting landing record");
  }

  @Test
  void namesAReadingOfAnEmailOutsideCustomerTrustedWrittenInAnotherCase() throws Exception {
    HandMadeLake lake = goodLake();
    lake.rows("accelerometer/trusted", phone(" " + SARAH.toUpperCase(Locale.ROOT), SARAH_TIME, 7, 8, 9));
    assertViolated(lake.check(folder("lake")), "accelerometer_trusted users outside customer_trusted");
  }

  @Test
  void namesReadingsOfADeviceWhoseOwnerByTheReadingsDoesNotConsent() throws Exception {
    // The serial-number bug: Frank consents and his record carries SERIAL_2, Sarah's device. A join
    // on serial number keeps its readings; the readings say they are Sarah's.
    HandMadeLake lake = goodLake();
    addFrank(lake, SERIAL_2, FRANK_TIME, 4, 5, 6);
    lake.rows("step_trainer/trusted", step(SARAH_TIME, SERIAL_2, 200));
    List<String> violations = lake.check(folder("lake"));
    assertViolated(violations, OWNER_RULE);
    assertTrue(violations.get(0).contains(SERIAL_2 + ", " + SARAH_TIME + ", " + SARAH.toLowerCase(Locale.ROOT)),
        violations.toString());
  }

  @Test
  void namesAMachineLearningRowOfADeviceWhoseOwnerIsNotCurated() throws Exception {
    HandMadeLake lake = goodLake();
    lake.rows("step_trainer/curated", pair(SARAH_TIME, SERIAL_2, 200, 7, 8, 9));
    List<String> violations = lake.check(folder("lake"));
    assertTrue(violations.stream().anyMatch(v -> v.contains(OWNER_RULE) && v.contains("machine_learning_curated, "
        + SERIAL_2)), violations.toString());
  }

  @Test
  void namesReadingsOfADeviceTiedBetweenTwoPhones() throws Exception {
    // Santosh's and Sarah's phones both record at each reading of SERIAL_3. Sarah's readings count,
    // though she does not consent: without them, the device would be Santosh's.
    long t = EXERCISE_TIME + 180_000;
    HandMadeLake lake = goodLake();
    lake.landing("step_trainer/landing/serial3.json", StepTrainerLine.of(t, SERIAL_3, 100), StepTrainerLine.of(t + 20, SERIAL_3, 101));
    lake.landing("accelerometer/landing/serial3.json",
        AccelerometerLine.of(SANTOSH, t, 1, 1, 1), AccelerometerLine.of(SANTOSH, t + 20, 1, 1, 1),
        AccelerometerLine.of(SARAH, t, 2, 2, 2), AccelerometerLine.of(SARAH, t + 20, 2, 2, 2));
    lake.rows("step_trainer/trusted", step(t, SERIAL_3, 100), step(t + 20, SERIAL_3, 101));
    List<String> violations = lake.check(folder("lake"));
    assertEquals(1, violations.size(), violations.toString());
    assertNamedWithoutOwner(violations, SERIAL_3);
  }

  @Test
  void namesReadingsOfADeviceThatNoPhoneRecordedWith() throws Exception {
    HandMadeLake lake = goodLake();
    lake.landing("step_trainer/landing/unknown.json", StepTrainerLine.of(FRANK_TIME, UNKNOWN_SERIAL, 100));
    lake.rows("step_trainer/trusted", step(FRANK_TIME, UNKNOWN_SERIAL, 100));
    List<String> violations = lake.check(folder("lake"));
    assertEquals(1, violations.size(), violations.toString());
    assertNamedWithoutOwner(violations, UNKNOWN_SERIAL);
  }

  @Test
  void namesReadingsOfADeviceWhosePhoneRecordedAtOnlyHalfItsReadings() throws Exception {
    long t = EXERCISE_TIME + 180_000;
    HandMadeLake lake = goodLake();
    lake.landing("step_trainer/landing/serial3.json", StepTrainerLine.of(t, SERIAL_3, 100), StepTrainerLine.of(t + 20, SERIAL_3, 101));
    lake.landing("accelerometer/landing/serial3.json", AccelerometerLine.of(SANTOSH, t, 1, 1, 1));
    lake.rows("step_trainer/trusted", step(t, SERIAL_3, 100));
    List<String> violations = lake.check(folder("lake"));
    assertEquals(1, violations.size(), violations.toString());
    assertNamedWithoutOwner(violations, SERIAL_3);
  }

  /** Asserts that the ownership rule names readings of the device as having no owner. */
  private static void assertNamedWithoutOwner(List<String> violations, String serialNumber) {
    assertTrue(
        violations.stream().anyMatch(v -> v.contains(OWNER_RULE) && v.contains(serialNumber) && v.contains("no owner")),
        violations.toString());
  }

  @Test
  void namesAStepTrainerReadingWrittenTwice() throws Exception {
    HandMadeLake lake = goodLake();
    lake.rows("step_trainer/trusted", step(T0, SERIAL_1, 218));
    assertViolated(lake.check(folder("lake")), "step_trainer_trusted readings written more than once");
  }

  @Test
  void namesAPersonalColumnInMachineLearningCurated() throws Exception {
    HandMadeLake lake = goodLake();
    lake.replaceRows("step_trainer/curated", pair(T0, SERIAL_1, 218, 1, 2, 3) + ", '" + SANTOSH + "' AS email");
    assertViolated(lake.check(folder("lake")), "machine_learning_curated has columns beyond the six allowed: [email]");
  }

  @Test
  void namesAMachineLearningRowWithoutAPhoneReadingAtItsMillisecond() throws Exception {
    HandMadeLake lake = goodLake();
    lake.rows("step_trainer/curated", pair(T0, SERIAL_1, 218, 4, 5, 6));
    assertViolated(lake.check(folder("lake")), PAIRING_RULE);
  }

  @Test
  void namesAMachineLearningRowThatPairsADeviceWithAnotherCustomersPhone() throws Exception {
    // Frank consents and his phone records at T0, as Santosh's step trainer does: pairing on the
    // millisecond alone joins them. SERIAL_1 stays Santosh's (three reading times against one).
    HandMadeLake lake = goodLake();
    addFrank(lake, SERIAL_3, T0, 4, 5, 6);
    lake.rows("step_trainer/curated", pair(T0, SERIAL_1, 218, 4, 5, 6));
    assertViolated(lake.check(folder("lake")), PAIRING_RULE);
  }

  // ---- invalid landing lines -------------------------------------------------------------------

  @Test
  void invalidPhoneReadingsAddNoEvidence() throws Exception {
    // Valid, Sarah's readings at Santosh's three reading times tie SERIAL_1: it has no owner.
    HandMadeLake tied = goodLake();
    tied.landing("accelerometer/landing/sarah.json", sarahAt(T0), sarahAt(T1), sarahAt(T2));
    assertNamedWithoutOwner(tied.check(folder("valid")), SERIAL_1);

    Map<String, List<Object>> invalid = new LinkedHashMap<>();
    invalid.put("x as a string", linesAtSantoshsTimes(t -> sarahAt(t).set("x", "1.0")));
    invalid.put("timestamp as a decimal number", linesAtSantoshsTimes(t -> sarahAt(t).raw("timestamp", t + ".0")));
    invalid.put("timestamp as a string", linesAtSantoshsTimes(t -> sarahAt(t).set("timestamp", Long.toString(t))));
    invalid.put("y null", linesAtSantoshsTimes(t -> sarahAt(t).set("y", null)));
    invalid.put("z missing", linesAtSantoshsTimes(t -> sarahAt(t).without("z")));
    invalid.put("x beyond a double", linesAtSantoshsTimes(t -> sarahAt(t).raw("x", "1e999")));
    invalid.put("user given twice", linesAtSantoshsTimes(t -> sarahAt(t).json().replace("}", ",\"user\":\"" + SARAH + "\"}")));
    invalid.put("two objects on a line", linesAtSantoshsTimes(t -> sarahAt(t).json() + " {}"));
    invalid.put("not UTF-8", linesAtSantoshsTimes(t -> notUtf8(sarahAt(t).json())));
    assertSilentWithEach(invalid, "accelerometer/landing/sarah.json");
  }

  @Test
  void invalidStepTrainerReadingsAddNoReadingTimes() throws Exception {
    // Valid, three more readings of SERIAL_1 without a phone leave Santosh's three of six reading
    // times: no majority, no owner.
    List<Long> times = List.of(T2 + 20, T2 + 40, T2 + 60);
    HandMadeLake diluted = goodLake();
    diluted.landing("step_trainer/landing/more.json",
        times.stream().map(t -> (Object) StepTrainerLine.of(t, SERIAL_1, 221)).toList());
    assertNamedWithoutOwner(diluted.check(folder("valid")), SERIAL_1);

    Map<String, List<Object>> invalid = new LinkedHashMap<>();
    invalid.put("distanceFromObject as a decimal number",
        times.stream().map(t -> (Object) StepTrainerLine.of(t, SERIAL_1, 221).raw("distanceFromObject", "221.5")).toList());
    invalid.put("distanceFromObject as a string",
        times.stream().map(t -> (Object) StepTrainerLine.of(t, SERIAL_1, 221).set("distanceFromObject", "221")).toList());
    invalid.put("distanceFromObject missing",
        times.stream().map(t -> (Object) StepTrainerLine.of(t, SERIAL_1, 221).without("distanceFromObject")).toList());
    invalid.put("sensorReadingTime as a decimal number",
        times.stream().map(t -> (Object) StepTrainerLine.of(t, SERIAL_1, 221).raw("sensorReadingTime", Double.toString(t)))
            .toList());
    invalid.put("serialNumber given twice", times.stream()
        .map(t -> (Object) StepTrainerLine.of(t, SERIAL_1, 221).json().replace("}", ",\"serialNumber\":\"" + SERIAL_1 + "\"}"))
        .toList());
    invalid.put("an array, not an object",
        times.stream().map(t -> (Object) ("[" + StepTrainerLine.of(t, SERIAL_1, 221).json() + "]")).toList());
    assertSilentWithEach(invalid, "step_trainer/landing/more.json");
  }

  @Test
  void exactDuplicateLinesAddNoEvidenceAndNoReadingTimes() throws Exception {
    Map<String, List<Object>> duplicates = new LinkedHashMap<>();
    // Counted line by line, Sarah's five identical readings would outweigh Santosh's three.
    duplicates.put("accelerometer/landing/sarah.json", List.of(sarahAt(T0), sarahAt(T0), sarahAt(T0), sarahAt(T0), sarahAt(T0)));
    // Counted line by line, one reading without a phone sent three times would leave Santosh's
    // three readings no majority.
    StepTrainerLine alone = StepTrainerLine.of(T2 + 20, SERIAL_1, 221);
    duplicates.put("step_trainer/landing/more.json", List.of(alone, alone, alone));
    for (Map.Entry<String, List<Object>> file : duplicates.entrySet()) {
      HandMadeLake lake = goodLake();
      lake.landing(file.getKey(), file.getValue());
      assertEquals(List.of(), lake.check(folder(file.getKey().replace('/', '-'))), file.getKey());
    }
  }

  private static AccelerometerLine sarahAt(long time) {
    return AccelerometerLine.of(SARAH, time, 7, 8, 9);
  }

  private static List<Object> linesAtSantoshsTimes(java.util.function.LongFunction<Object> line) {
    return List.of(line.apply(T0), line.apply(T1), line.apply(T2));
  }

  /** The line's bytes with an ill-formed UTF-8 byte in an unknown field. */
  private static byte[] notUtf8(String json) {
    byte[] head = json.substring(0, json.length() - 1).getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes(head);
    bytes.writeBytes(",\"note\":\"".getBytes(StandardCharsets.UTF_8));
    bytes.write(0xFF);
    bytes.writeBytes("\"}".getBytes(StandardCharsets.UTF_8));
    return bytes.toByteArray();
  }

  /** For each named set of lines: the good lake with those lines in {@code file} is silent. */
  private void assertSilentWithEach(Map<String, List<Object>> variants, String file) throws Exception {
    int n = 0;
    for (Map.Entry<String, List<Object>> variant : variants.entrySet()) {
      HandMadeLake lake = goodLake();
      lake.landing(file, variant.getValue());
      assertEquals(List.of(), lake.check(folder("invalid-" + n++)), variant.getKey());
    }
  }

  // ---- rows of the Parquet tables --------------------------------------------------------------

  private static String customer(String email, String serialNumber) {
    return "SELECT '" + email + "' AS email, '" + serialNumber + "' AS serialNumber, " + UPDATED
        + "::BIGINT AS lastUpdateDate, " + CONSENT + "::BIGINT AS shareWithResearchAsOfDate";
  }

  private static String phone(String user, long time, double x, double y, double z) {
    return "SELECT '" + user + "' AS \"user\", " + time + "::BIGINT AS \"timestamp\", " + x + "::DOUBLE AS x, "
        + y + "::DOUBLE AS y, " + z + "::DOUBLE AS z";
  }

  private static String step(long time, String serialNumber, long distance) {
    return "SELECT " + time + "::BIGINT AS sensorReadingTime, '" + serialNumber + "' AS serialNumber, "
        + distance + "::BIGINT AS distanceFromObject";
  }

  private static String pair(long time, String serialNumber, long distance, double x, double y, double z) {
    return step(time, serialNumber, distance) + ", " + x + "::DOUBLE AS x, " + y + "::DOUBLE AS y, " + z + "::DOUBLE AS z";
  }

  /**
   * A lake under construction: landing files (lines: builders, strings or raw bytes; a name ending
   * in {@code .gz} is written gzip) and Parquet tables (each the UNION ALL of its row SELECTs).
   */
  private static final class HandMadeLake {
    private final Map<String, List<Object>> landing = new LinkedHashMap<>();
    private final Map<String, List<String>> tables = new LinkedHashMap<>();

    void landing(String file, Object... lines) {
      landing(file, List.of(lines));
    }

    void landing(String file, List<?> lines) {
      landing.computeIfAbsent(file, f -> new ArrayList<>()).addAll(lines);
    }

    void rows(String table, String... selects) {
      tables.computeIfAbsent(table, t -> new ArrayList<>()).addAll(List.of(selects));
    }

    void replaceRows(String table, String... selects) {
      tables.put(table, new ArrayList<>(List.of(selects)));
    }

    /** Writes the lake under {@code root} and checks it. */
    List<String> check(Path root) throws Exception {
      for (Map.Entry<String, List<Object>> file : landing.entrySet()) {
        Path path = root.resolve(file.getKey());
        if (file.getKey().endsWith(".gz")) {
          LandingFiles.writeGzip(path, file.getValue());
        } else {
          ByteArrayOutputStream bytes = new ByteArrayOutputStream();
          for (Object line : file.getValue()) {
            bytes.writeBytes(line instanceof byte[] raw ? raw : line.toString().getBytes(StandardCharsets.UTF_8));
            bytes.write('\n');
          }
          LandingFiles.writeBytes(path, bytes.toByteArray());
        }
      }
      try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
          Statement statement = db.createStatement()) {
        for (Map.Entry<String, List<String>> table : tables.entrySet()) {
          Path folder = Files.createDirectories(root.resolve(table.getKey()));
          statement.execute("COPY (" + String.join(" UNION ALL ", table.getValue()) + ") TO '"
              + folder.resolve("part-00000.parquet") + "' (FORMAT PARQUET)");
        }
      }
      return LakeInvariants.check(root);
    }
  }
}
