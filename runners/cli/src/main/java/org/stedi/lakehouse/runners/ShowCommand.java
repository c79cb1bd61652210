package org.stedi.lakehouse.runners;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.pipelines.LakeJobs;
import org.stedi.lakehouse.pipelines.LakeOptions;
import org.stedi.lakehouse.pipelines.run.Lake;
import org.stedi.lakehouse.pipelines.run.LakeException;
import org.stedi.lakehouse.pipelines.iceberg.IcebergReader;
import org.stedi.lakehouse.pipelines.tools.TableReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/**
 * {@code stedi show TABLE}: a table's row count and first rows, read from a local or an S3 lake.
 * Its own options are picocli's; every other {@code --name=value} argument is a Beam option (the S3
 * ones: {@code --awsRegion}, {@code --endpoint}, {@code --pathStyleAccess}, ...) and goes to
 * {@link LakeJobs#parseOptions}, which refuses an unknown one.
 */
@Command(
    name = "stedi show",
    abbreviateSynopsis = true,
    description = "Prints a table's row count and first rows.",
    footer =
        "Beam's S3 options are taken too, as --name=value: --awsRegion, --endpoint, --pathStyleAccess, "
            + "--awsCredentialsProvider (`stedi lakehouse --help` lists every option).")
final class ShowCommand {
  @Parameters(
      index = "0",
      paramLabel = "TABLE",
      completionCandidates = TableNames.class,
      description = "the table, one of: ${COMPLETION-CANDIDATES}")
  private String tableName;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "10", description = "the rows to print (default: ${DEFAULT-VALUE})")
  private int limit;

  @Option(
      names = "--asOf",
      paramLabel = "SNAPSHOT|INSTANT",
      description =
          "an Iceberg table as it was: a snapshot id (see `stedi history TABLE`) or an ISO-8601 instant such as "
              + "2026-12-01T10:00:00Z (the snapshot current then)")
  private String asOf;

  @Option(names = "--lake", paramLabel = "DIR|s3://bucket/prefix", description = "the lake (default: " + SampleData.DEFAULT_LAKE + ")")
  private String lake;

  @Unmatched private List<String> beamArgs = new ArrayList<>();

  @Mixin private ToolCommandLine.HelpOption help;

  private final PrintStream out;

  ShowCommand(PrintStream out) {
    this.out = out;
  }

  /** The table names, for the help. */
  static final class TableNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return names().iterator();
    }

    static List<String> names() {
      return Stream.of(LakeTable.values()).map(LakeTable::tableName).toList();
    }
  }

  /**
   * Prints the table that {@code args} name and returns the exit status, 0; a failure throws.
   *
   * @throws picocli.CommandLine.ParameterException when an argument of its own is missing or wrong
   * @throws org.stedi.lakehouse.pipelines.run.UnknownOptionException when another argument names no Beam option
   * @throws IllegalArgumentException when the table is unknown or a Beam option's value is wrong
   * @throws LakeException when the lake or the table does not exist
   */
  int run(String... args) {
    if (ToolCommandLine.parse(this, out, args)) {
      return 0;
    }
    ToolCommandLine.requireOptions("show", "one table name", beamArgs);
    LakeTable table =
        LakeTable.byName(tableName)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "unknown table '" + tableName + "'; tables: " + String.join(", ", TableNames.names())));
    LakeOptions lakeOptions = ToolCommandLine.lakeOptions(beamArgs, lake);
    Lake location = Lake.of(lakeOptions.getLake());
    if (IcebergReader.isIcebergTable(location, table)) {
      out.print(IcebergReader.show(location, lakeOptions.getCatalog(), table, asOf, limit).toText());
      return 0;
    }
    if (asOf != null) {
      throw new IllegalArgumentException(
          "--asOf reads an older snapshot of an Iceberg table; " + table.tableName() + " in " + location
              + " is " + (table.isParquet() ? "a Parquet-format table, which keeps no history" : "a landing table"));
    }
    out.print(TableReader.read(location, table, limit).toText());
    return 0;
  }
}
