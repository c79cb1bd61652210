package org.stedi.lakehouse.pipelines;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.stedi.lakehouse.fixtures.TableFolder;
import org.stedi.lakehouse.model.LakeTable;

/**
 * An independent reader of the lake's Parquet tables: DuckDB, following the contract's section 1 reading
 * rule (every {@code .parquet} file under the table folder, hidden names left out).
 */
final class DuckDb implements AutoCloseable {
  private final Connection connection;

  DuckDb() throws SQLException {
    connection = DriverManager.getConnection("jdbc:duckdb:");
  }

  /** The table as DuckDB sees it, or an empty view if the folder holds no visible Parquet file. */
  String source(Path lake, LakeTable table) throws Exception {
    List<String> files =
        TableFolder.parquetFiles(lake.resolve(table.path())).stream()
            .map(file -> "'" + file.replace("'", "''") + "'")
            .toList();
    if (files.isEmpty()) {
      return null;
    }
    return "read_parquet([" + String.join(", ", files) + "], hive_partitioning = true)";
  }

  long count(Path lake, LakeTable table) throws Exception {
    String source = source(lake, table);
    if (source == null) {
      return 0;
    }
    return queryLong("SELECT count(*) FROM " + source);
  }

  long queryLong(String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /** Every row of the query as a list of its values rendered as text, for exact comparisons. */
  List<List<String>> rows(String sql) throws SQLException {
    List<List<String>> result = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      ResultSetMetaData meta = rows.getMetaData();
      while (rows.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          row.add(rows.getString(i));
        }
        result.add(row);
      }
    }
    return result;
  }

  List<String> columns(String sql) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql + " LIMIT 0")) {
      ResultSetMetaData meta = rows.getMetaData();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        names.add(meta.getColumnName(i));
      }
    }
    return names;
  }

  /** Runs a statement that returns no rows (a table of test data, say). */
  void execute(String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  /** A prepared statement on this database, for loading rows in batches; the caller closes it. */
  PreparedStatement prepare(String sql) throws SQLException {
    return connection.prepareStatement(sql);
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
