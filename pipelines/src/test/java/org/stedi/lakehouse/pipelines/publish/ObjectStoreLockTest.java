package org.stedi.lakehouse.pipelines.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The object-store lock's protocol, through Beam's local file system (the same calls as on S3,
 * where {@code ConcurrentRunsTest} runs it between processes against a real S3 API server). Leases
 * lapse by running the contender's {@link StoreClock} ahead, not by waiting for them.
 */
class ObjectStoreLockTest {
  private static final Duration LEASE = Duration.ofSeconds(4);

  @TempDir Path lake;

  @BeforeAll
  static void fileSystems() {
    FileSystems.setDefaultPipelineOptions(PipelineOptionsFactory.create());
  }

  /** What a kill leaves: the entry of a run holding the lock, which nobody renews any more. */
  private void deadEntry(String run, Duration lease) throws Exception {
    Files.createDirectories(entry(run).getParent());
    Files.write(entry(run), ObjectStoreLock.toJson(new ObjectStoreLock.Holder(run, "host", "1", Instant.now(), lease, true)));
  }

  private ObjectStoreLock acquireLater(String run, Duration ahead) throws Exception {
    return ObjectStoreLock.acquire(lake.toString(), run, LEASE, StoreClockAhead.clock(ahead));
  }

  private Path entry(String run) {
    return lake.resolve(ObjectStoreLock.FOLDER).resolve(run);
  }

  @Test
  void aSecondRunIsRefusedWithTheHoldersRunIdAndStartUntilTheFirstReleases() throws Exception {
    try (ObjectStoreLock first = ObjectStoreLock.acquire(lake.toString(), "run1", LEASE)) {
      LakeBusyException refused =
          assertThrows(LakeBusyException.class, () -> ObjectStoreLock.acquire(lake.toString(), "run2", LEASE));
      assertTrue(refused.getMessage().startsWith("another run is using the lake " + lake), refused.getMessage());
      assertTrue(refused.getMessage().contains("run run1 on "), refused.getMessage());
      assertTrue(refused.getMessage().contains(", since 20"), refused.getMessage());
      assertEquals(1, refused.getMessage().lines().count());
      assertFalse(Files.exists(entry("run2")), "the refused run left its entry");
      first.checkHeld();
    }
    assertFalse(Files.exists(entry("run1")), "closing did not release the lock");
    ObjectStoreLock.acquire(lake.toString(), "run3", LEASE).close();
  }

  @Test
  void aLiveHoldersHeartbeatRenewsItsEntryWithinALease() throws Exception {
    try (ObjectStoreLock first = ObjectStoreLock.acquire(lake.toString(), "run1", LEASE);
        WatchService watch = lake.getFileSystem().newWatchService()) {
      entry("run1").getParent().register(watch, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_CREATE);
      // As if the holder had paused for two leases: a contender would now take the lock over.
      Instant aged = Instant.now().minus(LEASE.multipliedBy(2));
      Files.setLastModifiedTime(entry("run1"), FileTime.from(aged));

      long deadline = System.nanoTime() + LEASE.toNanos();
      while (Files.getLastModifiedTime(entry("run1")).toInstant().isBefore(aged.plus(LEASE))) {
        long left = deadline - System.nanoTime();
        WatchKey change = left > 0 ? watch.poll(left, TimeUnit.NANOSECONDS) : null;
        if (change == null) {
          throw new AssertionError("the heartbeat did not rewrite the holder's entry within one lease (" + LEASE + ")");
        }
        change.pollEvents();
        change.reset();
      }
      assertThrows(LakeBusyException.class, () -> ObjectStoreLock.acquire(lake.toString(), "run2", LEASE));
      first.checkHeld();
    }
  }

  @Test
  void theLockOfARunThatStoppedRenewingItIsTakenOverOnceItsLeaseHasPassed() throws Exception {
    deadEntry("dead", LEASE);

    assertThrows(LakeBusyException.class, () -> acquireLater("early", LEASE.minusSeconds(1)).close());
    assertTrue(Files.exists(entry("dead")), "an entry was removed before its lease had passed");
    try (ObjectStoreLock next = acquireLater("next", LEASE.plusSeconds(1))) {
      assertFalse(Files.exists(entry("dead")));
      next.checkHeld();
    }
  }

  @Test
  void anEntryLapsesUnderTheLeaseItRecordsNotUnderTheContenders() throws Exception {
    deadEntry("patient", LEASE.multipliedBy(3));

    assertThrows(LakeBusyException.class, () -> acquireLater("next", LEASE.multipliedBy(2)).close());
    acquireLater("later", LEASE.multipliedBy(3).plusSeconds(1)).close();
    assertFalse(Files.exists(entry("patient")));
  }

