package org.stedi.lakehouse.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One way of building the five tables from a lake's landing data: the lakehouse on one runner, or
 * one of the hand-written SQL baselines.
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
              "duckdb", "DuckDB SQL, 2 threads", false, "bench", DuckDbJob.class.getName(),
              (lake, out) -> List.of(lake.toString(), out.toString(), "2")));

  /** Where this implementation's tables are, by table name. */
  Map<String, Path> tables(Path lake, Path out) {
    if (lakehouse) {
      return Map.of(
          "customer_trusted", lake.resolve("customer/trusted"),
          "accelerometer_trusted", lake.resolve("accelerometer/trusted"),
          "customers_curated", lake.resolve("customer/curated"),
          "step_trainer_trusted", lake.resolve("step_trainer/trusted"),
          "machine_learning_curated", lake.resolve("step_trainer/curated"));
    }
    return Map.of(
        "customer_trusted", out.resolve("customer_trusted"),
        "accelerometer_trusted", out.resolve("accelerometer_trusted"),
        "customers_curated", out.resolve("customers_curated"),
        "step_trainer_trusted", out.resolve("step_trainer_trusted"),
        "machine_learning_curated", out.resolve("machine_learning_curated"));
  }
}
