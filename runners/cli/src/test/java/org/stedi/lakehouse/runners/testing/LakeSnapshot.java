package org.stedi.lakehouse.runners.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.stedi.lakehouse.fixtures.TableFolder;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.model.Source;

/**
 * Every row of a lake's five output tables, read by DuckDB as an independent reader following the
 * contract's reading rule (section 1: every {@code .parquet} file under the table folder, hidden names left
 * out), and every quarantined line: what two runs of the same landing data must agree on, whatever
 * runner wrote them.
 *
 * <p>Rows are sorted and rendered as text; quarantined lines are sorted, with the lake's own folder
 * replaced by {@code <lake>} so that lakes in different folders compare equal.
 */
public record LakeSnapshot(Map<String, List<List<String>>> tables) {
  public static final List<LakeTable> OUTPUTS =
      List.of(
          LakeTable.CUSTOMER_TRUSTED,
          LakeTable.ACCELEROMETER_TRUSTED,
          LakeTable.CUSTOMERS_CURATED,
          LakeTable.STEP_TRAINER_TRUSTED,
          LakeTable.MACHINE_LEARNING_CURATED);

  public static LakeSnapshot of(Path lake) {
    Map<String, List<List<String>>> tables = new LinkedHashMap<>();
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      for (LakeTable table : OUTPUTS) {
        tables.put(table.tableName(), rows(duck, lake, table));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("DuckDB cannot read the tables of " + lake + ": " + e.getMessage(), e);
    }
    for (Source source : Source.values()) {
      tables.put(source.quarantinePath(), quarantineLines(lake, source));
    }
    return new LakeSnapshot(tables);
  }

  /** Rows of one table (or quarantine folder, by its lake path). */
  public List<List<String>> rows(String name) {
    return Objects.requireNonNull(tables.get(name), name);
  }

  /**
   * Where this snapshot and another differ: per table, the row counts and the first rows found in
   * only one of them; empty when they are identical.
   */
  public String differencesFrom(LakeSnapshot other, String thisName, String otherName) {
    StringBuilder out = new StringBuilder();
    for (String table : tables.keySet()) {
      List<List<String>> mine = rows(table);
      List<List<String>> theirs = other.tables.getOrDefault(table, List.of());
      if (mine.equals(theirs)) {
        continue;
      }
      out.append(String.format("%s: %d rows on %s, %d on %s%n", table, mine.size(), thisName, theirs.size(), otherName));
      appendOnlyIn(out, mine, theirs, thisName);
      appendOnlyIn(out, theirs, mine, otherName);
    }
    return out.toString();
  }

  private static void appendOnlyIn(StringBuilder out, List<List<String>> rows, List<List<String>> others, String name) {
    Set<List<String>> otherSet = new HashSet<>(others);
    rows.stream()
        .filter(row -> !otherSet.contains(row))
        .limit(3)
        .forEach(row -> out.append("  only on ").append(name).append(": ").append(row).append('\n'));
  }

  private static List<List<String>> rows(Connection duck, Path lake, LakeTable table) throws SQLException {
    List<String> files =
        TableFolder.parquetFiles(lake.resolve(table.path())).stream()
            .map(file -> "'" + file.replace("'", "''") + "'")
            .toList();
    List<List<String>> result = new ArrayList<>();
    if (files.isEmpty()) {
      return result;
    }
    String sql =
        "SELECT * FROM read_parquet(["
            + String.join(", ", files)
            + "], hive_partitioning = true) ORDER BY ALL";
    try (Statement statement = duck.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      ResultSetMetaData meta = rows.getMetaData();
      while (rows.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          row.add(meta.getColumnName(i) + "=" + rows.getString(i));
        }
        result.add(row);
      }
    }
    return result;
  }

  private static List<List<String>> quarantineLines(Path lake, Source source) {
    Path folder = lake.resolve(source.quarantinePath());
    if (!Files.exists(folder)) {
      return List.of();
    }
    try {
      Path real = folder.toRealPath();
      String lakeRoot = lake.toRealPath().toString();
      String lakeGiven = lake.toString();
      List<List<String>> lines = new ArrayList<>();
      try (Stream<Path> walk = Files.walk(real)) {
        for (Path file : walk.filter(Files::isRegularFile).filter(f -> !TableFolder.isHidden(real.relativize(f))).toList()) {
          for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lines.add(List.of(line.replace(lakeRoot, "<lake>").replace(lakeGiven, "<lake>")));
          }
        }
      }
      lines.sort((a, b) -> a.get(0).compareTo(b.get(0)));
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
