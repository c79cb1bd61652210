package org.stedi.lakehouse.pipelines.iceberg;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.mapping.MappingUtil;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.parquet.ParquetUtil;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.stedi.lakehouse.model.Column;
import org.stedi.lakehouse.model.HiddenNames;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.pipelines.run.Lake;
import org.stedi.lakehouse.pipelines.run.LakeException;

/**
 * The lake's output tables as Apache Iceberg tables (format version 2) in a {@link LakeCatalog}.
 *
 * <p>The pipeline writes its Parquet files as it does for the Parquet format, but into the table's
 * own data folder, {@code <table folder>/data/<runId>/} (with {@code dt=YYYY-MM-DD/} below it for the
 * reading tables): Iceberg readers see only the files a snapshot lists, so the files of a run that has
 * not committed are invisible to them. Once the run has reconciled, {@link #commit} replaces each
 * table's contents with the run's files in one Iceberg commit (an {@code overwrite} snapshot whose
 * summary names the run), then expires the snapshots beyond {@code --keepSnapshots} with the files
 * only they referenced, and deletes the data files that no snapshot references (those of runs that
 * were killed before they committed). One run at a time holds the lake's lock, so nothing else
 * writes the tables meanwhile.
 *
 * <p>The Parquet files number their columns with the field IDs of {@link #schema} (the pipeline's
 * writer does so for every table); each table's {@code schema.name-mapping.default} also maps the
 * columns by name, for files without IDs. {@code dt} is an identity partition whose value each
 * file's partition holds (the files do not repeat it).
 */
public final class IcebergTables implements Closeable {
  /** The snapshot summary property naming the run that wrote a snapshot. */
  public static final String RUN_ID = "stedi.run-id";

  /** The folder of a table's data files, under the table's folder. */
  public static final String DATA = "data";

  private final Lake lake;
  private final LakeCatalog where;
  private final Catalog catalog;

  private IcebergTables(Lake lake, LakeCatalog where, Catalog catalog) {
    this.lake = lake;
    this.where = where;
    this.catalog = catalog;
  }

  /** Opens the lake's catalog ({@code --catalog}, see {@link LakeCatalog#of}). */
  public static IcebergTables open(Lake lake, String catalogSpec) {
    return open(lake, catalogSpec, null);
  }

