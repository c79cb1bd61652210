package org.stedi.lakehouse.bench;

import static org.apache.spark.sql.functions.broadcast;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The Spark SQL baseline as a Glue or EMR engineer tunes it: the same statements ({@link LakeSql}),
 * the same tables under {@code OUT/<table>/} (Snappy Parquet, the reading tables partitioned by
 * {@code dt}) and the same rows as {@link SparkSqlJob}, which keeps Spark's defaults. What differs
 * is only how Spark runs them:
 *
 * <ul>
 *   <li>{@code spark.sql.shuffle.partitions} = 2 x the cores ({@code defaultParallelism}: 4 on
 *       {@code local[2]}). The default, 200, is sized for a cluster; on two cores every exchange
 *       then runs 200 tasks of a few thousand rows, and the job's time goes to scheduling them.
 *       Twice the cores keeps both cores busy when one task is slower than the other.
 *   <li>{@code spark.sql.adaptive.enabled} and {@code spark.sql.adaptive.coalescePartitions.enabled}
 *       on (the default since Spark 3.2, off in Glue 3.0; set explicitly so the job does not depend
 *       on the Glue version): after each exchange Spark merges small partitions, so the small
 *       tables' stages run in one or two tasks, and turns a shuffle join into a broadcast join when
 *       a side turns out small at run time.
 *   <li>{@code spark.serializer} = Kryo: serialized cache blocks and broadcasts are smaller and
 *       faster to write than with Java serialization. (Spark SQL's shuffles move binary rows with
 *       their own serializer either way.)
 *   <li>Only the relations used more than once (read by a later statement or written, counting
 *       each) are persisted, and each is released as soon as its last user has been computed. That
 *       includes two landing views, {@code accelerometer_landing} and {@code step_trainer_landing},
 *       which {@code device_owners} reads as well as a trusted table: cached, their JSON is parsed
 *       once instead of twice. The level is {@code MEMORY_AND_DISK_SER}: each cached block of
 *       columnar batches is one byte array, which the memory store measures exactly instead of
 *       estimating object sizes and the garbage collector sees as one object, and blocks that do not
 *       fit spill to disk instead of being recomputed. A
 *       relation that is not written ({@code device_owners}) is persisted and counted whatever its
 *       uses, so that every statement has been computed when its inputs are released.
 *   <li>Broadcast hints on the small relations: the customers ({@code customer_trusted}, {@code
 *       customers_curated}) and {@code device_owners} (one row per owned device). Where such a
 *       relation is the side a join can build, every task joins against an in-memory copy and the
 *       large side (the readings) is not shuffled, whatever the statistics estimate before run time.
 *       Where a hinted relation is the outer side of an {@code IN} ({@code customer_trusted} in
 *       {@code customers_curated}), a semi join cannot build it; Spark ignores the hint there and
 *       logs that it is not part of a join.
 *   <li>No {@code repartition(dt)} before a partitioned write: it would shuffle the largest tables
 *       once more only to write one file per day, and hash the 30 days into 4 partitions of uneven
 *       size. Each write task writes one file per day it holds instead, so at most {@code
 *       spark.sql.shuffle.partitions} files per day, and one when adaptive execution has merged a
 *       small table's tasks. {@code spark.sql.files.maxRecordsPerFile} stays unset: it can only
 *       split files, and at these sizes none is too large.
 * </ul>
 *
 * <pre>{@code
 * java --add-opens=... -cp ... org.stedi.lakehouse.bench.SparkSqlTunedJob LAKE OUT [MASTER]
 * }</pre>
 */
public final class SparkSqlTunedJob {
  private static final StorageLevel CACHE = StorageLevel.MEMORY_AND_DISK_SER();
  private static final Set<LakeSql.Table> BROADCAST =
      Set.of(LakeSql.Table.CUSTOMER_TRUSTED, LakeSql.Table.CUSTOMERS_CURATED, LakeSql.Table.DEVICE_OWNERS);

  private SparkSqlTunedJob() {}

