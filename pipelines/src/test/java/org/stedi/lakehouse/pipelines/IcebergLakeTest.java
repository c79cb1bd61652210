package org.stedi.lakehouse.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.stedi.lakehouse.testing.Stedi.SANTOSH;
import static org.stedi.lakehouse.testing.Stedi.SARAH;
import static org.stedi.lakehouse.testing.Stedi.SERIAL_1;
import static org.stedi.lakehouse.testing.Stedi.SERIAL_2;
import static org.stedi.lakehouse.testing.Stedi.consenting;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Types;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.pipelines.iceberg.IcebergTables;
import org.stedi.lakehouse.pipelines.run.LakeException;
import org.stedi.lakehouse.pipelines.run.LakeRun;
import org.stedi.lakehouse.pipelines.run.RunReport;
import org.stedi.lakehouse.testing.DuckDb;
import org.stedi.lakehouse.testing.LandingFiles;

/**
 * The lake as Iceberg tables in the embedded SQLite catalog, on the DirectRunner: each run one
 * snapshot per table, the rows of a snapshot read back by DuckDB from the data files the snapshot
 * lists (a reader that knows nothing of this library), time travel to the previous snapshot, and a
 * consent withdrawal gone from the current snapshot at once and from the files once the snapshot
 * that held it expires.
 */
class IcebergLakeTest {
  private static final String ICEBERG = "--tableFormat=iceberg";

  @TempDir Path lake;

  private void writeTwoCustomers() {
    TwoCustomers.write(lake);
  }

  private LakeRun.Result run(String... args) {
    String[] all = Stream.concat(Stream.of("--lake=" + lake, ICEBERG), Stream.of(args)).toArray(String[]::new);
    LakeRun.Result result = Lakehouse.run(LakeJobs.parseOptions(all));
    assertTrue(result.report().reconciled(), result.report().toText());
    return result;
  }

  private Table table(LakeTable table) {
    try (IcebergTables tables = IcebergTables.open(org.stedi.lakehouse.pipelines.run.Lake.of(lake.toString()), null)) {
      return tables.find(table).orElseThrow();
    }
  }

  /** One column of the rows of a snapshot, sorted, read by DuckDB from the snapshot's data files. */
  private static List<String> column(Table table, long snapshotId, String column) throws SQLException {
    List<String> files = new ArrayList<>();
    table.newScan().useSnapshot(snapshotId).planFiles().forEach(task -> files.add(task.file().path().toString()));
    if (files.isEmpty()) {
      return List.of();
    }
    String list = String.join(", ", files.stream().map(f -> "'" + f + "'").toList());
    try (DuckDb duck = new DuckDb()) {
      return duck.rows("SELECT lower(" + column + ") FROM read_parquet([" + list + "]) ORDER BY 1").stream()
          .map(row -> row.get(0))
          .toList();
    }
  }

  private List<Path> parquetFilesUnder(LakeTable table) throws IOException {
    try (Stream<Path> files = Files.walk(lake.resolve(table.path()))) {
      return files.filter(f -> f.toString().endsWith(".parquet")).toList();
    }
  }

