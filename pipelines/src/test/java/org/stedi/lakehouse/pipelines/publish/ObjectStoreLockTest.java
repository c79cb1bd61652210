package org.stedi.lakehouse.pipelines.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
