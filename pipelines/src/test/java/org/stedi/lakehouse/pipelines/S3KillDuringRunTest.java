package org.stedi.lakehouse.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.generator.LakeGenerator;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.pipelines.publish.ObjectStorePublisher;
import org.stedi.lakehouse.pipelines.publish.StoreClockAhead;
import org.stedi.lakehouse.pipelines.run.LakeRun;
import org.stedi.lakehouse.testing.S3ProxyServer;
import org.stedi.lakehouse.testing.LakeSnapshot;

/**
 * Kills a lakehouse run on S3 (a separate process, SIGKILL at a random moment) and checks that
 * once the next command has opened the lake, every table is whole: the previous run's or the new
 * run's, never a mix, and that the killed run's lock lapses with its lease (the next command's clock
 * runs ahead of the store's by more than the lease, so nothing waits for it). The moment is drawn
 * from a seed that the test prints; {@code -DkillSeed=N} draws the same moment again.
 */
class S3KillDuringRunTest {
  private static final int LEASE_SECONDS = ObjectStorePublisher.DEFAULT_LEASE_SECONDS;
  private static final Duration KILL_DEADLINE = Duration.ofSeconds(30);

  @Test
  void aKilledS3RunLeavesEveryTableWholeOnceTheNextCommandOpensTheLake(@TempDir Path buckets) throws Exception {
    try (S3ProxyServer server = S3ProxyServer.start(buckets)) {
      Path lakeOnDisk = server.bucket("kill-test").resolve("lake");
      String lake = "s3://kill-test/lake";
      LakeGenerator.withAllDefects(0.05, 9).generate(lakeOnDisk);
      List<String> args = new ArrayList<>(server.options());
      args.add("--lake=" + lake);
      args.add("--lockLeaseSeconds=" + LEASE_SECONDS);
      Lakehouse.run(LakeJobs.parseOptions(args.toArray(String[]::new)));
      LakeSnapshot old = LakeSnapshot.of(lakeOnDisk);
      LandingChanges.addNewCustomerWithDevice(lakeOnDisk, "New.S3.Customer@test.com", "0e0e0e0e-1111-2222-3333-444444444444");

      long seed = Long.getLong("killSeed", System.nanoTime());
      System.out.println("S3KillDuringRunTest: kill moment drawn with seed " + seed + " (replay: -DkillSeed=" + seed + ")");
      long delayMillis = 1000 + new Random(seed).nextInt(9000);
      Process run = startLakehouse(args);
      boolean finished = run.waitFor(delayMillis, TimeUnit.MILLISECONDS);
      if (!finished) {
        run.destroyForcibly();
        assertTrue(
            run.waitFor(KILL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS),
            "the killed run's process did not end within " + KILL_DEADLINE + " of SIGKILL");
      }
      // What the next command does first: take the lock, complete an interrupted publish. The
      // killed run's lock, if it took it, lapses one lease after its last renewal (and a little
      // more, for the store's last-modified times, which may count whole seconds).
      try (StoreClockAhead later = StoreClockAhead.by(Duration.ofSeconds(LEASE_SECONDS + 2))) {
        ObjectStorePublisher.open(lake, "next-command", Duration.ofSeconds(LEASE_SECONDS)).close();
      }
      LakeSnapshot afterKill = LakeSnapshot.of(lakeOnDisk);

      LakeRun.Result last = Lakehouse.run(LakeJobs.parseOptions(args.toArray(String[]::new)));
      assertTrue(last.report().reconciled());
      LakeSnapshot next = LakeSnapshot.of(lakeOnDisk);
      for (LakeTable table : Lakehouse.JOB.outputs()) {
        assertNotEquals(old.rows(table.path()), next.rows(table.path()), table + " must change for the test to see a mix");
        List<List<String>> rows = afterKill.rows(table.path());
        assertTrue(
            rows.equals(old.rows(table.path())) || rows.equals(next.rows(table.path())),
            table + " is neither the old nor the new table after a kill at " + delayMillis + " ms (seed " + seed + ")");
      }
      if (!finished && delayMillis < 3000) {
        assertEquals(old, afterKill, "a kill before the pipeline could finish changes nothing");
      }
    }
  }

  private static Process startLakehouse(List<String> args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Lakehouse.class.getName());
    command.addAll(args);
    File log = Files.createTempFile("killed-s3-lakehouse", ".log").toFile();
    log.deleteOnExit();
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
  }
}