  @Test
  void eachRunIsOneSnapshotPerTableWithTheRunsRowsAndTheOldSnapshotStillReadable() throws Exception {
    writeTwoCustomers();
    LakeRun.Result first = run();

    List<RunReport.Snapshot> snapshots = first.report().snapshots();
    assertEquals(
        List.of("customer_trusted", "accelerometer_trusted", "customers_curated", "step_trainer_trusted", "machine_learning_curated"),
        snapshots.stream().map(RunReport.Snapshot::table).toList());
    Table accelerometer = table(LakeTable.ACCELEROMETER_TRUSTED);
    long firstSnapshot = accelerometer.currentSnapshot().snapshotId();
    assertEquals(firstSnapshot, snapshots.get(1).snapshotId());
    assertEquals(first.runId(), accelerometer.currentSnapshot().summary().get(IcebergTables.RUN_ID));
    assertEquals(2, ((HasTableOperations) accelerometer).operations().current().formatVersion());
    assertEquals("snappy", accelerometer.properties().get("write.parquet.compression-codec"));
    assertEquals(lake.resolve("accelerometer/trusted").toString(), accelerometer.location());
    String santosh = SANTOSH.toLowerCase(Locale.ROOT);
    String sarah = SARAH.toLowerCase(Locale.ROOT);
    assertEquals(List.of(santosh, sarah), column(accelerometer, firstSnapshot, "user"));
    // Each file numbers its columns as the table's schema does, so readers by field ID need no name mapping.
    String file = accelerometer.newScan().planFiles().iterator().next().file().path().toString();
    try (ParquetFileReader footer = ParquetFileReader.open(HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file), new Configuration()))) {
      MessageType schema = footer.getFileMetaData().getSchema();
      for (Types.NestedField field : accelerometer.schema().columns()) {
        if (!field.name().equals("dt")) {
          assertEquals(field.fieldId(), schema.getType(field.name()).getId().intValue(), field.name() + "'s field ID in " + file);
        }
      }
    }
    // dt is an identity partition: each file's partition holds its reading day.
    accelerometer.newScan().planFiles().forEach(task -> assertEquals("2022-06-18", task.file().partition().get(0, String.class)));

    LakeRun.Result second = run();

    accelerometer = table(LakeTable.ACCELEROMETER_TRUSTED);
    long secondSnapshot = accelerometer.currentSnapshot().snapshotId();
    assertNotEquals(firstSnapshot, secondSnapshot);
    assertEquals(firstSnapshot, accelerometer.currentSnapshot().parentId());
    assertEquals(second.runId(), accelerometer.currentSnapshot().summary().get(IcebergTables.RUN_ID));
    assertEquals(List.of(santosh, sarah), column(accelerometer, secondSnapshot, "user"), "a re-run replaces, never duplicates");
    assertEquals(List.of(santosh, sarah), column(accelerometer, firstSnapshot, "user"), "time travel");
    for (LakeTable output : Lakehouse.JOB.outputs()) {
      Table t = table(output);
      long rows = Long.parseLong(t.currentSnapshot().summary().get("total-records"));
      long written = second.report().tables().stream().filter(c -> c.table().equals(output.tableName())).findFirst().orElseThrow().written();
      assertEquals(written, rows, output.tableName() + ": the snapshot's records are the rows the run wrote");
    }
  }

  @Test
  void aWithdrawnConsentLeavesTheCurrentSnapshotAtOnceAndTheFilesWhenItsLastSnapshotExpires() throws Exception {
    writeTwoCustomers();
    run();
    LandingFiles.write(
        lake.resolve("customer/landing/update.json"),
        List.of(consenting(SANTOSH, SERIAL_1).lastUpdateDate(2000L).withoutResearchConsent()));
    String santosh = SANTOSH.toLowerCase(Locale.ROOT);
    String sarah = SARAH.toLowerCase(Locale.ROOT);

    run();

    Table customers = table(LakeTable.CUSTOMER_TRUSTED);
    assertEquals(List.of(sarah), column(customers, customers.currentSnapshot().snapshotId(), "email"));
    long before = customers.currentSnapshot().parentId();
    assertEquals(List.of(santosh, sarah), column(customers, before, "email"), "the older snapshot still holds him");
    Table steps = table(LakeTable.STEP_TRAINER_TRUSTED);
    assertEquals(List.of(SERIAL_2.toLowerCase(Locale.ROOT)), column(steps, steps.currentSnapshot().snapshotId(), "serialNumber"));

    LakeRun.Result expiring = run("--keepSnapshots=1");

    customers = table(LakeTable.CUSTOMER_TRUSTED);
    List<Snapshot> left = new ArrayList<>();
    customers.snapshots().forEach(left::add);
    assertEquals(1, left.size(), "--keepSnapshots=1 keeps only the run's own snapshot");
    assertEquals(2, expiring.report().snapshots().get(0).expiredSnapshots());
    for (LakeTable output : Lakehouse.JOB.outputs()) {
      try (DuckDb duck = new DuckDb()) {
        for (Path file : parquetFilesUnder(output)) {
          String columns = String.join(" || ", duck.columns("SELECT * FROM read_parquet('" + file + "')").stream()
              .map(c -> "coalesce(CAST(\"" + c + "\" AS VARCHAR), '')").toList());
          long his = duck.queryLong(
              "SELECT count(*) FROM read_parquet('" + file + "') WHERE lower(" + columns + ") LIKE '%"
                  + santosh + "%' OR " + columns + " LIKE '%" + SERIAL_1 + "%'");
          assertEquals(0, his, output.tableName() + ": " + file + " still holds the withdrawn customer");
        }
      }
    }
  }

  @Test
  void aLakeHoldsOneTableFormat() {
    writeTwoCustomers();
    assertTrue(Lakehouse.run(LakeJobs.parseOptions("--lake=" + lake)).report().reconciled());

    LakeException mixed = assertThrows(LakeException.class, () -> Lakehouse.run(LakeJobs.parseOptions("--lake=" + lake, ICEBERG)));
    assertTrue(mixed.getMessage().contains("customer_trusted in the lake " + lake + " is a Parquet-format table"), mixed.getMessage());
  }

  @Test
  void aWrongTableFormatOrCatalogIsRefusedBeforeTheLakeIsTouched() {
    writeTwoCustomers();
    IllegalArgumentException format =
        assertThrows(IllegalArgumentException.class, () -> Lakehouse.run(LakeJobs.parseOptions("--lake=" + lake, "--tableFormat=delta")));
    assertEquals("--tableFormat takes parquet or iceberg, not delta", format.getMessage());
    IllegalArgumentException catalog =
        assertThrows(IllegalArgumentException.class, () -> Lakehouse.run(LakeJobs.parseOptions("--lake=" + lake, ICEBERG, "--catalog=hive")));
    assertTrue(catalog.getMessage().startsWith("--catalog takes glue, rest:URI or jdbc:URL"), catalog.getMessage());
    IllegalArgumentException keep =
        assertThrows(IllegalArgumentException.class, () -> Lakehouse.run(LakeJobs.parseOptions("--lake=" + lake, ICEBERG, "--keepSnapshots=0")));
    assertEquals("--keepSnapshots must be at least 1, got 0", keep.getMessage());
    assertTrue(Files.notExists(lake.resolve("customer/trusted")), "nothing written");
    assertTrue(Files.notExists(lake.resolve("_catalog")), "no catalog created");
  }
}
