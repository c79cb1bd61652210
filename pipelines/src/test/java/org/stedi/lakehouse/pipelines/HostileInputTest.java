package org.stedi.lakehouse.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.model.Source;
import org.stedi.lakehouse.pipelines.run.LakeRun;
import org.stedi.lakehouse.pipelines.run.RunReport;
import org.stedi.lakehouse.testing.DuckDb;
import org.stedi.lakehouse.testing.HostileInputs.ExpectedLine;
import org.stedi.lakehouse.testing.HostileInputs.HostileFile;
import org.stedi.lakehouse.testing.HostileInputs;
import org.stedi.lakehouse.testing.LakeInvariants;

/**
 * The whole lakehouse on the DirectRunner over the hostile-input corpus (the contract's section 5): every
 * line of every file becomes a record in its source's trusted table or a quarantine entry with its
 * file, line number, raw text and a specific reason; the run reconciles; no line is lost (lines
 * counted here, from the files' bytes); the privacy invariants still hold. The run must finish
 * within the class's timeout rather than crash or hang.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class HostileInputTest {
  private static final JsonFactory JSON = new JsonFactory();

  @TempDir static Path lake;
  private static List<HostileFile> files;
  private static LakeRun.Result run;

  /** A quarantine entry as written to the lake. */
  record Quarantined(String source, String file, long lineNumber, String rawText, String reason) {}

  @BeforeAll
  static void runTheLakehouseOnTheCorpus() {
    files = HostileInputs.write(lake);
    run = Lakehouse.run(LakeJobs.parseOptions("--lake=" + lake));
    System.out.print(run.report().toText());
    System.out.println(heapUse());
  }

  @Test
  void everyQuarantinedLineHasItsFileLineNumberRawTextAndASpecificReason() throws Exception {
    Map<String, Quarantined> entries = quarantineByFileAndLine();
    Set<String> expected = new TreeSet<>();
    for (HostileFile file : files) {
      for (ExpectedLine line : file.lines()) {
        if (line.isRecord()) {
          continue;
        }
        String where = file.path() + ":" + line.lineNumber();
        expected.add(where);
        Quarantined entry = entries.get(where);
        assertNotNull(entry, () -> "no quarantine entry for " + where + " (" + file.description() + ")");
        assertEquals(file.source(), entry.source(), where);
        assertTrue(
            entry.rawText().startsWith(line.rawHead()),
            () -> where + ": raw text should start with <" + abbreviate(line.rawHead()) + "> but is <"
                + abbreviate(entry.rawText()) + ">");
        assertFalse(entry.reason().isBlank(), where);
        if (line.reasonPart() != null) {
          assertTrue(
              entry.reason().contains(line.reasonPart()),
              () -> where + " (" + file.description() + "): the reason should contain <" + line.reasonPart()
                  + "> but is <" + entry.reason() + ">");
        }
      }
    }
    assertEquals(expected, new TreeSet<>(entries.keySet()), "quarantined lines");
  }

  @Test
  void everyRecordLineIsARowOfItsSourcesTrustedTable() throws Exception {
    Map<String, List<String>> expectedKeys = new HashMap<>();
    for (HostileFile file : files) {
      for (ExpectedLine line : file.lines()) {
        if (line.isRecord()) {
          expectedKeys.computeIfAbsent(file.source(), s -> new ArrayList<>()).add(line.recordKey());
        }
      }
    }
    try (DuckDb duck = new DuckDb()) {
      assertEquals(
          sorted(expectedKeys.get("customer")),
          column(duck, LakeTable.CUSTOMER_TRUSTED, "email"),
          "customer_trusted emails");
      assertEquals(
          sorted(expectedKeys.get("accelerometer")),
          column(duck, LakeTable.ACCELEROMETER_TRUSTED, "\"timestamp\""),
          "accelerometer_trusted times");
      assertEquals(
          sorted(expectedKeys.get("step_trainer")),
          column(duck, LakeTable.STEP_TRAINER_TRUSTED, "sensorReadingTime"),
          "step_trainer_trusted times");
      String names = duck.source(lake, LakeTable.CUSTOMER_TRUSTED.path());
      assertTrue(
          duck.queryLong("SELECT max(length(customerName)) FROM " + names) >= 10 << 20,
          "the 10 MB customer name is kept whole");
    }
  }

  @Test
  void noLineIsLostCountingTheLinesOfEveryFileFromItsBytes() throws Exception {
    Map<String, Quarantined> entries = quarantineByFileAndLine();
    Map<String, Set<String>> tableKeys = new HashMap<>();
    try (DuckDb duck = new DuckDb()) {
      tableKeys.put("customer", new HashSet<>(column(duck, LakeTable.CUSTOMER_TRUSTED, "email")));
      tableKeys.put("accelerometer", new HashSet<>(column(duck, LakeTable.ACCELEROMETER_TRUSTED, "\"timestamp\"")));
      tableKeys.put("step_trainer", new HashSet<>(column(duck, LakeTable.STEP_TRAINER_TRUSTED, "sensorReadingTime")));
    }
    long counted = 0;
    for (HostileFile file : files) {
      byte[] stored = Files.readAllBytes(lake.resolve(file.path()));
      boolean damaged = file.path().endsWith(".gz") && isDamagedRest(file.lines().get(file.lines().size() - 1));
      long lines = nonBlankLines(file.path().endsWith(".gz") ? gunzipWhatCanBeRead(stored) : stored);
      long accounted = 0;
      for (ExpectedLine line : file.lines()) {
        boolean found =
            line.isRecord()
                ? tableKeys.get(file.source()).contains(line.recordKey())
                : entries.containsKey(file.path() + ":" + line.lineNumber());
        assertTrue(found, file.path() + ":" + line.lineNumber() + " (" + file.description() + ") is lost");
        accounted++;
      }
      assertEquals(lines + (damaged ? 1 : 0), accounted, file.path() + ": non-blank lines counted from the bytes");
      counted += lines;
    }
    System.out.println(files.size() + " hostile files, " + counted + " non-blank lines read from their bytes");
  }

  @Test
  void theRunReconcilesAndCountsEveryLineOfEverySource() throws Exception {
    RunReport report = run.report();
    assertTrue(report.reconciled(), report.toText());
    Map<String, Quarantined> entries = quarantineByFileAndLine();
    for (LakeTable table : List.of(LakeTable.CUSTOMER_TRUSTED, LakeTable.ACCELEROMETER_TRUSTED, LakeTable.STEP_TRAINER_TRUSTED)) {
      String source = table.source().folder();
      long lines = files.stream().filter(f -> f.source().equals(source)).mapToLong(f -> f.lines().size()).sum();
      long quarantined = files.stream().filter(f -> f.source().equals(source)).mapToLong(HostileFile::quarantined).sum();
      RunReport.TableCounts counts = report.table(table);
      assertEquals(lines, counts.read(), table.tableName() + " read");
      assertEquals(quarantined, counts.quarantined(), table.tableName() + " quarantined");
      assertEquals(counts.read(), counts.written() + counts.filtered() + counts.quarantined(), table.tableName());
      assertEquals(
          quarantined, entries.values().stream().filter(e -> e.source().equals(source)).count(), source + " quarantine");
    }
    // Every good reading of the corpus is the owner's: a step trainer reading pairs with the phone
    // reading at its millisecond, if there is one.
    Set<String> phoneTimes = new HashSet<>();
    Set<String> stepTimes = new HashSet<>();
    for (HostileFile file : files) {
      for (ExpectedLine line : file.lines()) {
        if (line.isRecord() && file.source().equals("accelerometer")) {
          phoneTimes.add(line.recordKey());
        } else if (line.isRecord() && file.source().equals("step_trainer")) {
          stepTimes.add(line.recordKey());
        }
      }
    }
    stepTimes.retainAll(phoneTimes);
    assertTrue(stepTimes.size() > 1000, "most readings pair: " + stepTimes.size());
    assertEquals(stepTimes.size(), report.table(LakeTable.MACHINE_LEARNING_CURATED).written(), "pairs");
  }

  @Test
  void privacyInvariantsHoldOnHostileInput() throws Exception {
    List<String> violations = LakeInvariants.check(lake);
    assertTrue(violations.isEmpty(), String.join("\n", violations));
  }

  // ---- reading the lake back -------------------------------------------------------------------

  private static List<String> column(DuckDb duck, LakeTable table, String column) throws Exception {
    List<String> values = new ArrayList<>();
    for (List<String> row : duck.rows("SELECT " + column + " FROM " + duck.source(lake, table.path()) + " ORDER BY 1")) {
      values.add(row.get(0));
    }
    return sorted(values);
  }

  private static List<String> sorted(List<String> values) {
    List<String> copy = new ArrayList<>(values);
    copy.sort(null);
    return copy;
  }

  /** Every quarantine entry of the lake, by {@code <path under the lake>:<line number>}. */
  private static Map<String, Quarantined> quarantineByFileAndLine() throws IOException {
    Map<String, Quarantined> entries = new HashMap<>();
    String root = lake.toString() + "/";
    for (Source source : Source.values()) {
      Path folder = lake.resolve(source.quarantinePath());
      if (!Files.exists(folder)) {
        continue;
      }
      List<Path> parts;
      try (Stream<Path> list = Files.list(folder.toRealPath())) {
        parts = list.filter(f -> f.getFileName().toString().endsWith(".json")).toList();
      }
      for (Path part : parts) {
        try (BufferedReader reader = Files.newBufferedReader(part, StandardCharsets.UTF_8)) {
          for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.isBlank()) {
              continue;
            }
            Quarantined entry = parseEntry(line);
            String file = entry.file().startsWith(root) ? entry.file().substring(root.length()) : entry.file();
            if (entries.put(file + ":" + entry.lineNumber(), entry) != null) {
              fail("two quarantine entries for " + file + ":" + entry.lineNumber());
            }
          }
        }
      }
    }
    return entries;
  }

  private static Quarantined parseEntry(String line) throws IOException {
    Map<String, String> fields = new HashMap<>();
    try (JsonParser p = JSON.createParser(line)) {
      assertEquals(JsonToken.START_OBJECT, p.nextToken());
      for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
        p.nextToken();
        fields.put(field, p.getText());
      }
    }
    assertEquals(Set.of("source", "file", "lineNumber", "rawText", "reason"), fields.keySet(), abbreviate(line));
    return new Quarantined(
        fields.get("source"),
        fields.get("file"),
        Long.parseLong(fields.get("lineNumber")),
        fields.get("rawText"),
        fields.get("reason"));
  }

  // ---- counting lines from the bytes, as the contract's section 5 says ----------------------------------

  private static boolean isDamagedRest(ExpectedLine line) {
    return !line.isRecord() && line.rawHead().isEmpty();
  }

  /**
   * The non-blank lines of a file's bytes: lines end at {@code \n}, a {@code \r} before it and a
   * UTF-8 byte-order mark at the start of the file are not part of them, a line of spaces, tabs
   * and carriage returns is blank.
   */
  static long nonBlankLines(byte[] bytes) {
    int start = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF ? 3 : 0;
    long lines = 0;
    boolean blank = true;
    boolean empty = true;
    for (int i = start; i < bytes.length; i++) {
      byte b = bytes[i];
      if (b == '\n') {
        lines += blank ? 0 : 1;
        blank = true;
        empty = true;
      } else {
        empty = false;
        blank &= b == ' ' || b == '\t' || b == '\r';
      }
    }
    return lines + (empty || blank ? 0 : 1);
  }

  /** The whole lines that java.util.zip decompresses from a gzip file, up to any damage. */
  static byte[] gunzipWhatCanBeRead(byte[] gzip) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        out.write(buffer, 0, n);
      }
    } catch (IOException damaged) {
      // what was decompressed before the damage is in out
    }
    byte[] data = out.toByteArray();
    int end = data.length;
    while (end > 0 && data[end - 1] != '\n') {
      end--; // a line cut by the damage cannot be read
    }
    return java.util.Arrays.copyOf(data, end);
  }

  private static String abbreviate(String text) {
    return text.length() <= 300 ? text : text.substring(0, 300) + "… (" + text.length() + " chars)";
  }

  private static String heapUse() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return "heap: max " + (Runtime.getRuntime().maxMemory() >> 20) + " MB, peak of the pools " + (peak >> 20) + " MB";
  }
}
