package org.stedi.lakehouse.pipelines.iceberg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.stedi.lakehouse.testing.Stedi.SARAH;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.pipelines.LakeJobs;
import org.stedi.lakehouse.pipelines.TwoCustomers;
import org.stedi.lakehouse.pipelines.LakeOptions;
import org.stedi.lakehouse.pipelines.Lakehouse;
import org.stedi.lakehouse.pipelines.run.Lake;
import org.stedi.lakehouse.pipelines.run.LakeRun;
import org.stedi.lakehouse.pipelines.tools.TableReader;
import org.stedi.lakehouse.testing.S3ProxyServer;

/**
 * The lake's Iceberg tables on {@code s3://}, against a real S3 API server (S3Proxy) on 127.0.0.1,
 * with a JDBC catalog on a local SQLite file ({@code --catalog=jdbc:sqlite:...}): each run is one
 * snapshot per table whose data files are {@code s3://} objects in the run's data folder of the
 * table, {@code show} reads the current snapshot back through S3 with the rows the run report says
 * it wrote, {@code --keepSnapshots=1} deletes the older runs' data files from the bucket, and an
 * {@code s3://} lake without {@code --catalog} is refused (it has no embedded catalog).
 */
class S3IcebergTest {
  private static final String BUCKET = "stedi-iceberg";

  @TempDir static Path buckets;
  @TempDir Path catalogFolder;
  private static S3ProxyServer server;

  @BeforeAll
  static void startS3() throws Exception {
    server = S3ProxyServer.start(buckets);
    server.bucket(BUCKET);
  }

  @AfterAll
  static void stopS3() {
    if (server != null) {
      server.close();
    }
  }

  private static LakeOptions s3Options(String lake, String... more) {
    List<String> args = new ArrayList<>(server.options());
    args.add("--pathStyleAccess=true");
    args.add("--lake=" + lake);
    args.addAll(List.of(more));
    return LakeJobs.parseOptions(args.toArray(String[]::new));
  }

  /** The two-customer landing data, written as objects of the lake (S3Proxy keeps an object as a file). */
  private static void writeTwoCustomers(String prefix) {
    Path onDisk = buckets.resolve(BUCKET).resolve(prefix);
    TwoCustomers.write(onDisk);
  }

  private String catalog() {
    return "jdbc:sqlite:" + catalogFolder.resolve("cat.db");
  }

  private LakeRun.Result run(String lake, String... more) {
    List<String> args = new ArrayList<>(List.of("--tableFormat=iceberg", "--catalog=" + catalog()));
    args.addAll(List.of(more));
    LakeRun.Result result = Lakehouse.run(s3Options(lake, args.toArray(String[]::new)));
    assertTrue(result.report().reconciled(), result.report().toText());
    return result;
  }

  private Table table(String lake, LakeTable table) {
    try (IcebergTables tables = IcebergTables.open(Lake.of(lake), catalog())) {
      return tables.find(table).orElseThrow(() -> new AssertionError(table.tableName() + " is not in the catalog"));
    }
  }

  private static List<Snapshot> snapshots(Table table) {
    List<Snapshot> snapshots = new ArrayList<>();
    table.snapshots().forEach(snapshots::add);
    return snapshots;
  }

  /** The data files of one snapshot, sorted. */
  private static List<String> files(Table table, long snapshotId) throws IOException {
    List<String> files = new ArrayList<>();
    try (var tasks = table.newScan().useSnapshot(snapshotId).planFiles()) {
      tasks.forEach(task -> files.add(task.file().path().toString()));
    }
    files.sort(null);
    return files;
  }

  /**
   * Every object under the table's data folder, as S3 lists it, less the folder entries ({@code
   * .../}) that S3Proxy's file-system back end lists for each non-empty folder.
   */
  private static List<String> objectsUnder(String folder) throws IOException {
    MatchResult match = FileSystems.match(folder + "/**", EmptyMatchTreatment.ALLOW);
    List<String> objects = new ArrayList<>();
    if (match.status() == MatchResult.Status.OK) {
      match.metadata().stream()
          .map(file -> file.resourceId().toString())
          .filter(key -> !key.endsWith("/"))
          .forEach(objects::add);
    }
    objects.sort(null);
    return objects;
  }

