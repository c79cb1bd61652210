package org.stedi.lakehouse.pipelines.tools;

import java.util.ArrayList;
import java.util.List;
import org.stedi.lakehouse.model.Column;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.pipelines.run.Lake;

/**
 * CREATE EXTERNAL TABLE statements for AWS Glue and Athena, generated from the table definitions
 * ({@link LakeTable}): landing tables as JSON with every field typed (OpenX JSON SerDe), the other
 * tables as Parquet, the reading tables partitioned by {@code dt} with Athena partition projection
 * so that new days need no {@code MSCK REPAIR TABLE}. Malformed landing lines read as rows of
 * nulls in Athena rather than failing the query (the pipelines quarantine them). Every identifier is quoted with backticks, so
 * Athena's reserved words ({@code user}, {@code timestamp}) are safe as column names.
 */
public final class GlueDdl {
  private GlueDdl() {}

  /** The statements of every table, in {@link LakeTable} order, separated by blank lines. */
  public static String all(Lake lake, String database) {
    List<String> statements = new ArrayList<>();
    for (LakeTable table : LakeTable.values()) {
      statements.add(createTable(table, lake, database));
    }
    return String.join("\n", statements);
  }

  /**
   * What Athena needs for a lake whose output tables are Iceberg tables ({@code --tableFormat=iceberg}):
   * the landing tables' statements as for the Parquet format, and for each output table no DDL but
   * how to query it. Runs with {@code --catalog=glue} create and commit the tables in the Glue
   * database {@code stedi} themselves; tables that another catalog holds can be registered in Glue
   * from their current metadata file with Iceberg's {@code register_table} procedure.
   */
  public static String allIceberg(Lake lake) {
    List<String> statements = new ArrayList<>();
    statements.add(
        "-- The output tables are Iceberg tables: runs with --tableFormat=iceberg --catalog=glue create and commit them\n"
            + "-- in the Glue database stedi, and Athena (engine version 3) reads them as they are, with no DDL.\n"
            + "CREATE DATABASE IF NOT EXISTS `stedi`;\n");
    for (LakeTable table : LakeTable.values()) {
      if (!table.isParquet()) {
        statements.add(createTable(table, lake, "stedi"));
        continue;
      }
      String name = table.tableName();
      statements.add(
          "-- " + name + ": an Iceberg table at " + lake.location(table) + "/ (no DDL).\n"
              + "--   SELECT * FROM stedi." + name + " LIMIT 10;\n"
              + "--   SELECT * FROM \"stedi\".\"" + name + "$snapshots\";  -- then FOR VERSION AS OF <snapshot_id>\n"
              + "-- Held by another catalog (REST, JDBC)? Register its current metadata file in Glue, from Spark with\n"
              + "-- Iceberg's Glue catalog (the file is the newest " + lake.location(table) + "/metadata/*.metadata.json):\n"
              + "--   CALL glue.system.register_table('stedi." + name + "', '" + lake.location(table)
              + "/metadata/NNNNN-UUID.metadata.json');\n");
    }
    return String.join("\n", statements);
  }

  /** The statement of one table, ending with a newline. */
  public static String createTable(LakeTable table, Lake lake, String database) {
    StringBuilder sql = new StringBuilder();
    sql.append("-- ").append(table.tableName()).append(": generated from the table definition; do not edit by hand.\n");
    sql.append("CREATE EXTERNAL TABLE IF NOT EXISTS ")
        .append(quote(database))
        .append('.')
        .append(quote(table.tableName()))
        .append(" (\n");
    List<Column> columns = table.columns();
    for (int i = 0; i < columns.size(); i++) {
      Column column = columns.get(i);
      sql.append("  ").append(quote(column.name())).append(' ').append(column.type().hiveType());
      sql.append(i < columns.size() - 1 ? ",\n" : "\n");
    }
    sql.append(")\n");
    String location = lake.location(table) + "/";
    if (!table.isParquet()) {
      sql.append("ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'\n");
      sql.append("WITH SERDEPROPERTIES ('ignore.malformed.json' = 'TRUE', 'dots.in.keys' = 'FALSE', 'case.insensitive' = 'TRUE')\n");
      sql.append("STORED AS INPUTFORMAT 'org.apache.hadoop.mapred.TextInputFormat'\n");
      sql.append("OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'\n");
      sql.append("LOCATION '").append(location).append("'\n");
      sql.append("TBLPROPERTIES ('classification' = 'json');\n");
      return sql.toString();
    }
    if (table.partitionTimeColumn().isPresent()) {
      sql.append("PARTITIONED BY (").append(quote(LakeTable.PARTITION_COLUMN)).append(" string)\n");
    }
    sql.append("STORED AS PARQUET\n");
    sql.append("LOCATION '").append(location).append("'\n");
    sql.append("TBLPROPERTIES (\n  'classification' = 'parquet',\n  'parquet.compression' = 'SNAPPY'");
    table
        .partitionTimeColumn()
        .ifPresent(
            timeColumn ->
                sql.append(",\n  'projection.enabled' = 'true',\n")
                    .append("  'projection.dt.type' = 'date',\n")
                    .append("  'projection.dt.format' = 'yyyy-MM-dd',\n")
                    .append("  'projection.dt.range' = '2015-01-01,NOW',\n")
                    .append("  'projection.dt.interval' = '1',\n")
                    .append("  'projection.dt.interval.unit' = 'DAYS',\n")
                    .append("  'storage.location.template' = '")
                    .append(location)
                    .append("dt=${dt}/'"));
    sql.append("\n);\n");
    return sql.toString();
  }

  private static String quote(String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }
}
