package org.stedi.lakehouse.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.model.Zone;

/**
 * One way of building the five tables from a lake's landing data: the lakehouse on one runner, or
 * one of the hand-written SQL baselines (Spark SQL with Spark's defaults, the same Spark SQL tuned
 * for the machine, DuckDB).
 *
 * @param id the name used on the command line ({@code --only})
 * @param label the name in the results
 * @param lakehouse whether this is the lakehouse (the targets are about these)
 * @param classpathKey which classpath of the build runs it: {@code cli}, {@code spark}, {@code
 *     flink} or {@code bench}
 * @param mainClass the program
 * @param arguments its arguments for a lake and an output folder (the lakehouse writes into the
 *     lake itself and ignores the output folder)
 */
record Implementation(
    String id, String label, boolean lakehouse, String classpathKey, String mainClass, Arguments arguments) {

  /** The arguments of one run. */
  interface Arguments {
    List<String> of(Path lake, Path out);
  }

  private static final String STEDI = "org.stedi.lakehouse.runners.StediCommand";

  static final List<Implementation> ALL =
      List.of(
          new Implementation(
              "direct", "lakehouse, DirectRunner", true, "cli", STEDI,
              (lake, out) -> List.of("lakehouse", "--lake=" + lake, "--runner=DirectRunner")),
          new Implementation(
              "spark", "lakehouse, SparkRunner local[2]", true, "spark", STEDI,
              (lake, out) -> List.of("lakehouse", "--lake=" + lake, "--runner=SparkRunner", "--sparkMaster=local[2]")),
          new Implementation(
              "flink", "lakehouse, FlinkRunner parallelism 2", true, "flink", STEDI,
              (lake, out) -> List.of("lakehouse", "--lake=" + lake, "--runner=FlinkRunner", "--parallelism=2")),
          new Implementation(
              "sparksql", "Spark SQL by hand, local[2]", false, "bench", SparkSqlJob.class.getName(),
              (lake, out) -> List.of(lake.toString(), out.toString(), "local[2]")),
          new Implementation(
              "sparksqltuned", "Spark SQL tuned, local[2]", false, "bench", SparkSqlTunedJob.class.getName(),
              (lake, out) -> List.of(lake.toString(), out.toString(), "local[2]")),
          new Implementation(
              "duckdb", "DuckDB SQL, 2 threads", false, "bench", DuckDbJob.class.getName(),
              (lake, out) -> List.of(lake.toString(), out.toString(), "2")));

  /**
   * Where this implementation's tables are, by table name: the lakehouse writes them into the lake
   * as the contract lays it out, the baselines into {@code OUT/<table>/}.
   */
  Map<String, Path> tables(Path lake, Path out) {
    Map<String, Path> tables = new TreeMap<>();
    for (LakeTable table : LakeTable.values()) {
      if (table.zone() != Zone.LANDING) {
        tables.put(table.tableName(), lakehouse ? lake.resolve(table.path()) : out.resolve(table.tableName()));
      }
    }
    return tables;
  }
}