  @Test
  void eachRunIsOneSnapshotOfS3DataFilesAndKeepSnapshotsDeletesTheOlderRunsFilesFromTheBucket() throws Exception {
    String lake = "s3://" + BUCKET + "/lake";
    writeTwoCustomers("lake");
    LakeRun.Result first = run(lake);
    LakeRun.Result second = run(lake);
    FileSystems.setDefaultPipelineOptions(s3Options(lake));

    Map<LakeTable, List<String>> olderFiles = new HashMap<>();
    for (LakeTable output : Lakehouse.JOB.outputs()) {
      Table t = table(lake, output);
      List<Snapshot> snapshots = snapshots(t);
      assertEquals(2, snapshots.size(), output.tableName() + ": one snapshot per run");
      assertEquals(lake + "/" + output.path(), t.location(), output.tableName());
      Snapshot current = t.currentSnapshot();
      assertEquals(second.runId(), current.summary().get(IcebergTables.RUN_ID), output.tableName());
      Snapshot previous = t.snapshot(current.parentId());
      assertEquals(first.runId(), previous.summary().get(IcebergTables.RUN_ID), output.tableName());

      List<String> older = new ArrayList<>();
      for (LakeRun.Result run : List.of(first, second)) {
        long snapshotId = run == first ? previous.snapshotId() : current.snapshotId();
        List<String> files = files(t, snapshotId);
        assertFalse(files.isEmpty(), output.tableName() + ": run " + run.runId() + " committed no file");
        String folder = lake + "/" + output.path() + "/" + IcebergTables.DATA + "/" + run.runId() + "/";
        for (String file : files) {
          assertTrue(file.startsWith(folder), output.tableName() + ": " + file + " is not under " + folder);
        }
        older.addAll(files);
      }
      olderFiles.put(output, older);

      long written = second.report().table(output).written();
      TableReader.Snapshot shown = IcebergReader.show(Lake.of(lake), catalog(), output, null, 100);
      assertEquals(written, shown.rowCount(), output.tableName() + ": show counts the rows the run wrote");
      assertEquals(written, shown.rows().size(), output.tableName() + ": show reads every row from S3");
      assertTrue(written > 0, output.tableName() + " is empty");
      assertTrue(shown.version().contains(second.runId()), shown.version());
      TableReader.Snapshot before = IcebergReader.show(Lake.of(lake), catalog(), output, String.valueOf(previous.snapshotId()), 100);
      assertEquals(first.report().table(output).written(), before.rows().size(), output.tableName() + ": the first run's snapshot is still readable");
    }
    assertTrue(
        IcebergReader.show(Lake.of(lake), catalog(), LakeTable.CUSTOMER_TRUSTED, null, 100).rows().stream()
            .anyMatch(row -> row.contains(SARAH)),
        "customer_trusted holds Sarah");

    LakeRun.Result third = run(lake, "--keepSnapshots=1");
    FileSystems.setDefaultPipelineOptions(s3Options(lake));

    for (LakeTable output : Lakehouse.JOB.outputs()) {
      Table t = table(lake, output);
      assertEquals(1, snapshots(t).size(), output.tableName() + ": --keepSnapshots=1 keeps only the run's own snapshot");
      assertEquals(third.runId(), t.currentSnapshot().summary().get(IcebergTables.RUN_ID), output.tableName());
      List<String> objects = objectsUnder(lake + "/" + output.path() + "/" + IcebergTables.DATA);
      assertEquals(files(t, t.currentSnapshot().snapshotId()), objects, output.tableName() + ": the bucket holds only the third run's data files");
      for (String gone : olderFiles.get(output)) {
        assertFalse(objects.contains(gone), output.tableName() + ": " + gone + " is still in the bucket");
      }
      TreeSet<String> runFolders = new TreeSet<>();
      objects.forEach(o -> runFolders.add(o.substring((lake + "/" + output.path() + "/data/").length()).split("/")[0]));
      assertEquals(List.of(third.runId()), List.copyOf(runFolders), output.tableName());
    }
    assertEquals(2, third.report().snapshots().get(0).expiredSnapshots());
    try (Stream<Path> onDisk = Files.walk(buckets.resolve(BUCKET).resolve("lake"))) {
      List<Path> stale =
          onDisk
              .filter(p -> p.toString().endsWith(".parquet"))
              .filter(p -> p.toString().contains(first.runId()) || p.toString().contains(second.runId()))
              .toList();
      assertEquals(List.of(), stale, "the server still stores the older runs' Parquet files");
    }
  }

  @Test
  void anS3LakeWithoutACatalogIsRefused() {
    writeTwoCustomers("no-catalog");
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () -> Lakehouse.run(s3Options("s3://" + BUCKET + "/no-catalog", "--tableFormat=iceberg")));
    assertTrue(error.getMessage().contains("--catalog"), error.getMessage());
    assertTrue(error.getMessage().contains("s3:// lake"), error.getMessage());
    assertTrue(Files.notExists(buckets.resolve(BUCKET).resolve("no-catalog/customer/trusted")), "nothing written");
  }
}
