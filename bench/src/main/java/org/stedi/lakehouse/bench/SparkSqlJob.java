package org.stedi.lakehouse.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.timestamp_millis;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The Spark SQL baseline: what an AWS Glue user writes by hand. One Spark application reads the
 * three landing folders with a declared schema, computes the five tables (and the device owners
 * they rest on) with {@link LakeSql} (each relation that a later one reads is persisted, memory and
 * disk), and writes each of the five as Snappy Parquet under {@code OUT/<table>/}, the reading
 * tables partitioned by {@code dt} (UTC day), one file per partition.
 *
 * <pre>{@code
 * java --add-opens=... -cp ... org.stedi.lakehouse.bench.SparkSqlJob LAKE OUT [MASTER]
 * }</pre>
 */
public final class SparkSqlJob {
  private SparkSqlJob() {}

  public static void main(String[] args) throws Exception {
    runFromArguments("SparkSqlJob", args, SparkSqlJob::run);
  }

  /** A Spark SQL baseline: writes the five tables of a lake under an output folder. */
  interface Job {
    void run(Path lake, Path out, String master);
  }

  /** Runs {@code job} on the command line {@code LAKE OUT [MASTER]}; exits 2 on a wrong one. */
  static void runFromArguments(String name, String[] args, Job job) {
    if (args.length < 2) {
      System.err.println("usage: " + name + " LAKE OUT [MASTER]");
      System.exit(2);
    }
    job.run(Path.of(args[0]).toAbsolutePath(), Path.of(args[1]).toAbsolutePath(), args.length > 2 ? args[2] : "local[2]");
  }

  /** The settings every baseline session has: no UI, UTC. */
  static SparkSession.Builder session(String appName, String master) {
    return SparkSession.builder()
        .appName(appName)
        .master(master)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC");
  }

  /** Writes the five tables of {@code lake} under {@code out}, replacing what is there. */
  static void run(Path lake, Path out, String master) {
    SparkSession spark = session("stedi-spark-sql", master).getOrCreate();
    try {
      LakeSql sql = new LakeSql(identifier -> '`' + identifier + '`');
      landing(spark, sql, "customer_landing", lake.resolve("customer/landing"), LakeSql.CUSTOMER_COLUMNS);
      landing(spark, sql, "accelerometer_landing", lake.resolve("accelerometer/landing"), LakeSql.ACCELEROMETER_COLUMNS);
      landing(spark, sql, "step_trainer_landing", lake.resolve("step_trainer/landing"), LakeSql.STEP_TRAINER_COLUMNS);
      for (LakeSql.Table table : LakeSql.Table.values()) {
        Dataset<Row> rows = spark.sql(sql.select(table));
        if (table != LakeSql.Table.MACHINE_LEARNING_CURATED) {
          rows = rows.persist(StorageLevel.MEMORY_AND_DISK());
        }
        rows.createOrReplaceTempView(table.tableName);
        if (!table.written) {
          continue;
        }
        String target = out.resolve(table.tableName).toString();
        if (table.dayColumn == null) {
          rows.write().mode(SaveMode.Overwrite).option("compression", "snappy").parquet(target);
        } else {
          rows.withColumn("dt", day(table.dayColumn))
              .repartition(col("dt"))
              .write()
              .mode(SaveMode.Overwrite)
              .option("compression", "snappy")
              .partitionBy("dt")
              .parquet(target);
        }
      }
    } finally {
      spark.stop();
    }
  }

  private static void landing(
      SparkSession spark, LakeSql sql, String name, Path folder, List<String> columns) {
    readLanding(spark, sql, folder, columns).createOrReplaceTempView(name);
  }

  /** One landing folder's JSON lines with the declared schema of {@code columns}. */
  static Dataset<Row> readLanding(SparkSession spark, LakeSql sql, Path folder, List<String> columns) {
    String schema =
        columns.stream().map(c -> sql.q(c) + " " + LakeSql.type(c, "STRING")).collect(Collectors.joining(", "));
    return spark.read().schema(schema).json(folder.toString());
  }

  /** The partition value {@code dt} of a row: the UTC day of its epoch-millisecond {@code dayColumn}. */
  static Column day(String dayColumn) {
    return date_format(timestamp_millis(col(dayColumn)), "yyyy-MM-dd");
  }
}
