package org.stedi.lakehouse.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.beam.sdk.io.FileSystems;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.generator.LakeGenerator;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.pipelines.publish.ObjectStoreLock;
import org.stedi.lakehouse.pipelines.publish.ObjectStorePublisher;
import org.stedi.lakehouse.pipelines.publish.StoreClockAhead;
import org.stedi.lakehouse.pipelines.publish.TablePublisher;
import org.stedi.lakehouse.pipelines.run.LakeException;
import org.stedi.lakehouse.pipelines.run.LakeRun;
import org.stedi.lakehouse.testing.S3ProxyServer;
import org.stedi.lakehouse.testing.LakeSnapshot;

/**
 * The S3 server goes away in the middle of a run (the S3Proxy process is killed once the run is
 * writing its files, or once it is copying them into the tables): the run fails with one line after
 * the AWS SDK's retries; the tables keep the rows of the last good run, or, if the publish had
 * begun, the next command on the lake completes it; once the server is back on the same storage and
 * the dead run's lock has lapsed, the next run cleans up and writes the new tables. Nothing waits
 * for the lease: the next run's clock runs ahead of the store's by more than it.
 */
class S3OutageTest {
  private static final double SCALE = 0.02;
  private static final long SEED = 17;
  private static final int LEASE_SECONDS = ObjectStorePublisher.DEFAULT_LEASE_SECONDS;
  private static final Duration MOMENT_DEADLINE = Duration.ofMinutes(5);
  private static final String LAKE = "s3://outage/lake";
  private static final String NEW_EMAIL = "S3.Outage@test.com";
  private static final String NEW_SERIAL = "0b0b0b0b-1111-2222-3333-444444444444";

  @TempDir static Path reference;
  private static LakeSnapshot newTables;

  @TempDir Path buckets;
  private Path onDisk;
  private LakeSnapshot oldTables;

  /** What the next run must write once the server is back, from a local lake with the same data. */
  @BeforeAll
  static void whatTheNextRunWrites() throws Exception {
    LakeGenerator.withAllDefects(SCALE, SEED).generate(reference);
    LandingChanges.addNewCustomerWithDevice(reference, NEW_EMAIL, NEW_SERIAL);
    Lakehouse.run(LakeJobs.parseOptions("--lake=" + reference));
    newTables = LakeSnapshot.of(reference);
  }

  @Test
  void aServerThatDiesWhileTheRunWritesItsTablesFailsItClearlyAndTheNextRunCompletes() throws Exception {
    LakeException failure = runUntilTheServerDies(lake -> anyFileUnder(lake.resolve(TablePublisher.TEMPORARY)));

    assertTrue(failure.getMessage().startsWith("lakehouse failed on the lake " + LAKE + ": S3 at http://"), failure.getMessage());
    assertTrue(failure.getMessage().contains(" could not be reached: "), failure.getMessage());
    assertTrue(failure.getMessage().endsWith("; the tables are unchanged"), failure.getMessage());
    assertEquals(oldTables, LakeSnapshot.of(onDisk), "the failed run changed a table");

    try (S3ProxyServer back = S3ProxyServer.start(buckets)) {
      assertEquals(oldTables, LakeSnapshot.of(onDisk));
      LakeRun.Result next;
      try (StoreClockAhead later = afterTheDeadRunsLease()) {
        next = Lakehouse.run(options(back));
      }
      assertTrue(next.report().reconciled(), next.report().toText());
      assertEquals(newTables, LakeSnapshot.of(onDisk));
      assertEquals(List.of(), hiddenLeftovers(onDisk), "the next run left the dead run's files behind");
    }
  }

  @Test
  void aServerThatDiesWhileTheRunPublishesLeavesAJournalThatTheNextCommandCompletes() throws Exception {
    LakeException failure = runUntilTheServerDies(S3OutageTest::copyingIntoTheTables);

    assertTrue(failure.getMessage().startsWith("lakehouse could not publish run "), failure.getMessage());
    assertTrue(failure.getMessage().contains(" could not be reached: "), failure.getMessage());
    assertTrue(failure.getMessage().contains("the next run on the lake " + LAKE + " completes the publish"), failure.getMessage());

    LakeSnapshot cutOff = LakeSnapshot.of(onDisk);
    long mixed = Lakehouse.JOB.outputs().stream().filter(t -> !cutOff.rows(t.path()).equals(oldTables.rows(t.path())) && !cutOff.rows(t.path()).equals(newTables.rows(t.path()))).count();
    System.out.println("tables showing files of both runs while the server was down: " + mixed);

    try (S3ProxyServer back = S3ProxyServer.start(buckets)) {
      // What every command does first on the lake: take the lock, complete the interrupted publish.
      FileSystems.setDefaultPipelineOptions(options(back)); // the server's new port
      try (StoreClockAhead later = afterTheDeadRunsLease()) {
        ObjectStorePublisher.open(LAKE, "next-command", Duration.ofSeconds(LEASE_SECONDS)).close();
      }
      assertEquals(newTables, LakeSnapshot.of(onDisk), "the interrupted publish was not completed");
      assertEquals(List.of(), hiddenLeftovers(onDisk), "the journal or the dead run's files are left");
      LakeRun.Result next = Lakehouse.run(options(back));
      assertTrue(next.report().reconciled(), next.report().toText());
      assertEquals(newTables, LakeSnapshot.of(onDisk));
    }
  }

