package org.stedi.lakehouse.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The DuckDB baseline: reads the three landing folders of a lake with {@code read_json}, computes
 * the five tables (and the device owners they rest on) with {@link LakeSql}, each into a DuckDB
 * table, and writes each of the five as Snappy Parquet under {@code OUT/<table>/}, the reading
 * tables partitioned by {@code dt} (UTC day).
 *
 * <pre>{@code
 * java -cp ... org.stedi.lakehouse.bench.DuckDbJob LAKE OUT [THREADS]
 * }</pre>
 */
public final class DuckDbJob {
  private DuckDbJob() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: DuckDbJob LAKE OUT [THREADS]");
      System.exit(2);
    }
    Path lake = Path.of(args[0]).toAbsolutePath();
    Path out = Path.of(args[1]).toAbsolutePath();
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
    run(lake, out, threads);
  }

  /** Writes the five tables of {@code lake} under {@code out}, replacing what is there. */
  static void run(Path lake, Path out, int threads) throws Exception {
    Tree.delete(out);
    Files.createDirectories(out);
    LakeSql sql = new LakeSql(identifier -> '"' + identifier + '"');
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      statement.execute("SET threads = " + threads);
      statement.execute("SET preserve_insertion_order = false");
      view(statement, "customer_landing", lake.resolve("customer/landing"), LakeSql.CUSTOMER_COLUMNS);
      view(statement, "accelerometer_landing", lake.resolve("accelerometer/landing"), LakeSql.ACCELEROMETER_COLUMNS);
      view(statement, "step_trainer_landing", lake.resolve("step_trainer/landing"), LakeSql.STEP_TRAINER_COLUMNS);
      for (LakeSql.Table table : LakeSql.Table.values()) {
        statement.execute("CREATE TABLE " + table.tableName + " AS " + sql.select(table));
        if (!table.written) {
          continue;
        }
        Path target = out.resolve(table.tableName);
        if (table.dayColumn == null) {
          Files.createDirectories(target);
          statement.execute(
              "COPY " + table.tableName + " TO '" + target.resolve("part-0.parquet")
                  + "' (FORMAT parquet, COMPRESSION snappy)");
        } else {
          statement.execute(
              "COPY (SELECT *, strftime(epoch_ms(" + sql.q(table.dayColumn) + "), '%Y-%m-%d') AS dt FROM "
                  + table.tableName + ") TO '" + target + "' (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (dt))");
        }
      }
    }
  }

  private static void view(Statement statement, String name, Path folder, List<String> columns)
      throws SQLException {
    String columnTypes =
        columns.stream()
            .map(c -> "'" + c + "': '" + LakeSql.type(c, "VARCHAR") + "'")
            .collect(Collectors.joining(", ", "{", "}"));
    statement.execute(
        "CREATE VIEW " + name + " AS SELECT * FROM read_json('" + folder + "/*', format = 'newline_delimited', "
            + "columns = " + columnTypes + ")");
  }
}
