package org.stedi.lakehouse.pipelines.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The object-store lock's protocol, through Beam's local file system (the same calls as on S3,
 * where {@code ConcurrentRunsTest} runs it between processes against a real S3 API server).
 */
class ObjectStoreLockTest {
  private static final Duration LEASE = Duration.ofSeconds(4);

  @TempDir Path lake;

  @BeforeAll
  static void fileSystems() {
    FileSystems.setDefaultPipelineOptions(PipelineOptionsFactory.create());
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
  void aLiveHolderKeepsTheLockForLongerThanItsLease() throws Exception {
    try (ObjectStoreLock first = ObjectStoreLock.acquire(lake.toString(), "run1", LEASE)) {
      Thread.sleep(LEASE.toMillis() * 2); // the heartbeat renews the entry meanwhile
      assertThrows(LakeBusyException.class, () -> ObjectStoreLock.acquire(lake.toString(), "run2", LEASE));
      first.checkHeld();
    }
  }

  @Test
  void theLockOfARunThatStoppedRenewingItIsTakenOverAfterItsLease() throws Exception {
    // What a kill leaves: the entry of a run holding the lock, last renewed longer ago than its lease.
    Files.createDirectories(entry("dead").getParent());
    Files.write(
        entry("dead"),
        ObjectStoreLock.toJson(new ObjectStoreLock.Holder("dead", "host", "1", Instant.now(), LEASE, true)));
    Files.setLastModifiedTime(entry("dead"), FileTime.from(Instant.now().minus(LEASE.multipliedBy(2))));

    try (ObjectStoreLock next = ObjectStoreLock.acquire(lake.toString(), "next", LEASE)) {
      assertFalse(Files.exists(entry("dead")));
      next.checkHeld();
    }
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
    Files.setLastModifiedTime(entry("garbled"), FileTime.from(Instant.now().minus(LEASE.multipliedBy(2))));
    ObjectStoreLock.acquire(lake.toString(), "later", LEASE).close();
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
      java.io.IOException error =
          assertThrows(java.io.IOException.class, () -> ObjectStoreLock.fromJson(content.getBytes(StandardCharsets.UTF_8)), content);
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
      won += result.get() ? 1 : 0;
    }
    pool.shutdown();
    assertTrue(won >= 1, "no run got the lock");
    assertEquals(1, concurrent[1], "two runs held the lock at once: " + holders);
  }
}
