package org.stedi.lakehouse.runners;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.pipelines.run.Lake;
import org.stedi.lakehouse.pipelines.tools.GlueDdl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code stedi ddl}: the Glue/Athena {@code CREATE EXTERNAL TABLE} statement of every table of a
 * lake, printed, or written one {@code TABLE.sql} per table into a folder. It reads nothing from
 * the lake.
 */
@Command(
    name = "stedi ddl",
    description =
        "Prints the Glue/Athena CREATE EXTERNAL TABLE statement of every table, or writes one TABLE.sql per table "
            + "into DIR.")
final class DdlCommand {
  @Option(
      names = "--lake",
      paramLabel = "s3://bucket/prefix",
      defaultValue = SampleData.DEFAULT_LAKE,
      description = "the lake that the tables' LOCATIONs point into (default: ${DEFAULT-VALUE})")
  private String lake;

  @Option(names = "--database", paramLabel = "NAME", defaultValue = "stedi", description = "the Glue database (default: ${DEFAULT-VALUE})")
  private String database;

  @Option(
      names = "--tableFormat",
      paramLabel = "parquet|iceberg",
      defaultValue = "parquet",
      description =
          "the format of the output tables (default: ${DEFAULT-VALUE}); iceberg prints the landing tables' statements "
              + "and how Athena reads the Iceberg tables that runs with --catalog=glue register themselves")
  private String tableFormat;

  @Option(names = "--out", paramLabel = "DIR", description = "write one TABLE.sql per table into DIR (created if need be) instead of printing")
  private Path folder;

  @Mixin private ToolCommandLine.HelpOption help;

  private final PrintStream out;

  DdlCommand(PrintStream out) {
    this.out = out;
  }

  /**
   * Prints or writes the statements that {@code args} ask for and returns the exit status, 0; a
   * failure throws.
   *
   * @throws picocli.CommandLine.ParameterException when an argument is unknown or wrong
   * @throws UncheckedIOException when a file cannot be written
   */
  int run(String... args) {
    if (ToolCommandLine.parse(this, out, args)) {
      return 0;
    }
    Lake location = Lake.of(lake);
    if (tableFormat.equals("iceberg")) {
      if (!database.equals("stedi") || folder != null) {
        throw new IllegalArgumentException(
            "ddl --tableFormat=iceberg prints to the terminal, for the Glue database stedi (the tables' Iceberg namespace)");
      }
      out.print(GlueDdl.allIceberg(location));
      return 0;
    }
    if (!tableFormat.equals("parquet")) {
      throw new IllegalArgumentException("--tableFormat takes parquet or iceberg, not " + tableFormat);
    }
    if (folder == null) {
      out.print(GlueDdl.all(location, database));
      return 0;
    }
    try {
      Files.createDirectories(folder);
      for (LakeTable table : LakeTable.values()) {
        Files.writeString(
            folder.resolve(table.tableName() + ".sql"), GlueDdl.createTable(table, location, database), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write DDL into " + folder + ": " + e.getMessage(), e);
    }
    out.println("Wrote " + LakeTable.values().length + " CREATE EXTERNAL TABLE statements into " + folder);
    return 0;
  }
}
