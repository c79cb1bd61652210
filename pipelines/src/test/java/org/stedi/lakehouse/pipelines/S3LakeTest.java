package org.stedi.lakehouse.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.generator.ExpectedCounts;
import org.stedi.lakehouse.generator.LakeGenerator;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.pipelines.run.Lake;
import org.stedi.lakehouse.pipelines.run.LakeException;
import org.stedi.lakehouse.pipelines.run.LakeJob;
import org.stedi.lakehouse.pipelines.run.LakeRun;
import org.stedi.lakehouse.pipelines.tools.TableReader;
import org.stedi.lakehouse.testing.S3ProxyServer;
import org.stedi.lakehouse.testing.DuckDb;
import org.stedi.lakehouse.testing.LakeSnapshot;

/**
 * The lake on {@code s3://}, through Beam's AWS SDK v2 file system, against a real S3 API server
 * (S3Proxy) on 127.0.0.1: the same rows as a local run, clear failures, and publishing that leaves
 * whole tables.
 */
class S3LakeTest {
  private static final double SCALE = 0.1;
  private static final long SEED = 5;
  private static final String BUCKET = "stedi-test";

  @TempDir static Path buckets;
  @TempDir static Path localLake;
  private static S3ProxyServer server;
  private static Path s3LakeOnDisk;
  private static ExpectedCounts expected;
  private static LakeRun.Result s3Run;

