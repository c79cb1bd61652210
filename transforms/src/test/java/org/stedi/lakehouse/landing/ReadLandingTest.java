package org.stedi.lakehouse.landing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.testing.AccelerometerLine;
import org.stedi.lakehouse.testing.CustomerLine;
import org.stedi.lakehouse.testing.LandingFiles;
import org.stedi.lakehouse.testing.StepTrainerLine;
import org.stedi.lakehouse.model.AccelerometerReading;
import org.stedi.lakehouse.model.Customer;
import org.stedi.lakehouse.model.QuarantinedLine;
import org.stedi.lakehouse.model.Source;
import org.stedi.lakehouse.model.StepTrainerReading;

/** ReadLanding on the DirectRunner, over landing files written to a temporary folder. */
@ExtendWith(TestPipelineExtension.class)
class ReadLandingTest {
  private static final String EMAIL = "Santosh.Clayton@test.com";
  private static final String SERIAL = "50f7b4f3-7af5-4b07-a421-7b902c8d2b7c";
  private static final long TIME = 1655564444103L;

  @TempDir Path dir;

  /** What a quarantine entry must hold besides its file: the raw line and a part of the reason. */
  record Expected(Source source, String rawText, String reasonPart) implements Serializable {}

  private static AccelerometerLine readingLine(int i) {
    return AccelerometerLine.of(EMAIL, TIME + i, i, -i, 0.5 * i);
  }

  private static AccelerometerReading reading(int i) {
    return new AccelerometerReading(EMAIL, TIME + i, i, -i, 0.5 * i);
  }

  private String files() {
    return dir + "/*";
  }

  /**
   * Asserts that the failures are exactly the expected line numbers of one file, each with its
   * source, raw text and a reason containing the expected part.
   */
  private static void assertQuarantined(
      PCollection<QuarantinedLine> failures, String fileName, Map<Long, Expected> expected) {
    TreeMap<Long, Expected> byLine = new TreeMap<>(expected);
    PAssert.that(failures)
        .satisfies(
            actual -> {
              TreeMap<Long, QuarantinedLine> actualByLine = new TreeMap<>();
              for (QuarantinedLine line : actual) {
                assertNull(actualByLine.put(line.lineNumber(), line), "two entries for one line: " + line);
              }
              assertEquals(byLine.keySet(), actualByLine.keySet(), "quarantined line numbers");
              for (Map.Entry<Long, Expected> e : byLine.entrySet()) {
                QuarantinedLine line = actualByLine.get(e.getKey());
                assertTrue(line.file().endsWith("/" + fileName), "file of " + line);
                assertEquals(e.getValue().source(), line.source(), "source of " + line);
                assertEquals(e.getValue().rawText(), line.rawText(), "raw text of line " + e.getKey());
                assertTrue(
                    line.reason().contains(e.getValue().reasonPart()),
                    "reason of line " + e.getKey() + " should contain <" + e.getValue().reasonPart() + ">: "
                        + line.reason());
              }
              return null;
            });
  }