  /**
   * Opens the lake's catalog and asks it whether the namespace exists, so that a catalog that cannot
   * be reached (a wrong URI, no credentials, no network) fails here, before a pipeline runs.
   *
   * @param awsRegion the region of the Glue catalog ({@code --awsRegion}), or null for the AWS SDK's
   *     default region chain
   */
  public static IcebergTables open(Lake lake, String catalogSpec, String awsRegion) {
    LakeCatalog where = LakeCatalog.of(lake, catalogSpec);
    Catalog catalog = null;
    try {
      catalog = where.open(awsRegion);
      if (catalog instanceof SupportsNamespaces namespaces) {
        namespaces.namespaceExists(Namespace.of(LakeCatalog.NAME));
      }
      return new IcebergTables(lake, where, catalog);
    } catch (RuntimeException | LinkageError e) {
      if (catalog instanceof Closeable closeable) {
        try {
          closeable.close();
        } catch (IOException | RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw new LakeException("cannot open the Iceberg catalog " + where.describe() + ": " + rootMessage(e), e);
    }
  }

  public LakeCatalog catalog() {
    return where;
  }

  public static TableIdentifier identifier(LakeTable table) {
    return TableIdentifier.of(Namespace.of(LakeCatalog.NAME), table.tableName());
  }

  /** The Iceberg schema of a table: its columns (IDs from 1, in order), then {@code dt} if partitioned. */
  public static Schema schema(LakeTable table) {
    List<Types.NestedField> fields = new ArrayList<>();
    int id = 1;
    for (Column column : table.columns()) {
      Type type =
          switch (column.type()) {
            case STRING -> Types.StringType.get();
            case BIGINT -> Types.LongType.get();
            case DOUBLE -> Types.DoubleType.get();
          };
      fields.add(
          column.required()
              ? Types.NestedField.required(id++, column.name(), type)
              : Types.NestedField.optional(id++, column.name(), type));
    }
    if (table.partitionTimeColumn().isPresent()) {
      fields.add(Types.NestedField.optional(id, LakeTable.PARTITION_COLUMN, Types.StringType.get()));
    }
    return new Schema(fields);
  }

  public static PartitionSpec spec(LakeTable table, Schema schema) {
    return table.partitionTimeColumn().isPresent()
        ? PartitionSpec.builderFor(schema).identity(LakeTable.PARTITION_COLUMN).build()
        : PartitionSpec.unpartitioned();
  }

  /** The table, if the catalog has it. */
  public Optional<Table> find(LakeTable table) {
    try {
      return Optional.of(catalog.loadTable(identifier(table)));
    } catch (NoSuchTableException e) {
      return Optional.empty();
    }
  }

  /** The table, created (with its namespace) at its lake folder when the catalog does not have it yet. */
  public Table createIfAbsent(LakeTable table) {
    Optional<Table> existing = find(table);
    if (existing.isPresent()) {
      return existing.get();
    }
    if (catalog instanceof SupportsNamespaces namespaces && !namespaces.namespaceExists(Namespace.of(LakeCatalog.NAME))) {
      try {
        namespaces.createNamespace(Namespace.of(LakeCatalog.NAME));
      } catch (AlreadyExistsException e) {
        // created meanwhile: fine
      }
    }
    Schema schema = schema(table);
    NameMapping mapping = MappingUtil.create(schema);
    return catalog
        .buildTable(identifier(table), schema)
        .withPartitionSpec(spec(table, schema))
        .withLocation(lake.location(table))
        .withProperties(
            Map.of(
                TableProperties.FORMAT_VERSION, "2",
                TableProperties.PARQUET_COMPRESSION, "snappy",
                TableProperties.DEFAULT_NAME_MAPPING, NameMappingParser.toJson(mapping),
                "stedi.table", table.tableName()))
        .create();
  }

  /** Where a run writes a table's data files: {@code <table folder>/data/<runId>}. */
  public String dataFolder(LakeTable table, String runId) {
    return lake.location(table) + "/" + DATA + "/" + runId;
  }

  /**
   * The data files of a table's current snapshot (empty for a table without one).
   *
   * @throws LakeException when the snapshot has delete files (written by another engine's row-level
   *     delete or update), which a pipeline reading data files would not apply
   */
  public List<String> currentFiles(LakeTable table) {
    Table t = find(table).orElseThrow(() -> new IllegalStateException(table.tableName() + " is not in the catalog"));
    return files(t, t.currentSnapshot() == null ? null : t.currentSnapshot().snapshotId());
  }

  static List<String> files(Table table, Long snapshotId) {
    if (snapshotId == null) {
      return List.of();
    }
    List<String> files = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(snapshotId).planFiles()) {
      for (FileScanTask task : tasks) {
        if (!task.deletes().isEmpty()) {
          throw new LakeException(
              table.name() + " has row-level deletes (delete files, written by another engine's DELETE, UPDATE or "
                  + "MERGE); the lakehouse reads whole data files only: compact the table first (Spark: CALL "
                  + "system.rewrite_data_files) or run the job that builds it again");
        }
        files.add(task.file().path().toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot plan the files of " + table.name() + ": " + e.getMessage(), e);
    }
    files.sort(null);
    return files;
  }

  /** What one table's commit did. */
  public record Committed(LakeTable table, long snapshotId, long timestampMillis, int files, int expired, int orphansRemoved) {}

  /**
   * Replaces the table's contents with the Parquet files of the run's data folder, in one commit,
   * then expires snapshots beyond {@code keepSnapshots} and removes unreferenced data files.
   */
  public Committed commit(LakeTable table, String runId, int keepSnapshots) {
    if (keepSnapshots < 1) {
      throw new IllegalArgumentException("--keepSnapshots must be at least 1, got " + keepSnapshots);
    }
    Table t = createIfAbsent(table);
    String folder = dataFolder(table, runId);
    NameMapping mapping = NameMappingParser.fromJson(t.properties().get(TableProperties.DEFAULT_NAME_MAPPING));
    MetricsConfig metrics = MetricsConfig.forTable(t);
    BeamFileIO io = new BeamFileIO();
    OverwriteFiles overwrite = t.newOverwrite().overwriteByRowFilter(Expressions.alwaysTrue());
    int count = 0;
    for (MatchResult.Metadata file : parquetFiles(folder)) {
      String path = file.resourceId().toString();
      DataFiles.Builder builder =
          DataFiles.builder(t.spec())
              .withPath(path)
              .withFormat(FileFormat.PARQUET)
              .withFileSizeInBytes(file.sizeBytes())
              .withMetrics(ParquetUtil.fileMetrics(io.newInputFile(path, file.sizeBytes()), metrics, mapping));
      if (t.spec().isPartitioned()) {
        builder.withPartitionPath(partitionPath(folder, path));
      }
      DataFile dataFile = builder.build();
      overwrite.addFile(dataFile);
      count++;
    }
    overwrite.set(RUN_ID, runId).commit();
    t.refresh();
    Snapshot current = t.currentSnapshot();
    int before = size(t.snapshots());
    t.expireSnapshots().expireOlderThan(current.timestampMillis() + 1).retainLast(keepSnapshots).commit();
    t.refresh();
    int expired = before - size(t.snapshots());
    int orphans = removeOrphans(t, table);
    return new Committed(table, current.snapshotId(), current.timestampMillis(), count, expired, orphans);
  }

  /**
   * Deletes the data files under the table's data folder that no snapshot of the table references:
   * the files of runs that were killed (or failed) before they committed, and any left by an expiry
   * that was cut short.
   */
  int removeOrphans(Table t, LakeTable table) {
    Set<String> referenced = new HashSet<>();
    for (Snapshot snapshot : t.snapshots()) {
      referenced.addAll(files(t, snapshot.snapshotId()));
    }
    List<ResourceId> orphans = new ArrayList<>();
    for (MatchResult.Metadata file : allFiles(lake.location(table) + "/" + DATA)) {
      String path = file.resourceId().toString();
      if (path.endsWith("/")) {
        continue; // an object store's folder marker, not a file
      }
      if (!referenced.contains(path)) {
        orphans.add(file.resourceId());
      }
    }
    try {
      FileSystems.delete(orphans, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the unreferenced files of " + table.tableName() + ": " + e.getMessage(), e);
    }
    return orphans.size();
  }

  /** {@code dt=2022-06-18} of {@code <folder>/dt=2022-06-18/part-0.parquet}. */
  static String partitionPath(String folder, String file) {
    String relative = file.substring(folder.length() + 1);
    int slash = relative.lastIndexOf('/');
    if (slash < 0 || !relative.startsWith(LakeTable.PARTITION_COLUMN + "=")) {
      throw new IllegalStateException(file + " is not in a " + LakeTable.PARTITION_COLUMN + "= folder of " + folder);
    }
    return relative.substring(0, slash);
  }

  private static List<MatchResult.Metadata> parquetFiles(String folder) {
    List<MatchResult.Metadata> files = new ArrayList<>();
    for (MatchResult.Metadata file : allFiles(folder)) {
      if (HiddenNames.isTableFile(folder, file.resourceId().toString())) {
        files.add(file);
      }
    }
    return files;
  }

  private static List<MatchResult.Metadata> allFiles(String folder) {
    try {
      MatchResult match = FileSystems.match(folder + "/**", EmptyMatchTreatment.ALLOW);
      List<MatchResult.Metadata> files = new ArrayList<>(match.status() == MatchResult.Status.NOT_FOUND ? List.of() : match.metadata());
      files.sort((a, b) -> a.resourceId().toString().compareTo(b.resourceId().toString()));
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + folder + ": " + e.getMessage(), e);
    }
  }

  private static int size(Iterable<?> items) {
    int n = 0;
    for (Object ignored : items) {
      n++;
    }
    return n;
  }

  static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root instanceof java.net.UnknownHostException) {
      return "unknown host " + root.getMessage() + " (no network, or a wrong region or endpoint)";
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  @Override
  public void close() {
    if (catalog instanceof Closeable closeable) {
      try {
        closeable.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot close the Iceberg catalog " + where.describe() + ": " + e.getMessage(), e);
      }
    }
  }
}