  @BeforeAll
  static void runTheLakeLocallyAndOnS3() throws Exception {
    server = S3ProxyServer.start(buckets);
    s3LakeOnDisk = server.bucket(BUCKET).resolve("lake");
    expected = LakeGenerator.withAllDefects(SCALE, SEED).generate(s3LakeOnDisk);
    LakeGenerator.withAllDefects(SCALE, SEED).generate(localLake);

    Lakehouse.run(LakeJobs.parseOptions("--lake=" + localLake));
    s3Run = Lakehouse.run(s3Options("s3://" + BUCKET + "/lake"));
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private static LakeOptions s3Options(String lake, String... more) {
    List<String> args = new ArrayList<>(server.options());
    args.add("--lake=" + lake);
    args.addAll(List.of(more));
    return LakeJobs.parseOptions(args.toArray(String[]::new));
  }

  @Test
  void theLakehouseOnS3WritesTheSameRowsAsTheLocalRun() throws Exception {
    assertTrue(s3Run.report().reconciled(), s3Run.report().toText());
    assertEquals(LakeSnapshot.of(localLake), LakeSnapshot.of(s3LakeOnDisk));
    try (DuckDb duck = new DuckDb()) {
      assertEquals(expected.machineLearningCurated(), duck.count(s3LakeOnDisk, LakeTable.MACHINE_LEARNING_CURATED.path()));
      assertEquals(expected.accelerometerTrusted(), duck.count(s3LakeOnDisk, LakeTable.ACCELEROMETER_TRUSTED.path()));
    }
    try (Stream<Path> reports = Files.list(s3LakeOnDisk.resolve("_reports"))) {
      assertTrue(reports.anyMatch(p -> p.getFileName().toString().startsWith(s3Run.runId())));
    }
    try (Stream<Path> quarantine = Files.list(s3LakeOnDisk.resolve("accelerometer/quarantine"))) {
      long files = quarantine.filter(p -> p.toString().endsWith(".json")).count();
      assertTrue(files >= 1 && files <= 2, files + " quarantine files");
    }
  }

  @Test
  void zonePipelinesReadTheirInputTablesFromS3AndRewriteTheSameRows() throws Exception {
    LakeSnapshot before = LakeSnapshot.of(s3LakeOnDisk);
    for (LakeJob job : List.of(CustomerTrustedToCurated.JOB, MachineLearningCurated.JOB)) {
      LakeRun.Result result = LakeRun.run(job, s3Options("s3://" + BUCKET + "/lake"));
      assertTrue(result.report().reconciled(), result.report().toText());
    }
    assertEquals(before, LakeSnapshot.of(s3LakeOnDisk));
  }

  @Test
  void showReadsATableOnS3() {
    TableReader.Snapshot snapshot =
        TableReader.read(Lake.of("s3://" + BUCKET + "/lake"), LakeTable.STEP_TRAINER_TRUSTED, 3);
    assertEquals(expected.stepTrainerTrusted(), snapshot.rowCount());
    assertEquals(3, snapshot.rows().size());
  }

  @Test
  void aRerunOnS3ReplacesEveryTableAndLeavesNoFileOfTheOldRun() throws Exception {
    LakeSnapshot before = LakeSnapshot.of(s3LakeOnDisk);
    LakeRun.Result again = Lakehouse.run(s3Options("s3://" + BUCKET + "/lake"));
    assertTrue(again.report().reconciled());
    assertEquals(before, LakeSnapshot.of(s3LakeOnDisk));
    try (Stream<Path> files = Files.walk(s3LakeOnDisk)) {
      List<Path> parquet = files.filter(p -> p.toString().endsWith(".parquet")).toList();
      assertFalse(parquet.isEmpty());
      for (Path file : parquet) {
        assertTrue(file.getFileName().toString().contains(again.runId()), file + " is left over from an older run");
      }
    }
    assertFalse(Files.exists(s3LakeOnDisk.resolve("_publishing")) && Files.list(s3LakeOnDisk.resolve("_publishing")).findAny().isPresent());
  }

  @Test
  void aMissingBucketIsOneClearErrorThatPrintsNoSecret() {
    LakeException error =
        assertThrows(LakeException.class, () -> Lakehouse.run(s3Options("s3://no-such-bucket/lake")));
    assertTrue(error.getMessage().contains("cannot read the lake s3://no-such-bucket/lake"), error.getMessage());
    assertFalse(error.getMessage().contains(S3ProxyServer.CREDENTIAL), error.getMessage());
  }

  @Test
  void wrongCredentialsAreOneClearErrorThatPrintsNoSecret() {
    List<String> args = new ArrayList<>(server.options("not-the-secret"));
    args.add("--lake=s3://" + BUCKET + "/lake");
    LakeException error =
        assertThrows(LakeException.class, () -> Lakehouse.run(LakeJobs.parseOptions(args.toArray(String[]::new))));
    assertTrue(error.getMessage().startsWith("cannot read the lake s3://" + BUCKET + "/lake"), error.getMessage());
    assertTrue(error.getMessage().contains("credentials"), error.getMessage());
    assertFalse(error.getMessage().contains("not-the-secret"), error.getMessage());
  }

  @Test
  void anUnreachableEndpointIsOneClearError() throws Exception {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    List<String> args = new ArrayList<>(server.options());
    args.replaceAll(a -> a.startsWith("--endpoint=") ? "--endpoint=http://127.0.0.1:" + closedPort : a);
    args.add("--lake=s3://" + BUCKET + "/lake");
    LakeException error =
        assertThrows(LakeException.class, () -> Lakehouse.run(LakeJobs.parseOptions(args.toArray(String[]::new))));
    assertTrue(error.getMessage().startsWith("cannot read the lake s3://" + BUCKET + "/lake"), error.getMessage());
    assertTrue(error.getMessage().contains("--endpoint"), error.getMessage());
  }

  @Test
  void redactionMasksSecretsInCredentialJson() {
    String text = "--awsCredentialsProvider={\"@type\":\"StaticCredentialsProvider\",\"accessKeyId\":\"id\",\"secretAccessKey\":\"s3cr3t\"}";
    String redacted = LakeRun.redact(text);
    assertFalse(redacted.contains("s3cr3t"), redacted);
    assertTrue(redacted.contains("\"accessKeyId\":\"id\""), redacted);
  }
}
