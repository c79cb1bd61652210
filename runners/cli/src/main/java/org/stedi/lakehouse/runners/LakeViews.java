package org.stedi.lakehouse.runners;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.stedi.lakehouse.model.Column;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.pipelines.iceberg.IcebergReader;
import org.stedi.lakehouse.pipelines.iceberg.IcebergTables;
import org.stedi.lakehouse.pipelines.run.Lake;
import org.stedi.lakehouse.pipelines.run.TableFiles;

/**
 * Every table of a local lake as a DuckDB view under its own name: the landing tables from their
 * JSON lines, typed as the DDL types them (lines that do not parse are left out, as the pipelines
 * quarantine them); the output tables from their Parquet files by the reading rule, or, for an
 * Iceberg table, from the files of its current snapshot; {@code dt} from each file's folder. The
 * files are listed when the views are made: a query sees the tables as they were then.
 */
final class LakeViews {
  private LakeViews() {}

  static void create(Connection duck, Lake lake, String catalog) throws SQLException {
    try (Statement statement = duck.createStatement()) {
      IcebergTables iceberg = null;
      try {
        for (LakeTable table : LakeTable.values()) {
          List<String> files;
          if (IcebergReader.isIcebergTable(lake, table)) {
            if (iceberg == null) {
              iceberg = IcebergTables.open(lake, catalog);
            }
            files = iceberg.currentFiles(table);
          } else {
            files = new ArrayList<>();
            for (MatchResult.Metadata file : TableFiles.list(lake.location(table), table)) {
              files.add(file.resourceId().toString());
            }
          }
          statement.execute("CREATE VIEW " + table.tableName() + " AS " + source(table, files));
        }
      } finally {
        if (iceberg != null) {
          iceberg.close();
        }
      }
    }
  }

  /** The SELECT a table's view runs: its columns, typed, then {@code dt} for a reading table. */
  static String source(LakeTable table, List<String> files) {
    List<String> columns = new ArrayList<>();
    for (Column column : table.columns()) {
      columns.add(quote(column.name()) + "::" + duckType(column) + " AS " + quote(column.name()));
    }
    boolean partitioned = table.isParquet() && table.partitionTimeColumn().isPresent();
    if (partitioned) {
      columns.add(quote(LakeTable.PARTITION_COLUMN) + "::VARCHAR AS " + quote(LakeTable.PARTITION_COLUMN));
    }
    String select = "SELECT " + String.join(", ", columns);
    if (files.isEmpty()) {
      List<String> nulls = new ArrayList<>();
      for (Column column : table.columns()) {
        nulls.add("NULL::" + duckType(column) + " AS " + quote(column.name()));
      }
      if (partitioned) {
        nulls.add("NULL::VARCHAR AS " + quote(LakeTable.PARTITION_COLUMN));
      }
      return "SELECT " + String.join(", ", nulls) + " WHERE false";
    }
    String list = "[" + String.join(", ", files.stream().map(LakeViews::literal).toList()) + "]";
    if (table.isParquet()) {
      return select + " FROM read_parquet(" + list + (partitioned ? ", hive_partitioning = true" : "") + ")";
    }
    List<String> types = new ArrayList<>();
    for (Column column : table.columns()) {
      types.add(literal(column.name()) + ": " + literal(duckType(column)));
    }
    return select + " FROM read_json(" + list + ", format = 'newline_delimited', columns = {"
        + String.join(", ", types) + "}, ignore_errors = true)";
  }

  static String duckType(Column column) {
    return switch (column.type()) {
      case STRING -> "VARCHAR";
      case BIGINT -> "BIGINT";
      case DOUBLE -> "DOUBLE";
    };
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  private static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  /** Whether a statement only reads: one statement whose first word is a query's. */
  static boolean readsOnly(String sql) {
    String text = sql.strip();
    while (text.endsWith(";")) {
      text = text.substring(0, text.length() - 1).strip();
    }
    String first = text.split("[\\s(]+", 2)[0].toLowerCase(Locale.ROOT);
    return List.of("select", "with", "from", "values", "table", "describe", "show", "summarize", "pivot", "unpivot")
            .contains(first)
        && !text.contains(";");
  }
}
