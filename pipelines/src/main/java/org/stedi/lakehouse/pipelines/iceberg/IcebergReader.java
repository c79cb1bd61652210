package org.stedi.lakehouse.pipelines.iceberg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.pipelines.run.BeamInputFile;
import org.stedi.lakehouse.pipelines.run.Lake;
import org.stedi.lakehouse.pipelines.run.LakeException;
import org.stedi.lakehouse.pipelines.run.ParquetConf;
import org.stedi.lakehouse.pipelines.tools.TableReader;
import org.stedi.lakehouse.pipelines.tools.TextTable;

/**
 * The tools' view of the lake's Iceberg tables: {@code show} of a snapshot (the current one, or one
 * chosen by {@code --asOf}) and {@code history}.
 */
public final class IcebergReader {
  private IcebergReader() {}

  /** Whether a table of the lake is an Iceberg table: its folder holds Iceberg metadata. */
  public static boolean isIcebergTable(Lake lake, LakeTable table) {
    if (!table.isParquet()) {
      return false;
    }
    try {
      MatchResult match = FileSystems.match(lake.location(table) + "/metadata/*.metadata.json", EmptyMatchTreatment.ALLOW);
      return match.status() == MatchResult.Status.OK && !match.metadata().isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look for the Iceberg metadata of " + table.tableName() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The row count and first rows of one snapshot of the table.
   *
   * @param asOf null for the current snapshot, a snapshot id, or an ISO-8601 instant (the snapshot
   *     that was current then)
   */
  public static TableReader.Snapshot show(Lake lake, String catalog, LakeTable table, String asOf, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("--limit must be 0 or more, got " + limit);
    }
    try (IcebergTables tables = IcebergTables.open(lake, catalog)) {
      Table t = load(tables, lake, table);
      Snapshot snapshot = choose(t, asOf);
      List<List<String>> rows = new ArrayList<>();
      long count = 0;
      try (CloseableIterable<FileScanTask> tasks = t.newScan().useSnapshot(snapshot.snapshotId()).planFiles()) {
        for (FileScanTask task : tasks) {
          count += task.file().recordCount();
          if (rows.size() >= limit) {
            continue;
          }
          String partition = t.spec().isPartitioned() ? task.file().partition().get(0, String.class) : null;
          BeamInputFile input = new BeamInputFile(FileSystems.matchSingleFileSpec(task.file().path().toString()));
          try (ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(input).withConf(ParquetConf.copy()).build()) {
            for (GenericRecord record = reader.read(); record != null && rows.size() < limit; record = reader.read()) {
              rows.add(TableReader.render(table, record, partition));
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + table.tableName() + ": " + e.getMessage(), e);
      }
      return new TableReader.Snapshot(
          table, t.location(), TableReader.columnNames(table), count, 0, rows, describe(snapshot));
    }
  }

  /** The table's snapshots, oldest first, as an aligned text table. */
  public static String history(Lake lake, String catalog, LakeTable table) {
    try (IcebergTables tables = IcebergTables.open(lake, catalog)) {
      Table t = load(tables, lake, table);
      Long current = t.currentSnapshot() == null ? null : t.currentSnapshot().snapshotId();
      List<List<String>> rows = new ArrayList<>();
      for (Snapshot s : t.snapshots()) {
        rows.add(
            List.of(
                String.valueOf(s.snapshotId()),
                Instant.ofEpochMilli(s.timestampMillis()).toString(),
                s.operation() == null ? "" : s.operation(),
                s.summary().getOrDefault(IcebergTables.RUN_ID, ""),
                s.summary().getOrDefault("total-records", ""),
                s.summary().getOrDefault("total-data-files", ""),
                current != null && current == s.snapshotId() ? "yes" : ""));
      }
      return table.tableName() + " at " + t.location() + " in the catalog " + tables.catalog().describe() + ": "
          + rows.size() + " snapshots\n"
          + TextTable.render(List.of("snapshot", "committed", "operation", "run", "rows", "files", "current"), rows);
    }
  }

  private static Table load(IcebergTables tables, Lake lake, LakeTable table) {
    return tables
        .find(table)
        .orElseThrow(
            () ->
                new LakeException(
                    table.tableName() + " is not in the Iceberg catalog " + tables.catalog().describe() + " of " + lake
                        + ": build it first (for example with `lakehouse --tableFormat=iceberg`)"));
  }

  /** The snapshot that {@code asOf} names, or the current one. */
  static Snapshot choose(Table table, String asOf) {
    if (table.currentSnapshot() == null) {
      throw new LakeException(table.name() + " has no snapshot yet");
    }
    if (asOf == null || asOf.isBlank()) {
      return table.currentSnapshot();
    }
    if (asOf.chars().allMatch(Character::isDigit) || asOf.startsWith("-") && asOf.length() > 1) {
      Snapshot byId = table.snapshot(Long.parseLong(asOf));
      if (byId == null) {
        throw new LakeException(table.name() + " has no snapshot " + asOf + " (expired, or never made): see `history`");
      }
      return byId;
    }
    long millis;
    try {
      millis = Instant.parse(asOf).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "--asOf takes a snapshot id or an ISO-8601 instant such as 2026-12-01T10:00:00Z, not " + asOf, e);
    }
    Snapshot best = null;
    for (Snapshot s : table.snapshots()) {
      if (s.timestampMillis() <= millis && (best == null || s.timestampMillis() > best.timestampMillis())) {
        best = s;
      }
    }
    if (best == null) {
      throw new LakeException(table.name() + " has no snapshot as old as " + asOf + " (the oldest kept is in `history`)");
    }
    return best;
  }

  private static String describe(Snapshot s) {
    String run = s.summary().get(IcebergTables.RUN_ID);
    return "Iceberg snapshot " + s.snapshotId() + " of " + Instant.ofEpochMilli(s.timestampMillis())
        + (run == null ? "" : ", run " + run);
  }
}