  public static void main(String[] args) throws Exception {
    SparkSqlJob.runFromArguments("SparkSqlTunedJob", args, SparkSqlTunedJob::run);
  }

  /** Writes the five tables of {@code lake} under {@code out}, replacing what is there. */
  static void run(Path lake, Path out, String master) {
    SparkSession spark =
        SparkSqlJob.session("stedi-spark-sql-tuned", master)
            .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
            .config("spark.sql.adaptive.enabled", "true")
            .config("spark.sql.adaptive.coalescePartitions.enabled", "true")
            .getOrCreate();
    try {
      spark.conf().set("spark.sql.shuffle.partitions", 2 * spark.sparkContext().defaultParallelism());
      LakeSql sql = new LakeSql(identifier -> '`' + identifier + '`');
      Map<String, Integer> usesLeft = uses();
      Map<String, Dataset<Row>> cached = new HashMap<>();
      landing(spark, sql, "customer_landing", lake.resolve("customer/landing"), LakeSql.CUSTOMER_COLUMNS, usesLeft, cached);
      landing(spark, sql, "accelerometer_landing", lake.resolve("accelerometer/landing"), LakeSql.ACCELEROMETER_COLUMNS, usesLeft, cached);
      landing(spark, sql, "step_trainer_landing", lake.resolve("step_trainer/landing"), LakeSql.STEP_TRAINER_COLUMNS, usesLeft, cached);
      for (LakeSql.Table table : LakeSql.Table.values()) {
        Dataset<Row> rows = spark.sql(sql.select(table));
        boolean persist = usesLeft.get(table.tableName) > 1 || !table.written;
        if (persist) {
          rows = rows.persist(CACHE);
          cached.put(table.tableName, rows);
        }
        (BROADCAST.contains(table) ? broadcast(rows) : rows).createOrReplaceTempView(table.tableName);
        if (table.written) {
          write(rows, table, out.resolve(table.tableName).toString());
        } else {
          rows.count(); // computes it into the cache, so that what it reads can be released
        }
        // This statement has now been computed: it no longer needs what it read.
        for (String input : table.reads) {
          release(input, usesLeft, cached);
        }
        if (table.written) {
          release(table.tableName, usesLeft, cached);
        }
      }
    } finally {
      spark.stop();
    }
  }

  /** How many times each relation is used: by each later statement that reads it, and by its write. */
  static Map<String, Integer> uses() {
    Map<String, Integer> uses = new HashMap<>();
    LakeSql.LANDING_VIEWS.forEach(view -> uses.put(view, 0));
    for (LakeSql.Table table : LakeSql.Table.values()) {
      uses.put(table.tableName, table.written ? 1 : 0);
      table.reads.forEach(input -> uses.merge(input, 1, Integer::sum));
    }
    return uses;
  }

  private static void landing(
      SparkSession spark,
      LakeSql sql,
      String name,
      Path folder,
      List<String> columns,
      Map<String, Integer> usesLeft,
      Map<String, Dataset<Row>> cached) {
    Dataset<Row> rows = SparkSqlJob.readLanding(spark, sql, folder, columns);
    if (usesLeft.get(name) > 1) {
      rows = rows.persist(CACHE);
      cached.put(name, rows);
    }
    rows.createOrReplaceTempView(name);
  }

  private static void write(Dataset<Row> rows, LakeSql.Table table, String target) {
    if (table.dayColumn == null) {
      rows.write().mode(SaveMode.Overwrite).option("compression", "snappy").parquet(target);
    } else {
      rows.withColumn("dt", SparkSqlJob.day(table.dayColumn))
          .write()
          .mode(SaveMode.Overwrite)
          .option("compression", "snappy")
          .partitionBy("dt")
          .parquet(target);
    }
  }

  /** One use of {@code relation} is over; after the last, its cached blocks are dropped. */
  private static void release(String relation, Map<String, Integer> usesLeft, Map<String, Dataset<Row>> cached) {
    if (usesLeft.merge(relation, -1, Integer::sum) == 0 && cached.containsKey(relation)) {
      cached.remove(relation).unpersist();
    }
  }
}
