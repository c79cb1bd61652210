package org.stedi.lakehouse.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.fixtures.generator.LakeGenerator;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.pipelines.publish.ObjectStoreLock;
import org.stedi.lakehouse.pipelines.publish.TablePublisher;

/**
 * The S3 server goes away in the middle of a run (the S3Proxy process is killed once the run is
 * writing its files): the run fails with one line after the AWS SDK's retries, the tables keep the
 * rows of the last good run, and once the server is back on the same storage, the next run (after
 * the dead run's lock lapses) cleans up and writes the new tables.
 */
class S3OutageTest {
  private static final double SCALE = 0.02;
  private static final long SEED = 17;
  private static final int LEASE_SECONDS = 4;
  private static final String LAKE = "s3://outage/lake";

  @Test
  void aRunWhoseServerDiesFailsClearlyAndTheNextRunAfterTheOutageCompletes(@TempDir Path buckets, @TempDir Path reference)
      throws Exception {
    // What the next run must write once the server is back, from a local lake with the same data.
    LakeGenerator.withAllDefects(SCALE, SEED).generate(reference);
    LandingChanges.addNewCustomerWithDevice(reference, "S3.Outage@test.com", "0b0b0b0b-1111-2222-3333-444444444444");
    Lakehouse.run(LakeRun.parseOptions("--lake=" + reference));
    Map<LakeTable, List<List<String>>> newTables = Tables.snapshot(reference);

    S3ProxyServer server = S3ProxyServer.start(buckets);
    Path onDisk = server.bucket("outage").resolve("lake");
    LakeGenerator.withAllDefects(SCALE, SEED).generate(onDisk);
    Lakehouse.run(options(server));
    Map<LakeTable, List<List<String>>> oldTables = Tables.snapshot(onDisk);
    for (LakeTable table : Tables.OUTPUTS) {
      assertNotEquals(oldTables.get(table), newTables.get(table), table + " must change for the test to see a mix");
    }
    LandingChanges.addNewCustomerWithDevice(onDisk, "S3.Outage@test.com", "0b0b0b0b-1111-2222-3333-444444444444");

    ExecutorService runner = Executors.newSingleThreadExecutor();
    LakeException failure;
    try {
      LakeOptions options = options(server);
      Future<LakeRun.Result> run = runner.submit(() -> Lakehouse.run(options));
      awaitFilesUnder(onDisk.resolve(TablePublisher.TEMPORARY), run);
      server.stop(); // the server dies while the run writes its tables
      long stopped = System.nanoTime();
      ExecutionException error = assertThrows(ExecutionException.class, () -> run.get(5, TimeUnit.MINUTES));
      System.out.printf(
          "the run failed %d ms after the server stopped: %s%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped),
          error.getCause().getMessage());
      failure = assertInstanceOf(LakeException.class, error.getCause());
    } finally {
      runner.shutdownNow();
      server.close();
    }
    assertEquals(1, failure.getMessage().lines().count(), "not one line: " + failure.getMessage());
    assertTrue(
        failure.getMessage().startsWith("lakehouse failed on the lake " + LAKE + ": S3 could not be reached, after the AWS SDK's retries: "),
        failure.getMessage());
    assertTrue(failure.getMessage().contains(server.endpoint().substring("http://".length())), "the error does not name the endpoint: " + failure.getMessage());
    assertTrue(failure.getMessage().endsWith("; the tables are unchanged"), failure.getMessage());
    assertEquals(oldTables, Tables.snapshot(onDisk), "the failed run changed a table");

    try (S3ProxyServer back = S3ProxyServer.start(buckets)) {
      assertEquals(oldTables, Tables.snapshot(onDisk));
      // The dead run could not release its lock; it lapses one lease after its last renewal.
      Thread.sleep(TimeUnit.SECONDS.toMillis(LEASE_SECONDS + 2));
      LakeRun.Result next = Lakehouse.run(options(back));
      assertTrue(next.report().reconciled(), next.report().toText());
      assertEquals(newTables, Tables.snapshot(onDisk));
      assertEquals(List.of(), hiddenLeftovers(onDisk), "the next run left the dead run's files behind");
    }
  }

  private static LakeOptions options(S3ProxyServer server) {
    List<String> args = new ArrayList<>(server.options());
    args.add("--lake=" + LAKE);
    args.add("--lockLeaseSeconds=" + LEASE_SECONDS);
    return LakeRun.parseOptions(args.toArray(String[]::new));
  }

  /** Waits until the run has written a file under {@code folder} (on the server's storage). */
  private static void awaitFilesUnder(Path folder, Future<?> run) throws Exception {
    while (true) {
      if (Files.isDirectory(folder)) {
        try (Stream<Path> files = Files.walk(folder)) {
          if (files.anyMatch(Files::isRegularFile)) {
            return;
          }
        }
      }
      if (run.isDone()) {
        run.get();
        throw new AssertionError("the run finished before it was seen writing");
      }
      Thread.sleep(10);
    }
  }

  /** Staging, scratch, journal and lock files left in the lake. */
  private static List<String> hiddenLeftovers(Path lake) throws Exception {
    List<String> left = new ArrayList<>();
    try (Stream<Path> files = Files.walk(lake)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String relative = lake.relativize(file).toString();
        if (relative.contains("_staging/")
            || relative.startsWith(TablePublisher.TEMPORARY + "/")
            || relative.startsWith("_publishing/")
            || relative.startsWith(ObjectStoreLock.FOLDER + "/")) {
          left.add(relative);
        }
      }
    }
    return left;
  }
}
