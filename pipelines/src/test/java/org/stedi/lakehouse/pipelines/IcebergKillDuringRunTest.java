package org.stedi.lakehouse.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.generator.LakeGenerator;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.pipelines.iceberg.IcebergTables;
import org.stedi.lakehouse.pipelines.run.Lake;
import org.stedi.lakehouse.testing.DuckDb;

/**
 * Kills {@code Lakehouse --tableFormat=iceberg} with SIGKILL at random moments of a run that would
 * change every table, and checks after each kill that every table's current snapshot is whole:
 * exactly the rows of the last committed run or exactly those of the new run, every file it lists
 * present; then that the next run commits the new rows and deletes the files the killed runs left
 * (none is referenced by a snapshot). The kill moments are {@link RandomKills}' (a printed seed;
 * {@code -DkillSeed=N -DkillSpanMillis=M} replays them).
 */
class IcebergKillDuringRunTest {
  private static final double SCALE = 0.1;
  private static final long SEED = 5;
  private static final String ICEBERG = "--tableFormat=iceberg";

  /** Every table's current snapshot: its rows (read by DuckDB from the files it lists), sorted. */
  private static Map<LakeTable, List<List<String>>> currentRows(Path lake) throws Exception {
    Map<LakeTable, List<List<String>>> rows = new HashMap<>();
    try (IcebergTables tables = IcebergTables.open(Lake.of(lake.toString()), null);
        DuckDb duck = new DuckDb()) {
      for (LakeTable table : Lakehouse.JOB.outputs()) {
        Table t = tables.find(table).orElseThrow();
        List<String> files = new ArrayList<>();
        t.newScan().planFiles().forEach(task -> files.add(task.file().path().toString()));
        for (String file : files) {
          assertTrue(Files.isRegularFile(Path.of(file)), table + ": the current snapshot lists a missing file " + file);
        }
        String list = String.join(", ", files.stream().map(f -> "'" + f + "'").toList());
        rows.put(table, files.isEmpty() ? List.of() : duck.rows("SELECT * FROM read_parquet([" + list + "]) ORDER BY ALL"));
      }
    }
    return rows;
  }

  @Test
  void killingAnIcebergRunAtAnyMomentLeavesEachTablesSnapshotWholeAndTheNextRunCleansUp(
      @TempDir Path lake, @TempDir Path reference) throws Exception {
    LakeGenerator.withAllDefects(SCALE, SEED).generate(lake);
    Lakehouse.run(LakeJobs.parseOptions("--lake=" + lake, ICEBERG));
    Map<LakeTable, List<List<String>>> old = currentRows(lake);

    LandingChanges.addNewCustomerWithDevice(lake, "New.Customer@test.com", "0d0d0d0d-1111-2222-3333-444444444444");
    LakeGenerator.withAllDefects(SCALE, SEED).generate(reference);
    LandingChanges.addNewCustomerWithDevice(reference, "New.Customer@test.com", "0d0d0d0d-1111-2222-3333-444444444444");
    long started = System.nanoTime();
    Lakehouse.run(LakeJobs.parseOptions("--lake=" + reference, ICEBERG));
    long runMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    Map<LakeTable, List<List<String>>> next = currentRows(reference);
    for (LakeTable table : Lakehouse.JOB.outputs()) {
      assertNotEquals(old.get(table), next.get(table), table + " must change for the test to see a mix");
    }

    RandomKills.killFourTimes(
        "IcebergKillDuringRunTest",
        runMillis,
        lake,
        List.of(ICEBERG),
        (delayMillis, seed) -> {
          Map<LakeTable, List<List<String>>> now = currentRows(lake);
          boolean allOld = true;
          for (LakeTable table : Lakehouse.JOB.outputs()) {
            assertTrue(
                now.get(table).equals(old.get(table)) || now.get(table).equals(next.get(table)),
                table + "'s snapshot is neither the old nor the new table after a kill at " + delayMillis + " ms (seed "
                    + seed + ")");
            allOld &= now.get(table).equals(old.get(table));
          }
          return allOld;
        });

    assertTrue(Lakehouse.run(LakeJobs.parseOptions("--lake=" + lake, ICEBERG)).report().reconciled());
    assertEquals(next, currentRows(lake));
    try (IcebergTables tables = IcebergTables.open(Lake.of(lake.toString()), null)) {
      for (LakeTable table : Lakehouse.JOB.outputs()) {
        Table t = tables.find(table).orElseThrow();
        Set<String> referenced = new HashSet<>();
        for (Snapshot snapshot : t.snapshots()) {
          t.newScan().useSnapshot(snapshot.snapshotId()).planFiles().forEach(task -> referenced.add(task.file().path().toString()));
        }
        Set<String> onDisk = new HashSet<>(filesUnder(lake.resolve(table.path()).resolve(IcebergTables.DATA)));
        assertEquals(referenced, onDisk, table + ": the data files are exactly those the snapshots reference");
      }
    }
  }

  private static List<String> filesUnder(Path folder) throws IOException {
    try (Stream<Path> files = Files.walk(folder)) {
      return files.filter(Files::isRegularFile).map(Path::toString).toList();
    }
  }
}