  @Test
  void anUnreadableEntryHoldsTheLockUntilItLapsesAndTheRefusalSaysWhy() throws Exception {
    Files.createDirectories(entry("garbled").getParent());
    Files.writeString(entry("garbled"), "{\"run\":\"garbled\",\"leaseMillis\":", StandardCharsets.UTF_8);

    LakeBusyException refused = assertThrows(LakeBusyException.class, () -> ObjectStoreLock.acquire(lake.toString(), "next", LEASE));
    assertTrue(
        refused.getMessage().contains("(run garbled, whose lock entry cannot be read: not a lock entry: "),
        refused.getMessage());
    assertEquals(1, refused.getMessage().lines().count(), refused.getMessage());
    acquireLater("later", LEASE.plusSeconds(1)).close();
    assertFalse(Files.exists(entry("garbled")));
  }

  @Test
  void lockEntriesKeepTheFormatThatEarlierVersionsWriteAndRead() throws Exception {
    String written =
        "{\"run\":\"20240601-080000-ab12\",\"host\":\"etl-1\",\"process\":\"4242\","
            + "\"since\":\"2024-06-01T08:00:00.123Z\",\"leaseMillis\":120000,\"state\":\"holding\"}";
    ObjectStoreLock.Holder holder =
        new ObjectStoreLock.Holder(
            "20240601-080000-ab12", "etl-1", "4242", Instant.parse("2024-06-01T08:00:00.123Z"), Duration.ofMinutes(2), true);
    assertEquals(written, new String(ObjectStoreLock.toJson(holder), StandardCharsets.UTF_8));
    assertEquals(holder, ObjectStoreLock.fromJson(written.getBytes(StandardCharsets.UTF_8)));

    ObjectStoreLock.Holder waiting =
        new ObjectStoreLock.Holder(holder.run(), holder.host(), holder.process(), holder.since(), holder.lease(), false);
    assertEquals(ObjectStoreLock.toJson(holder).length, ObjectStoreLock.toJson(waiting).length, "rewriting an entry changes its size");
    assertEquals(waiting, ObjectStoreLock.fromJson(ObjectStoreLock.toJson(waiting)));

    // Fields a later version may add are ignored; host, process and start may be missing.
    assertEquals(
        new ObjectStoreLock.Holder("r", "?", "?", Instant.EPOCH, Duration.ofSeconds(5), true),
        ObjectStoreLock.fromJson(
            "{\"run\":\"r\",\"leaseMillis\":5000,\"state\":\"holding\",\"owner\":{\"team\":\"x\"}}".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void anEntryWithoutItsRunOrLeaseOrWithABadStartIsNotAnEntry() {
    for (String content :
        List.of(
            "{\"host\":\"h\",\"leaseMillis\":5000}",
            "{\"run\":\"r\",\"state\":\"holding\"}",
            "{\"run\":\"r\",\"leaseMillis\":5000,\"since\":\"yesterday\"}",
            "null",
            "{\"run\":\"r\",\"leaseMillis\":\"long\"}",
            "[1]")) {
      IOException error =
          assertThrows(IOException.class, () -> ObjectStoreLock.fromJson(content.getBytes(StandardCharsets.UTF_8)), content);
      assertTrue(error.getMessage().startsWith("not a lock entry: "), error.getMessage());
    }
  }

  @Test
  void aRunWhoseLockWasTakenOverPublishesNothing() throws Exception {
    try (ObjectStoreLock paused = ObjectStoreLock.acquire(lake.toString(), "paused", LEASE)) {
      Files.delete(entry("paused")); // what a run that judged it dead does
      LakeBusyException lost = assertThrows(LakeBusyException.class, paused::checkHeld);
      assertTrue(lost.getMessage().contains("no longer holds the lock"), lost.getMessage());
    }
  }

  @Test
  void ofEightRunsStartingTogetherAtMostOneHoldsTheLockAtATime() throws Exception {
    int runs = 8;
    CountDownLatch start = new CountDownLatch(1);
    List<String> holders = java.util.Collections.synchronizedList(new ArrayList<>());
    int[] concurrent = new int[2]; // now, most
    ExecutorService pool = Executors.newFixedThreadPool(runs);
    List<Future<Boolean>> results = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      String run = "run" + i;
      Callable<Boolean> attempt =
          () -> {
            start.await();
            try (ObjectStoreLock lock = ObjectStoreLock.acquire(lake.toString(), run, LEASE)) {
              synchronized (concurrent) {
                concurrent[0]++;
                concurrent[1] = Math.max(concurrent[1], concurrent[0]);
              }
              holders.add(run);
              Thread.sleep(300);
              lock.checkHeld();
              synchronized (concurrent) {
                concurrent[0]--;
              }
              return true;
            } catch (LakeBusyException e) {
              return false;
            }
          };
      results.add(pool.submit(attempt));
    }
    start.countDown();
    int won = 0;
    for (Future<Boolean> result : results) {
      won += result.get(2, TimeUnit.MINUTES) ? 1 : 0;
    }
    pool.shutdown();
    assertTrue(won >= 1, "no run got the lock");
    assertEquals(1, concurrent[1], "two runs held the lock at once: " + holders);
  }
}
