package org.stedi.lakehouse.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.model.Column;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.pipelines.Lakehouse;
import org.stedi.lakehouse.testing.InProcessCommand;
import org.stedi.lakehouse.testing.InProcessCommand.Outcome;
import org.stedi.lakehouse.testing.JavaProcess;
import org.stedi.lakehouse.testing.RunnerParity;
import org.stedi.lakehouse.testing.S3ProxyServer;

/**
 * The lakehouse's Iceberg tables read by another engine: Spark SQL with Iceberg's own Spark runtime
 * (1.7.1, what Glue 5 ships), in a process of its own that has none of the writer's Iceberg jars,
 * through the lake's embedded SQLite catalog configured as a user would ({@link SparkSqlScalars}).
 * The lake is written by the lakehouse on the SparkRunner with {@code --tableFormat=iceberg}; the
 * same generated landing data written in the Parquet format on the DirectRunner is the reference:
 * every table holds the same rows in both. A second run is a new snapshot, and the first one still
 * reads its rows (time travel).
 */
class IcebergSparkReaderTest {
  /** The writer's Iceberg jars, which Iceberg's Spark runtime bundles (built against its own shaded Parquet). */
  private static final Pattern WRITER_ICEBERG_JAR =
      Pattern.compile(".*/iceberg-(api|common|core|parquet|data|aws|bundled-guava|orc)-[^/]*\\.jar");

  @TempDir static Path dir;
  private static Path parquetLake;
  private static Path icebergLake;

  private static void run(String lake, String... args) {
    String[] all = Stream.concat(Stream.of("lakehouse", "--lake=" + lake), Stream.of(args)).toArray(String[]::new);
    Outcome run = InProcessCommand.run(StediCommand::execute, all);
    assertEquals(0, run.status(), run.describe());
    assertTrue(run.out().contains("iceberg: ") == List.of(args).contains("--tableFormat=iceberg"), run.describe());
  }

  @BeforeAll
  static void writeTheSameLandingDataAsParquetAndAsIceberg() {
    parquetLake = dir.resolve("parquet");
    icebergLake = dir.resolve("iceberg");
    RunnerParity.generate(parquetLake, RunnerParity.SMALL_SCALE);
    RunnerParity.generate(icebergLake, RunnerParity.SMALL_SCALE);
    run(parquetLake.toString());
    run(icebergLake.toString(), "--tableFormat=iceberg", "--runner=SparkRunner", "--sparkMaster=local[2]");
  }

  /** Runs scalar queries in a Spark SQL process of their own; returns each one's value by name. */
  private static Map<String, String> spark(Map<String, String> queries) {
    return spark(icebergLake.toString(), List.of(), queries);
  }

  /**
   * Runs scalar queries on the lake at {@code lake} in a Spark SQL process of its own, with extra JVM
   * arguments ({@code -Dcatalog.*} settings); with S3FileIO, Iceberg's AWS bundle replaces Beam's AWS
   * SDK on the reader's classpath.
   */
  private static Map<String, String> spark(String lake, List<String> jvm, Map<String, String> queries) {
    boolean s3 = jvm.stream().anyMatch(arg -> arg.contains("S3FileIO"));
    Stream<String> entries =
        Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(entry -> !WRITER_ICEBERG_JAR.matcher(entry).matches())
            .filter(entry -> !s3 || !entry.contains("/software/amazon/awssdk/"));
    if (s3) {
      entries = Stream.concat(entries, Stream.of(Path.of("target", "iceberg-aws", "iceberg-aws-bundle.jar").toAbsolutePath().toString()));
    }
    String classpath = entries.reduce((a, b) -> a + File.pathSeparator + b).orElseThrow();
    Path out = dir.resolve("spark-" + System.nanoTime() + ".tsv");
    List<String> args = new ArrayList<>(List.of(JavaProcess.buildProperty("stedi.javaOpens").split("\\s+")));
    args.addAll(jvm);
    args.addAll(List.of("-cp", classpath, SparkSqlScalars.class.getName(), lake, out.toString()));
    queries.forEach((name, sql) -> {
      args.add(name);
      args.add(sql);
    });
    JavaProcess.Outcome reader = JavaProcess.java(dir.resolve("spark-" + System.nanoTime() + ".log"), args);
    assertEquals(0, reader.status(), reader.describe());
    Map<String, String> values = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
        String[] parts = line.split("\t", 2);
        values.put(parts[0], parts[1]);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return values;
  }

  /** The table's columns, then dt for a reading table. */
  private static String columns(LakeTable table) {
    String list = String.join(", ", table.columns().stream().map(Column::name).toList());
    return table.partitionTimeColumn().isPresent() ? list + ", " + LakeTable.PARTITION_COLUMN : list;
  }

  private static String parquet(LakeTable table) {
    return "(SELECT " + columns(table) + " FROM parquet.`" + parquetLake.resolve(table.path()) + "`)";
  }

  private static String iceberg(LakeTable table) {
    return "(SELECT " + columns(table) + " FROM stedi.stedi." + table.tableName() + ")";
  }

