package org.stedi.lakehouse.runners;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.stedi.lakehouse.pipelines.LakeOptions;
import org.stedi.lakehouse.pipelines.run.Lake;
import org.stedi.lakehouse.pipelines.run.LakeException;
import org.stedi.lakehouse.pipelines.tools.TextTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/**
 * {@code stedi query "SQL"}: a read-only SQL query over every table of a local lake, on an embedded
 * DuckDB ({@link LakeViews}): the tables are views under their own names. One statement that reads
 * (SELECT, WITH, FROM, VALUES, TABLE, DESCRIBE, SHOW, SUMMARIZE, PIVOT); anything else is refused, so
 * a query cannot write into the lake.
 */
@Command(
    name = "stedi query",
    abbreviateSynopsis = true,
    description =
        "Runs a read-only SQL query (DuckDB's dialect) over the lake's tables, each a view under its name: the "
            + "landing tables typed as the DDL types them, the output tables by the reading rule (Iceberg tables: "
            + "their current snapshot).",
    footer = "Example: stedi query \"SELECT dt, count(*) FROM machine_learning_curated GROUP BY dt ORDER BY dt\"")
final class QueryCommand {
  @Parameters(index = "0", paramLabel = "SQL", description = "the query")
  private String sql;

  @Option(names = "--lake", paramLabel = "DIR", description = "the lake (default: " + SampleData.DEFAULT_LAKE + ")")
  private String lake;

  @Option(
      names = "--format",
      paramLabel = "text|csv|json",
      defaultValue = "text",
      description = "an aligned table (default), CSV with a header line, or one JSON object per line")
  private String format;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "print at most N rows (default: 100 as text, every row as csv or json)")
  private Integer limit;

  @Unmatched private List<String> beamArgs = new ArrayList<>();

  @Mixin private ToolCommandLine.HelpOption help;

  private final PrintStream out;

  QueryCommand(PrintStream out) {
    this.out = out;
  }

  int run(String... args) {
    if (ToolCommandLine.parse(this, out, args)) {
      return 0;
    }
    if (!List.of("text", "csv", "json").contains(format)) {
      throw new IllegalArgumentException("--format takes text, csv or json, not " + format);
    }
    if (limit != null && limit < 0) {
      throw new IllegalArgumentException("--limit must be 0 or more, got " + limit);
    }
    if (!LakeViews.readsOnly(sql)) {
      throw new IllegalArgumentException(
          "query runs one statement that reads (SELECT, WITH, FROM, VALUES, TABLE, DESCRIBE, SHOW, SUMMARIZE, PIVOT): "
              + "the lake is written only by its pipelines");
    }
    LakeOptions lakeOptions = ToolCommandLine.lakeOptions(beamArgs, lake);
    Lake location = Lake.of(lakeOptions.getLake());
    if (!location.isLocal()) {
      throw new LakeException(
          "query reads local lakes only: the embedded DuckDB has no S3 access here (its httpfs extension is not "
              + "bundled); copy the tables you need (aws s3 sync " + location + "/step_trainer/trusted "
              + "./lake-copy/step_trainer/trusted, ...) and query the copy with --lake=./lake-copy");
    }
    int rowsToPrint = limit != null ? limit : format.equals("text") ? 100 : Integer.MAX_VALUE;
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      LakeViews.create(duck, location, lakeOptions.getCatalog());
      try (Statement statement = duck.createStatement();
          ResultSet rows = statement.executeQuery(sql)) {
        print(rows, rowsToPrint);
      }
    } catch (SQLException e) {
      throw new IllegalArgumentException("the query failed: " + firstLine(e.getMessage()), e);
    }
    return 0;
  }

  private void print(ResultSet rows, int rowsToPrint) throws SQLException {
    ResultSetMetaData meta = rows.getMetaData();
    List<String> header = new ArrayList<>();
    for (int i = 1; i <= meta.getColumnCount(); i++) {
      header.add(meta.getColumnLabel(i));
    }
    List<List<String>> body = new ArrayList<>();
    boolean more = false;
    while (rows.next()) {
      if (body.size() == rowsToPrint) {
        more = true;
        break;
      }
      List<String> row = new ArrayList<>();
      for (int i = 1; i <= header.size(); i++) {
        Object value = rows.getObject(i);
        row.add(value == null ? null : value.toString());
      }
      body.add(row);
    }
    switch (format) {
      case "csv" -> {
        out.println(String.join(",", header.stream().map(QueryCommand::csv).toList()));
        body.forEach(row -> out.println(String.join(",", row.stream().map(QueryCommand::csv).toList())));
      }
      case "json" -> body.forEach(row -> out.println(json(header, row)));
      default -> {
        List<List<String>> shown = body.stream().map(row -> row.stream().map(v -> v == null ? "" : v).toList()).toList();
        out.print(TextTable.render(header, shown));
        out.println(
            body.size() + (body.size() == 1 ? " row" : " rows") + (more ? " shown (more rows: --limit N)" : ""));
      }
    }
  }

  private static String csv(String value) {
    if (value == null) {
      return "";
    }
    return value.matches(".*[,\"\\r\\n].*") || value.isEmpty() ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
  }

  private static final JsonFactory JSON = new JsonFactory();

  private static String json(List<String> header, List<String> row) {
    StringWriter text = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(text)) {
      g.writeStartObject();
      for (int i = 0; i < header.size(); i++) {
        g.writeStringField(header.get(i), row.get(i));
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  private static String firstLine(String message) {
    return message == null ? "no message" : message.lines().findFirst().orElse(message).strip();
  }
}
