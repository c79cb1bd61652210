package org.stedi.lakehouse.runners;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A separate Spark SQL process for the Iceberg tests: {@code LAKE OUT NAME SQL [NAME SQL]...} runs
 * each query, a scalar, against the lake's embedded Iceberg catalog (catalog {@code stedi}, as a
 * user configures Spark for it) and writes {@code NAME<TAB>VALUE} lines to OUT. It runs on Iceberg's
 * Spark runtime alone, without the writer's Iceberg jars, as a reader of the lake would. System
 * properties {@code catalog.*} add to or replace the catalog's settings ({@code
 * -Dcatalog.uri=jdbc:sqlite:...}, {@code -Dcatalog.io-impl=org.apache.iceberg.aws.s3.S3FileIO}).
 */
public final class SparkSqlScalars {
  private SparkSqlScalars() {}

  public static void main(String[] args) throws IOException {
    String lake = args[0];
    SparkSession.Builder builder =
        SparkSession.builder()
            .master("local[2]")
            .appName("iceberg-reader")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
            .config("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
            .config("spark.sql.catalog.stedi", "org.apache.iceberg.spark.SparkCatalog")
            .config("spark.sql.catalog.stedi.type", "jdbc")
            .config("spark.sql.catalog.stedi.uri", "jdbc:sqlite:" + lake + "/_catalog/iceberg.db")
            .config("spark.sql.catalog.stedi.warehouse", lake);
    for (String name : System.getProperties().stringPropertyNames()) {
      if (name.startsWith("catalog.")) {
        builder.config("spark.sql.catalog.stedi." + name.substring("catalog.".length()), System.getProperty(name));
      }
    }
    SparkSession spark = builder.getOrCreate();
    try {
      List<String> lines = new ArrayList<>();
      for (int i = 2; i + 1 < args.length; i += 2) {
        List<Row> rows = spark.sql(args[i + 1]).collectAsList();
        Object value = rows.isEmpty() ? null : rows.get(0).get(0);
        lines.add(args[i] + "\t" + value);
      }
      Files.write(Path.of(args[1]), lines, StandardCharsets.UTF_8);
    } finally {
      spark.stop();
    }
  }
}