  @Test
  void sparksIcebergRuntimeReadsEveryTableWithTheRowsOfTheParquetFormat() {
    Map<String, String> queries = new LinkedHashMap<>();
    for (LakeTable table : Lakehouse.JOB.outputs()) {
      String name = table.tableName();
      queries.put(name + ".parquet", "SELECT count(*) FROM " + parquet(table));
      queries.put(name + ".iceberg", "SELECT count(*) FROM " + iceberg(table));
      queries.put(name + ".missing", "SELECT count(*) FROM (" + parquet(table) + " EXCEPT ALL " + iceberg(table) + ")");
      queries.put(name + ".extra", "SELECT count(*) FROM (" + iceberg(table) + " EXCEPT ALL " + parquet(table) + ")");
    }
    queries.put("days", "SELECT count(DISTINCT dt) FROM stedi.stedi.accelerometer_trusted");
    queries.put("partitions", "SELECT count(*) FROM stedi.stedi.accelerometer_trusted.partitions");

    Map<String, String> values = spark(queries);

    for (LakeTable table : Lakehouse.JOB.outputs()) {
      String name = table.tableName();
      assertTrue(Long.parseLong(values.get(name + ".parquet")) > 0, name + " is empty in the Parquet lake: " + values);
      assertEquals(values.get(name + ".parquet"), values.get(name + ".iceberg"), name + ": rows; " + values);
      assertEquals("0", values.get(name + ".missing"), name + ": Parquet rows missing from Iceberg; " + values);
      assertEquals("0", values.get(name + ".extra"), name + ": Iceberg rows not in Parquet; " + values);
    }
    assertEquals(values.get("days"), values.get("partitions"), "dt is the table's partition: " + values);
  }

  @Test
  void aSecondRunIsANewSnapshotAndTheFirstStillReadsItsRows() {
    String latest = "SELECT snapshot_id FROM stedi.stedi.accelerometer_trusted.snapshots ORDER BY committed_at DESC LIMIT 1";
    Map<String, String> before = spark(Map.of("snapshot", latest, "rows", "SELECT count(*) FROM stedi.stedi.accelerometer_trusted"));

    run(icebergLake.toString(), "--tableFormat=iceberg");

    String first = before.get("snapshot");
    Map<String, String> after =
        spark(
            Map.of(
                "snapshot", latest,
                "rows", "SELECT count(*) FROM stedi.stedi.accelerometer_trusted",
                "firstRows", "SELECT count(*) FROM stedi.stedi.accelerometer_trusted VERSION AS OF " + first,
                "runIds",
                "SELECT count(DISTINCT summary['stedi.run-id']) FROM stedi.stedi.accelerometer_trusted.snapshots"));
    assertNotEquals(first, after.get("snapshot"), "a new snapshot: " + after);
    assertEquals(before.get("rows"), after.get("rows"), "replaced, not appended: " + after);
    assertEquals(before.get("rows"), after.get("firstRows"), "time travel: " + after);
    assertEquals("2", after.get("runIds"), "each snapshot names its run: " + after);
  }

  @Test
  void anS3LakesIcebergTablesReadBackThroughS3FileIOWithTheParquetFormatsRows() throws Exception {
    Path buckets = dir.resolve("s3");
    try (S3ProxyServer server = S3ProxyServer.start(buckets)) {
      Path onDisk = server.bucket("stedi").resolve("lake");
      RunnerParity.generate(onDisk, RunnerParity.SMALL_SCALE);
      Path catalog = dir.resolve("s3-catalog.db");
      List<String> args = new ArrayList<>(List.of("--tableFormat=iceberg", "--catalog=jdbc:sqlite:" + catalog, "--pathStyleAccess=true"));
      args.addAll(server.options());
      run("s3://stedi/lake", args.toArray(String[]::new));

      Map<String, String> queries = new LinkedHashMap<>();
      for (LakeTable table : Lakehouse.JOB.outputs()) {
        String name = table.tableName();
        queries.put(name + ".missing", "SELECT count(*) FROM (" + parquet(table) + " EXCEPT ALL " + iceberg(table) + ")");
        queries.put(name + ".extra", "SELECT count(*) FROM (" + iceberg(table) + " EXCEPT ALL " + parquet(table) + ")");
        queries.put(name + ".files", "SELECT min(file_path) FROM stedi.stedi." + name + ".files");
      }
      Map<String, String> values =
          spark(
              "s3://stedi/lake",
              List.of(
                  "-Dcatalog.uri=jdbc:sqlite:" + catalog,
                  "-Dcatalog.io-impl=org.apache.iceberg.aws.s3.S3FileIO",
                  "-Dcatalog.s3.endpoint=" + server.endpoint(),
                  "-Dcatalog.s3.path-style-access=true",
                  "-Dcatalog.s3.access-key-id=" + S3ProxyServer.IDENTITY,
                  "-Dcatalog.s3.secret-access-key=" + S3ProxyServer.CREDENTIAL,
                  "-Dcatalog.client.region=us-east-1"),
              queries);

      for (LakeTable table : Lakehouse.JOB.outputs()) {
        String name = table.tableName();
        assertEquals("0", values.get(name + ".missing"), name + ": Parquet-format rows missing from the S3 Iceberg table; " + values);
        assertEquals("0", values.get(name + ".extra"), name + ": S3 Iceberg rows not in the Parquet format; " + values);
        assertTrue(values.get(name + ".files").startsWith("s3://stedi/lake/" + table.path() + "/data/"), values.toString());
      }
    }
  }
}