  private static long committed(PipelineResult result, String counter) {
    Iterable<MetricResult<Long>> counters =
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder().addNameFilter(MetricNameFilter.named(ReadLanding.class, counter)).build())
            .getCounters();
    long total = 0;
    int found = 0;
    for (MetricResult<Long> c : counters) {
      total += c.getCommitted();
      found++;
    }
    assertTrue(found > 0, "no counter " + counter);
    return total;
  }

  @Test
  void readsPlainAndGzipFilesOfAFolderTogether(TestPipeline pipeline) {
    LandingFiles.write(dir.resolve("part-0001.json"), List.of(readingLine(1), readingLine(2)));
    LandingFiles.writeGzip(dir.resolve("part-0002.json.gz"), List.of(readingLine(3), readingLine(4), readingLine(5)));

    LandingRecords<AccelerometerReading> result = pipeline.apply(ReadLanding.accelerometer().from(files()));

    PAssert.that(result.records()).containsInAnyOrder(reading(1), reading(2), reading(3), reading(4), reading(5));
    PAssert.that(result.failures()).empty();
    pipeline.run().waitUntilFinish();
  }

  @Test
  void leavesOutFilesAndFoldersWithHiddenNamesBelowTheLandingFolder(TestPipeline pipeline) {
    LandingFiles.write(dir.resolve("part-0001.json"), List.of(readingLine(1)));
    LandingFiles.write(dir.resolve("2022/06/part-0002.json"), List.of(readingLine(2)));
    LandingFiles.write(dir.resolve("_SUCCESS"), List.of("not data"));
    LandingFiles.write(dir.resolve(".part-0003.json.crc"), List.of(readingLine(3)));
    LandingFiles.write(dir.resolve("_temporary/0/part-0004.json"), List.of(readingLine(4)));
    LandingFiles.write(dir.resolve("2022/.staging/part-0005.json"), List.of(readingLine(5)));

    LandingRecords<AccelerometerReading> result = pipeline.apply(ReadLanding.accelerometer().from(dir + "/**"));

    PAssert.that(result.records()).containsInAnyOrder(reading(1), reading(2));
    PAssert.that(result.failures()).empty();
    pipeline.run().waitUntilFinish();
  }

  @Test
  void theBaseFolderOfAPatternIsWhatComesBeforeItsFirstWildcard() {
    assertEquals("s3://b/lake/customer/landing", ReadLanding.baseFolder("s3://b/lake/customer/landing/**"));
    assertEquals("/lake/_landing", ReadLanding.baseFolder("/lake/_landing/*.json"));
    assertEquals("/lake/landing", ReadLanding.baseFolder("/lake/landing/part-0001.json"));
  }

  @Test
  void readsCleanCustomerFileWithoutFailures(TestPipeline pipeline) {
    String specLine =
        "{\"customerName\": \"Santosh Clayton\", \"email\": \"Santosh.Clayton@test.com\", \"phone\": \"8015551212\", "
            + "\"birthDay\": \"1900-01-01\", \"serialNumber\": \"50f7b4f3-7af5-4b07-a421-7b902c8d2b7c\", "
            + "\"registrationDate\": 1655564376361, \"lastUpdateDate\": 1655564376361, "
            + "\"shareWithResearchAsOfDate\": 1655564376361, \"shareWithPublicAsOfDate\": 1655564376361, "
            + "\"shareWithFriendsAsOfDate\": 1655564376361}";
    LandingFiles.write(
        dir.resolve("customers.json"),
        List.of(specLine, CustomerLine.of("b@test.com", "s-2").withoutResearchConsent().raw("phone", "8015551213")));

    LandingRecords<Customer> result = pipeline.apply(ReadLanding.customers().from(files()));

    long at = 1655564376361L;
    PAssert.that(result.records())
        .containsInAnyOrder(
            new Customer("Santosh Clayton", EMAIL, "8015551212", "1900-01-01", SERIAL, at, at, at, at, at),
            new Customer("Santosh Clayton", "b@test.com", "8015551213", "1900-01-01", "s-2", at, at, null, at, at));
    PAssert.that(result.failures()).empty();
    pipeline.run().waitUntilFinish();
  }

  @Test
  void quarantinesMalformedAccelerometerLinesWithFileLineNumberRawTextAndReason(TestPipeline pipeline) {
    String truncated = "{\"user\":\"a@b.c\",\"timestamp\":16";
    String noX = readingLine(9).without("x").json();
    String textTimestamp = readingLine(9).set("timestamp", "abc").json();
    String twice = readingLine(9).json().replaceFirst("^\\{", "{\"y\":2.0,");
    List<Object> lines =
        List.of(
            readingLine(1), "", "hello", "[1,2]", readingLine(2), noX, "   ", textTimestamp, truncated, twice,
            readingLine(3));
    LandingFiles.write(dir.resolve("phone-2022-06-18.json"), lines);

    LandingRecords<AccelerometerReading> result = pipeline.apply(ReadLanding.accelerometer().from(files()));

    PAssert.that(result.records()).containsInAnyOrder(reading(1), reading(2), reading(3));
    Source a = Source.ACCELEROMETER;
    assertQuarantined(
        result.failures(),
        "phone-2022-06-18.json",
        Map.of(
            3L, new Expected(a, "hello", "malformed JSON"),
            4L, new Expected(a, "[1,2]", "not a JSON object"),
            6L, new Expected(a, noX, "required field 'x' is missing"),
            8L, new Expected(a, textTimestamp, "field 'timestamp' must be an integer"),
            9L, new Expected(a, truncated, "end-of-input"),
            10L, new Expected(a, twice, "field 'y' appears more than once")));
    pipeline.run().waitUntilFinish();
  }

  @Test
  void quarantinesMalformedCustomerLines(TestPipeline pipeline) {
    String numericEmail = CustomerLine.of("x", SERIAL).raw("email", "42").json();
    String noSerial = CustomerLine.of("c@test.com", SERIAL).without("serialNumber").json();
    String dateString = CustomerLine.of("d@test.com", SERIAL).set("registrationDate", "2022-01-01").json();
    String good = CustomerLine.of(EMAIL, SERIAL).raw("phone", "8015551212").json();
    String trailing = CustomerLine.of("e@test.com", SERIAL).json() + " x";
    LandingFiles.write(dir.resolve("customer-1.json"), List.of(numericEmail, "", good, noSerial, dateString, trailing));

    LandingRecords<Customer> result = pipeline.apply(ReadLanding.customers().from(files()));

    long at = 1655564376361L;
    PAssert.that(result.records())
        .containsInAnyOrder(
            new Customer("Santosh Clayton", EMAIL, "8015551212", "1900-01-01", SERIAL, at, at, at, at, at));
    Source c = Source.CUSTOMER;
    assertQuarantined(
        result.failures(),
        "customer-1.json",
        Map.of(
            1L, new Expected(c, numericEmail, "field 'email' must be a string"),
            4L, new Expected(c, noSerial, "required field 'serialNumber' is missing"),
            5L, new Expected(c, dateString, "field 'registrationDate' must be an integer"),
            6L, new Expected(c, trailing, "malformed JSON: Unrecognized token 'x'")));
    pipeline.run().waitUntilFinish();
  }

  @Test
  void quarantinesMalformedStepTrainerLinesOfAGzipFile(TestPipeline pipeline) {
    String decimal = StepTrainerLine.of(TIME, SERIAL, 1).raw("distanceFromObject", "1.5").json();
    String text = StepTrainerLine.of(TIME, SERIAL, 1).set("distanceFromObject", "123").json();
    String nullTime = StepTrainerLine.of(TIME, SERIAL, 1).set("sensorReadingTime", null).json();
    LandingFiles.writeGzip(
        dir.resolve("device.json.gz"), List.of(StepTrainerLine.of(TIME, SERIAL, 218), decimal, "\t", text, nullTime));

    LandingRecords<StepTrainerReading> result = pipeline.apply(ReadLanding.stepTrainer().from(files()));

    PAssert.that(result.records()).containsInAnyOrder(new StepTrainerReading(TIME, SERIAL, 218));
    Source s = Source.STEP_TRAINER;
    assertQuarantined(
        result.failures(),
        "device.json.gz",
        Map.of(
            2L, new Expected(s, decimal, "field 'distanceFromObject' must be an integer"),
            4L, new Expected(s, text, "field 'distanceFromObject' must be an integer, found a string"),
            5L, new Expected(s, nullTime, "required field 'sensorReadingTime' is null")));
    pipeline.run().waitUntilFinish();
  }

  @Test
  void keepsTheLinesBeforeTheDamageOfATruncatedGzipFile(TestPipeline pipeline) throws IOException {
    List<AccelerometerLine> lines = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      lines.add(readingLine(i));
    }
    Path file = LandingFiles.writeGzip(dir.resolve("big.json.gz"), lines);
    byte[] whole = Files.readAllBytes(file);
    byte[] cut = Arrays.copyOf(whole, whole.length * 2 / 3);
    LandingFiles.writeBytes(file, cut);
    int intact = completeLinesBeforeTheDamage(cut);
    assertTrue(intact > 0 && intact < lines.size(), "the cut should fall inside the data: " + intact);

    LandingRecords<AccelerometerReading> result = pipeline.apply(ReadLanding.accelerometer().from(files()));

    List<AccelerometerReading> expected = new ArrayList<>();
    for (int i = 0; i < intact; i++) {
      expected.add(reading(i));
    }
    PAssert.that(result.records()).containsInAnyOrder(expected);
    assertDamagedGzip(result.failures(), "big.json.gz", intact + 1);
    pipeline.run().waitUntilFinish();
  }

  @Test
  void quarantinesGzFileThatIsNotGzipAndReadsTheOtherFiles(TestPipeline pipeline) {
    LandingFiles.write(dir.resolve("plain.json.gz"), List.of(readingLine(1)));
    LandingFiles.write(dir.resolve("good.json"), List.of(readingLine(2)));

    LandingRecords<AccelerometerReading> result = pipeline.apply(ReadLanding.accelerometer().from(files()));

    PAssert.that(result.records()).containsInAnyOrder(reading(2));
    assertDamagedGzip(result.failures(), "plain.json.gz", 1);
    pipeline.run().waitUntilFinish();
  }

  /** The gzip bytes of the lines (each ending in a newline), as one gzip member. */
  private static byte[] gzipMember(List<AccelerometerLine> lines) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(bytes)) {
      for (AccelerometerLine line : lines) {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    return bytes.toByteArray();
  }

  @Test
  void quarantinesTextAppendedAfterTheGzipDataInsteadOfDroppingIt(TestPipeline pipeline) throws IOException {
    // java.util.zip.GZIPInputStream ends the stream silently at bytes that do not start another member.
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    file.write(gzipMember(List.of(readingLine(1), readingLine(2))));
    file.write((readingLine(3) + "\n" + readingLine(4) + "\n").getBytes(StandardCharsets.UTF_8));
    LandingFiles.writeBytes(dir.resolve("appended.json.gz"), file.toByteArray());

    LandingRecords<AccelerometerReading> result = pipeline.apply(ReadLanding.accelerometer().from(dir + "/**"));

    PAssert.that(result.records()).containsInAnyOrder(reading(1), reading(2));
    assertDamagedGzip(result.failures(), "appended.json.gz", 3);
    pipeline.run().waitUntilFinish();
  }

  @Test
  void readsEveryMemberOfAGzipFileAndQuarantinesADamagedLastMember(TestPipeline pipeline) throws IOException {
    byte[] third = gzipMember(List.of(readingLine(4), readingLine(5)));
    byte[] damagedThird = Arrays.copyOf(third, third.length);
    damagedThird[1] = 0; // no longer the gzip magic number
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    file.write(gzipMember(List.of(readingLine(1))));
    file.write(gzipMember(List.of(readingLine(2), readingLine(3))));
    file.write(damagedThird);
    LandingFiles.writeBytes(dir.resolve("members.json.gz"), file.toByteArray());

    LandingRecords<AccelerometerReading> result = pipeline.apply(ReadLanding.accelerometer().from(files()));

    PAssert.that(result.records()).containsInAnyOrder(reading(1), reading(2), reading(3));
    assertDamagedGzip(result.failures(), "members.json.gz", 4);
    pipeline.run().waitUntilFinish();
  }

  private static void assertDamagedGzip(PCollection<QuarantinedLine> failures, String fileName, long lineNumber) {
    PAssert.that(failures)
        .satisfies(
            actual -> {
              List<QuarantinedLine> all = new ArrayList<>();
              actual.forEach(all::add);
              assertEquals(1, all.size(), "one failure for the damaged file: " + all);
              QuarantinedLine damage = all.get(0);
              assertTrue(damage.file().endsWith("/" + fileName), damage.file());
              assertEquals(Source.ACCELEROMETER, damage.source());
              assertEquals(lineNumber, damage.lineNumber());
              assertEquals("", damage.rawText());
              assertTrue(damage.reason().startsWith("damaged gzip file"), damage.reason());
              assertTrue(damage.reason().contains("from line " + lineNumber + " on"), damage.reason());
              return null;
            });
  }

  /** An independent reading of a damaged gzip stream: the number of whole lines before the damage. */
  private static int completeLinesBeforeTheDamage(byte[] gzip) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
      in.transferTo(out);
      throw new AssertionError("the gzip stream should be damaged");
    } catch (EOFException expected) {
      // the stream ends early: out holds what could be decompressed
    }
    return (int) out.toString(StandardCharsets.UTF_8).chars().filter(c -> c == '\n').count();
  }

  @Test
  void readsNothingFromAnEmptyFolder(TestPipeline pipeline) {
    LandingRecords<StepTrainerReading> result = pipeline.apply(ReadLanding.stepTrainer().from(files()));

    PAssert.that(result.records()).empty();
    PAssert.that(result.failures()).empty();
    pipeline.run().waitUntilFinish();
  }

  @Test
  void parsesFileWithByteOrderMarkAndCrlfLineEnds(TestPipeline pipeline) {
    String text = "\uFEFF" + readingLine(1) + "\r\n\r\n" + readingLine(2) + "\r\n";
    LandingFiles.writeBytes(dir.resolve("windows.json"), text.getBytes(StandardCharsets.UTF_8));

    LandingRecords<AccelerometerReading> result = pipeline.apply(ReadLanding.accelerometer().from(dir + "/**"));

    PAssert.that(result.records()).containsInAnyOrder(reading(1), reading(2));
    PAssert.that(result.failures()).empty();
    pipeline.run().waitUntilFinish();
  }

  @Test
  void quarantinesLineLongerThanTheLimitWithItsHead(TestPipeline pipeline) {
    String longLine = readingLine(2).set("padding", "p".repeat(300)).json();
    LandingFiles.write(dir.resolve("long.json"), List.of(readingLine(1), longLine, readingLine(3)));

    LandingRecords<AccelerometerReading> result =
        pipeline.apply(ReadLanding.accelerometer().from(files()).withMaxLineBytes(100));

    PAssert.that(result.records()).containsInAnyOrder(reading(1), reading(3));
    assertQuarantined(
        result.failures(),
        "long.json",
        Map.of(
            2L,
            new Expected(Source.ACCELEROMETER, longLine.substring(0, 100), "longer than the limit of 100 bytes")));
    pipeline.run().waitUntilFinish();
  }

  @Test
  void countsNonBlankLinesRecordsAndQuarantinedLines(TestPipeline pipeline) {
    LandingFiles.write(
        dir.resolve("a.json"), List.of(readingLine(1), "", "hello", readingLine(2), "  ", readingLine(3)));
    LandingFiles.writeGzip(dir.resolve("b.json.gz"), List.of(readingLine(4), "[1,2]", "{\"user\":\"a@b.c\"}"));

    LandingRecords<AccelerometerReading> result = pipeline.apply(ReadLanding.accelerometer().from(files()));
    PAssert.that(result.records()).containsInAnyOrder(reading(1), reading(2), reading(3), reading(4));

    PipelineResult run = pipeline.run();
    run.waitUntilFinish();
    assertEquals(7, committed(run, "accelerometer_lines"));
    assertEquals(4, committed(run, "accelerometer_records"));
    assertEquals(3, committed(run, "accelerometer_quarantined"));
  }

  @Test
  void readsTheSameRecordsRejectedLinesAndCountsInTwoPassesAsInOne(TestPipeline pipeline) {
    String noX = readingLine(9).without("x").json();
    LandingFiles.write(dir.resolve("a.json"), List.of(readingLine(1), "", "hello", readingLine(2), noX, "[1,2]"));
    LandingFiles.writeGzip(dir.resolve("b.json.gz"), List.of(readingLine(3)));

    LandingRecords<AccelerometerReading> result =
        pipeline.apply(ReadLanding.accelerometer().from(files()).inTwoPasses());

    PAssert.that(result.records()).containsInAnyOrder(reading(1), reading(2), reading(3));
    Source a = Source.ACCELEROMETER;
    assertQuarantined(
        result.failures(),
        "a.json",
        Map.of(
            3L, new Expected(a, "hello", "malformed JSON"),
            5L, new Expected(a, noX, "required field 'x' is missing"),
            6L, new Expected(a, "[1,2]", "not a JSON object")));
    List<String> multiOutputSteps = new ArrayList<>();
    pipeline.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public void visitPrimitiveTransform(TransformHierarchy.Node node) {
            if (node.getOutputs().size() > 1) {
              multiOutputSteps.add(node.getFullName());
            }
          }
        });
    assertEquals(List.of(), multiOutputSteps, "a two-pass read has no step with two outputs");

    PipelineResult run = pipeline.run();
    run.waitUntilFinish();
    assertEquals(6, committed(run, "accelerometer_lines"), "each line counted once, not once per pass");
    assertEquals(3, committed(run, "accelerometer_records"));
    assertEquals(3, committed(run, "accelerometer_quarantined"));
  }
}
