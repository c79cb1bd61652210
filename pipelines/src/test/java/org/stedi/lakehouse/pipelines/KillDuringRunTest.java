package org.stedi.lakehouse.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.generator.LakeGenerator;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.pipelines.run.LakeRun;
import org.stedi.lakehouse.testing.LakeSnapshot;

/**
 * Kills {@code Lakehouse} with SIGKILL at random moments of a run that would change every table,
 * and checks after each kill that every table is whole: exactly as the last successful run left it,
 * or exactly as the new run writes it, never a mix, and that the lake is not left locked. The kill
 * moments are {@link RandomKills}' (a printed seed; {@code -DkillSeed=N -DkillSpanMillis=M}
 * replays them).
 */
class KillDuringRunTest {
  private static final double SCALE = 0.1;
  private static final long SEED = 3;

  @Test
  void killingARunAtAnyMomentLeavesEveryTableAsOneWholeRunWroteIt(@TempDir Path lake, @TempDir Path reference)
      throws Exception {
    LakeGenerator.withAllDefects(SCALE, SEED).generate(lake);
    Lakehouse.run(LakeJobs.parseOptions("--lake=" + lake));
    LakeSnapshot old = LakeSnapshot.of(lake);

    // New landing data that changes every table, and what the next successful run must write.
    LandingChanges.addNewCustomerWithDevice(lake, "New.Customer@test.com", "0d0d0d0d-1111-2222-3333-444444444444");
    LakeGenerator.withAllDefects(SCALE, SEED).generate(reference);
    LandingChanges.addNewCustomerWithDevice(reference, "New.Customer@test.com", "0d0d0d0d-1111-2222-3333-444444444444");
    long started = System.nanoTime();
    Lakehouse.run(LakeJobs.parseOptions("--lake=" + reference));
    long runMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    LakeSnapshot next = LakeSnapshot.of(reference);
    for (LakeTable table : Lakehouse.JOB.outputs()) {
      assertNotEquals(old.rows(table.path()), next.rows(table.path()), table + " must change for the test to see a mix");
    }

    // Later kills fall anywhere in a whole run of a new process (its JVM start, a run as long as the
    // reference run in this warm JVM took, twice over), however fast this machine is.
    RandomKills.killFourTimes(
        "KillDuringRunTest",
        runMillis,
        lake,
        List.of(),
        (delayMillis, seed) -> {
          LakeSnapshot now = LakeSnapshot.of(lake);
          boolean allOld = true;
          for (LakeTable table : Lakehouse.JOB.outputs()) {
            List<List<String>> rows = now.rows(table.path());
            assertTrue(
                rows.equals(old.rows(table.path())) || rows.equals(next.rows(table.path())),
                table + " is neither the old nor the new table after a kill at " + delayMillis + " ms (seed " + seed + ")");
            allOld &= rows.equals(old.rows(table.path()));
          }
          return allOld;
        });

    // The killed runs left no lock behind and the next run completes the lake.
    LakeRun.Result last = Lakehouse.run(LakeJobs.parseOptions("--lake=" + lake));
    assertTrue(last.report().reconciled());
    assertEquals(next, LakeSnapshot.of(lake));
  }
}
