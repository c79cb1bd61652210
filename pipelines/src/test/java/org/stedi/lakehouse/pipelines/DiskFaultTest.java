package org.stedi.lakehouse.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.generator.LakeGenerator;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.pipelines.run.LakeException;
import org.stedi.lakehouse.pipelines.run.LakeRun;
import org.stedi.lakehouse.testing.LakeSnapshot;
import org.stedi.lakehouse.model.HiddenNames;

/**
 * A lake on a real file system that fills up or turns read-only (a small tmpfs and read-only
 * mounts): the run fails with one line that names the cause and the place, every table keeps the
 * bytes the last good run wrote, nothing half-written becomes visible, and the next run on a healthy
 * disk succeeds. Needs root to mount; skipped otherwise.
 */
class DiskFaultTest {
  private static final double SCALE = 0.02;
  private static final long SEED = 11;
  private static final long ROOMY = 256L << 20;
  private static final String NEW_EMAIL = "Disk.Fault@test.com";
  private static final String NEW_SERIAL = "0f0f0f0f-1111-2222-3333-444444444444";

  @TempDir static Path reference;
  private static LakeSnapshot oldTables;
  private static LakeSnapshot newTables;

  @TempDir Path dir;
  private Mounts mounts;
  private Path lake;

  /** What the last good run writes, and what the next run must write once the disk is healthy. */
  @BeforeAll
  static void referenceRuns() throws Exception {
    LakeGenerator.withAllDefects(SCALE, SEED).generate(reference);
    Lakehouse.run(LakeJobs.parseOptions("--lake=" + reference));
    oldTables = LakeSnapshot.of(reference);
    LandingChanges.addNewCustomerWithDevice(reference, NEW_EMAIL, NEW_SERIAL);
    Lakehouse.run(LakeJobs.parseOptions("--lake=" + reference));
    newTables = LakeSnapshot.of(reference);
    for (LakeTable table : Lakehouse.JOB.outputs()) {
      assertNotEquals(oldTables.rows(table.path()), newTables.rows(table.path()), table + " must change for the test to see a mix");
    }
  }

  /** A lake on its own tmpfs, built once by a good run, with new landing data for the next. */
  @BeforeEach
  void aLakeOnItsOwnFileSystem() throws Exception {
    mounts = new Mounts();
    lake = dir.resolve("lake");
    mounts.tmpfs(lake, ROOMY);
    LakeGenerator.withAllDefects(SCALE, SEED).generate(lake);
    Lakehouse.run(LakeJobs.parseOptions("--lake=" + lake));
    assertEquals(oldTables, LakeSnapshot.of(lake));
    LandingChanges.addNewCustomerWithDevice(lake, NEW_EMAIL, NEW_SERIAL);
  }

  @AfterEach
  void unmount() throws Exception {
    mounts.close();
  }

  @Test
  void aFullDiskFailsTheRunWithOneLineAndLeavesTheLastGoodTables() throws Exception {
    Map<String, String> before = visibleFiles(lake);
    long used = Mounts.used(lake);
    long tables = visibleBytes(lake, ".parquet");
    long room = 16 << 10; // four pages: enough for a lock and a journal, far from enough for new tables
    assertTrue(tables > 2 * room, "the tables (" + tables + " bytes) must not fit in " + room + " bytes");
    mounts.resize(lake, used + room);
    System.out.printf("lake on a tmpfs: %d KiB used (tables %d KiB), resized to %d KiB%n", used >> 10, tables >> 10, (used + room) >> 10);

    LakeException error = assertThrows(LakeException.class, () -> Lakehouse.run(LakeJobs.parseOptions("--lake=" + lake)));

    System.out.println("the run failed with: " + error.getMessage());
    assertOneLine(error);
    assertTrue(error.getMessage().contains("No space left on device"), error.getMessage());
    assertTrue(error.getMessage().contains(lake.toString()), "the error does not name the lake: " + error.getMessage());
    assertEquals(before, visibleFiles(lake), "a failed run changed a visible file");
    assertEquals(oldTables, LakeSnapshot.of(lake));

    mounts.resize(lake, ROOMY);
    LakeRun.Result next = Lakehouse.run(LakeJobs.parseOptions("--lake=" + lake));
    assertTrue(next.report().reconciled(), next.report().toText());
    assertEquals(newTables, LakeSnapshot.of(lake));
  }

  @Test
  void aReadOnlyLakeIsRefusedWithOneLineAndKeepsItsTables() throws Exception {
    Map<String, String> before = visibleFiles(lake);
    mounts.readOnly(lake, true);

    LakeException error = assertThrows(LakeException.class, () -> Lakehouse.run(LakeJobs.parseOptions("--lake=" + lake)));

    System.out.println("the run failed with: " + error.getMessage());
    assertOneLine(error);
    assertTrue(error.getMessage().contains("Read-only file system"), error.getMessage());
    assertTrue(error.getMessage().contains(lake.toString()), "the error does not name the lake: " + error.getMessage());
    assertEquals(before, visibleFiles(lake));
    assertEquals(oldTables, LakeSnapshot.of(lake));

    mounts.readOnly(lake, false);
    LakeRun.Result next = Lakehouse.run(LakeJobs.parseOptions("--lake=" + lake));
    assertTrue(next.report().reconciled(), next.report().toText());
    assertEquals(newTables, LakeSnapshot.of(lake));
  }

  @Test
  void aReadOnlyVersionFolderOfOneTableFailsTheRunAndKeepsEveryTable() throws Exception {
    Map<String, String> before = visibleFiles(lake);
    Path versions = lake.resolve("step_trainer/_versions");
    mounts.readOnlyBind(versions);

    LakeException error = assertThrows(LakeException.class, () -> Lakehouse.run(LakeJobs.parseOptions("--lake=" + lake)));

    System.out.println("the run failed with: " + error.getMessage());
    assertOneLine(error);
    assertTrue(error.getMessage().contains("Read-only file system"), error.getMessage());
    assertTrue(error.getMessage().contains(versions.toString()), "the error does not name the folder: " + error.getMessage());
    assertEquals(before, visibleFiles(lake));
    assertEquals(oldTables, LakeSnapshot.of(lake));

    mounts.unmount(versions);
    LakeRun.Result next = Lakehouse.run(LakeJobs.parseOptions("--lake=" + lake));
    assertTrue(next.report().reconciled(), next.report().toText());
    assertEquals(newTables, LakeSnapshot.of(lake));
  }

  private static void assertOneLine(LakeException error) {
    assertEquals(1, error.getMessage().lines().count(), "the error is not one line:\n" + error.getMessage());
  }

  private static long visibleBytes(Path lake, String suffix) throws Exception {
    long bytes = 0;
    for (String file : visibleFiles(lake).keySet()) {
      if (file.endsWith(suffix)) {
        bytes += Files.size(lake.resolve(file));
      }
    }
    return bytes;
  }

  /**
   * Every file a reader of the lake sees (the contract's section 1: no name along its path starts with
   * {@code _} or {@code .}), table links followed, with the SHA-256 of its bytes.
   */
  static Map<String, String> visibleFiles(Path lake) throws Exception {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(lake, FileVisitOption.FOLLOW_LINKS)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        Path relative = lake.relativize(file);
        if (HiddenNames.isVisible(lake.toString(), file.toString())) {
          MessageDigest sha = MessageDigest.getInstance("SHA-256");
          try (InputStream in = Files.newInputStream(file)) {
            sha.update(in.readAllBytes());
          }
          files.put(relative.toString(), HexFormat.of().formatHex(sha.digest()));
        }
      }
    }
    return files;
  }
}