  /**
   * Builds the lake on S3 with a good run, changes the landing data, starts the next run and stops
   * the server as soon as {@code moment} holds on its storage (at most {@link #MOMENT_DEADLINE}
   * after the run started); returns the run's failure, checked to be one line.
   */
  private LakeException runUntilTheServerDies(Predicate<Path> moment) throws Exception {
    S3ProxyServer server = S3ProxyServer.start(buckets);
    onDisk = server.bucket("outage").resolve("lake");
    LakeGenerator.withAllDefects(SCALE, SEED).generate(onDisk);
    Lakehouse.run(options(server));
    oldTables = LakeSnapshot.of(onDisk);
    for (LakeTable table : Lakehouse.JOB.outputs()) {
      assertNotEquals(oldTables.rows(table.path()), newTables.rows(table.path()), table + " must change for the test to see a mix");
    }
    LandingChanges.addNewCustomerWithDevice(onDisk, NEW_EMAIL, NEW_SERIAL);

    ExecutorService runner = Executors.newSingleThreadExecutor();
    try {
      LakeOptions options = options(server);
      Future<LakeRun.Result> run = runner.submit(() -> Lakehouse.run(options));
      long deadline = System.nanoTime() + MOMENT_DEADLINE.toNanos();
      while (!moment.test(onDisk)) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the moment to stop the server did not come within " + MOMENT_DEADLINE + " of the run's start");
        }
        try {
          run.get(5, TimeUnit.MILLISECONDS);
          throw new AssertionError("the run finished before the moment to stop the server came");
        } catch (TimeoutException stillRunning) {
          // look again
        }
      }
      server.stop();
      long stopped = System.nanoTime();
      ExecutionException error = assertThrows(ExecutionException.class, () -> run.get(5, TimeUnit.MINUTES));
      System.out.printf(
          "the run failed %d ms after the server stopped: %s%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped),
          error.getCause().getMessage());
      LakeException failure = assertInstanceOf(LakeException.class, error.getCause());
      assertEquals(1, failure.getMessage().lines().count(), "not one line: " + failure.getMessage());
      assertTrue(
          failure.getMessage().contains("S3 at " + server.endpoint() + " "),
          "the error does not name the endpoint: " + failure.getMessage());
      return failure;
    } finally {
      runner.shutdownNow();
      server.close();
    }
  }

  /**
   * The dead run could not release its lock; it lapses one lease after its last renewal. Until
   * closed, runs in this process read the store's time as that much later (and a little more, for
   * the store's last-modified times, which may count whole seconds).
   */
  private static StoreClockAhead afterTheDeadRunsLease() {
    return StoreClockAhead.by(Duration.ofSeconds(LEASE_SECONDS + 2));
  }

  /** A journal is written and the run's files are being copied into the table folders. */
  private static boolean copyingIntoTheTables(Path lake) {
    try {
      Path journals = lake.resolve("_publishing");
      if (!Files.isDirectory(journals)) {
        return false;
      }
      List<String> runs;
      try (Stream<Path> files = Files.list(journals)) {
        runs = files.map(p -> p.getFileName().toString()).toList();
      }
      for (String run : runs) {
        for (LakeTable table : Lakehouse.JOB.outputs()) {
          if (anyFileUnder(lake.resolve(table.path()), name -> name.startsWith("part-" + run + "-"))) {
            return true;
          }
        }
      }
      return false;
    } catch (IOException | UncheckedIOException e) {
      return false; // a file went away while it was listed
    }
  }

  private static boolean anyFileUnder(Path folder) {
    return anyFileUnder(folder, name -> true);
  }

  private static boolean anyFileUnder(Path folder, Predicate<String> name) {
    if (!Files.isDirectory(folder)) {
      return false;
    }
    try (Stream<Path> files = Files.walk(folder)) {
      return files.anyMatch(f -> Files.isRegularFile(f) && name.test(f.getFileName().toString()));
    } catch (IOException | UncheckedIOException e) {
      return false;
    }
  }

  private static LakeOptions options(S3ProxyServer server) {
    List<String> args = new ArrayList<>(server.options());
    args.add("--lake=" + LAKE);
    args.add("--lockLeaseSeconds=" + LEASE_SECONDS);
    return LakeJobs.parseOptions(args.toArray(String[]::new));
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
