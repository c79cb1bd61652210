package org.stedi.lakehouse.pipelines.tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.stedi.lakehouse.landing.LandingFileReader;
import org.stedi.lakehouse.landing.LandingParser;
import org.stedi.lakehouse.landing.ReadLanding;
import org.stedi.lakehouse.model.Column;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.model.QuarantinedLine;
import org.stedi.lakehouse.pipelines.publish.ObjectStorePublisher;
import org.stedi.lakehouse.pipelines.run.BeamInputFile;
import org.stedi.lakehouse.pipelines.run.Lake;
import org.stedi.lakehouse.pipelines.run.LakeException;
import org.stedi.lakehouse.pipelines.run.LakeRun;
import org.stedi.lakehouse.pipelines.run.ParquetConf;
import org.stedi.lakehouse.pipelines.run.TableFiles;
import org.stedi.lakehouse.pipelines.run.TableFormat;

/**
 * Reads a published table for people (the {@code show} command): its row count and first rows.
 * Parquet tables are counted from the files' footers; landing tables are read by the pipelines' own
 * reader ({@link LandingFileReader}), counting the lines that the pipelines quarantine apart. Files
 * are chosen by the one reading rule ({@link TableFiles}). Reads through Beam's file
 * systems, so it works wherever the lake is.
 */
public final class TableReader {

  /**
   * What {@code show} prints.
   *
   * @param rowCount rows in the table (for a landing table: lines that parse)
   * @param rejectedLines landing lines that would be quarantined (0 for Parquet tables)
   * @param version which version of the table was read (an Iceberg snapshot), or null
   */
  public record Snapshot(
      LakeTable table,
      String location,
      List<String> columns,
      long rowCount,
      long rejectedLines,
      List<List<String>> rows,
      String version) {

    /** The rows as an aligned text table, under a line with the counts. */
    public String toText() {
      StringBuilder out = new StringBuilder();
      out.append(table.tableName()).append(" at ").append(location);
      if (version != null) {
        out.append(" (").append(version).append(")");
      }
      out.append(": ").append(rowCount).append(" rows");
      if (rejectedLines > 0) {
        out.append(", ").append(rejectedLines).append(" malformed lines (quarantined by the pipelines)");
      }
      out.append('\n');
      out.append(TextTable.render(columns, rows));
      return out.toString();
    }
  }

  private TableReader() {}

  /** Reads the table's count and first {@code limit} rows. */
  public static Snapshot read(Lake lake, LakeTable table, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("--limit must be 0 or more, got " + limit);
    }
    String location = publishedLocation(lake, table);
    List<MatchResult.Metadata> files = TableFiles.list(location, table);
    List<String> columns = columnNames(table);
    try {
      return table.isParquet()
          ? readParquet(table, lake.location(table), files, columns, limit)
          : readLanding(table, lake.location(table), files, columns, limit);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + table.tableName() + " at " + location + ": " + e.getMessage(), e);
    }
  }

  /** The columns {@code show} prints: the table's, then {@code dt} for a partitioned table. */
  public static List<String> columnNames(LakeTable table) {
    List<String> columns = new ArrayList<>();
    table.columns().forEach(c -> columns.add(c.name()));
    if (table.partitionTimeColumn().isPresent()) {
      columns.add(LakeTable.PARTITION_COLUMN);
    }
    return columns;
  }

  private static String publishedLocation(Lake lake, LakeTable table) {
    String location = lake.location(table);
    if (!lake.isLocal()) {
      LakeRun.checkReachable(lake);
      if (table.isParquet() && ObjectStorePublisher.publishedLocation(lake.root(), table.path()).isEmpty()) {
        throw new LakeException(table.tableName() + " has not been built in " + lake + ": build it first (for example with `lakehouse`)");
      }
      return location;
    }
    Path folder = Path.of(location);
    if (!Files.exists(folder)) {
      String hint =
          table.isParquet()
              ? "build it first (for example with `lakehouse`)"
              : "put " + table.source().folder() + " landing files there (or run `generate`)";
      throw new LakeException(table.tableName() + " does not exist at " + location + ": " + hint);
    }
    try {
      return folder.toRealPath().toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Snapshot readParquet(
      LakeTable table, String location, List<MatchResult.Metadata> files, List<String> columns, int limit)
      throws IOException {
    long count = 0;
    List<List<String>> rows = new ArrayList<>();
    for (MatchResult.Metadata file : files) {
      BeamInputFile input = new BeamInputFile(file);
      try (ParquetFileReader footer = ParquetFileReader.open(input, ParquetConf.readOptions())) {
        count += footer.getRecordCount();
      }
      if (rows.size() >= limit) {
        continue;
      }
      String partition = partitionOf(file.resourceId().toString());
      try (ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(input).withConf(ParquetConf.copy()).build()) {
        for (GenericRecord record = reader.read(); record != null && rows.size() < limit; record = reader.read()) {
          rows.add(render(table, record, partition));
        }
      }
    }
    return new Snapshot(table, location, columns, count, 0, rows, null);
  }

  private static Snapshot readLanding(
      LakeTable table, String location, List<MatchResult.Metadata> files, List<String> columns, int limit)
      throws IOException {
    return switch (table.source()) {
      case CUSTOMER -> readLanding(LandingParser.customers(), TableFormat.CUSTOMER, table, location, files, columns, limit);
      case ACCELEROMETER -> readLanding(
          LandingParser.accelerometer(), TableFormat.ACCELEROMETER, table, location, files, columns, limit);
      case STEP_TRAINER -> readLanding(
          LandingParser.stepTrainer(), TableFormat.STEP_TRAINER, table, location, files, columns, limit);
    };
  }

  private static <T> Snapshot readLanding(
      LandingParser<T> parser,
      TableFormat<T> format,
      LakeTable table,
      String location,
      List<MatchResult.Metadata> files,
      List<String> columns,
      int limit)
      throws IOException {
    long[] counts = new long[2];
    List<List<String>> rows = new ArrayList<>();
    for (MatchResult.Metadata file : files) {
      LandingFileReader.read(
          parser,
          file.resourceId().toString(),
          Channels.newInputStream(FileSystems.open(file.resourceId())),
          ReadLanding.DEFAULT_MAX_LINE_BYTES,
          new LandingFileReader.Receiver<T>() {
            @Override
            public void record(T record) {
              counts[0]++;
              if (rows.size() < limit) {
                rows.add(render(table, format.toAvro(record), null));
              }
            }

            @Override
            public void rejected(QuarantinedLine line) {
              counts[1]++;
            }
          });
    }
    return new Snapshot(table, location, columns, counts[0], counts[1], rows, null);
  }

  /** A row as text, column by column by name, then its partition for a partitioned table. */
  public static List<String> render(LakeTable table, GenericRecord record, String partition) {
    List<String> row = new ArrayList<>();
    List<Column> columns = table.columns();
    for (Column column : columns) {
      Object value = record.get(column.name());
      row.add(value == null ? "" : value.toString());
    }
    if (table.partitionTimeColumn().isPresent()) {
      row.add(partition == null ? "" : partition);
    }
    return row;
  }

  /** The {@code dt} value in a file's path, or null. */
  static String partitionOf(String file) {
    for (String part : file.split("/")) {
      if (part.startsWith(LakeTable.PARTITION_COLUMN + "=")) {
        return part.substring(LakeTable.PARTITION_COLUMN.length() + 1);
      }
    }
    return null;
  }
}
