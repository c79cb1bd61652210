package org.stedi.lakehouse.runners;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.pipelines.LakeJobs;
import org.stedi.lakehouse.pipelines.LakeOptions;
import org.stedi.lakehouse.pipelines.iceberg.IcebergReader;
import org.stedi.lakehouse.pipelines.run.Lake;
import org.stedi.lakehouse.pipelines.run.LakeException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/**
 * {@code stedi history TABLE}: the snapshots of an Iceberg table, oldest first, each with its time,
 * operation, run, rows and files. Beam options ({@code --catalog}, the S3 ones) as in {@code show}.
 */
@Command(
    name = "stedi history",
    description = "Lists the snapshots of an Iceberg table (--tableFormat=iceberg), oldest first.",
    footer =
        "--catalog=glue|rest:URI|jdbc:URL names the catalog of an s3:// lake (a local lake's is its own); Beam's S3 "
            + "options are taken too, as --name=value.")
final class HistoryCommand {
  @Parameters(
      index = "0",
      paramLabel = "TABLE",
      completionCandidates = ShowCommand.TableNames.class,
      description = "the table, one of the five output tables")
  private String tableName;

  @Option(names = "--lake", paramLabel = "DIR|s3://bucket/prefix", description = "the lake (default: " + SampleData.DEFAULT_LAKE + ")")
  private String lake;

  @Unmatched private List<String> beamArgs = new ArrayList<>();

  @Mixin private ToolCommandLine.HelpOption help;

  private final PrintStream out;

  HistoryCommand(PrintStream out) {
    this.out = out;
  }

  int run(String... args) {
    if (ToolCommandLine.parse(this, out, args)) {
      return 0;
    }
    ToolCommandLine.requireOptions("history", "one table name", beamArgs);
    LakeTable table =
        LakeTable.byName(tableName)
            .filter(LakeTable::isParquet)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "history lists the snapshots of an output table, not '" + tableName + "'; tables: "
                            + String.join(", ", LakeJobs.ALL.get(0).outputs().stream().map(LakeTable::tableName).toList())));
    LakeOptions lakeOptions = ToolCommandLine.lakeOptions(beamArgs, lake);
    Lake location = Lake.of(lakeOptions.getLake());
    if (!IcebergReader.isIcebergTable(location, table)) {
      throw new LakeException(
          table.tableName() + " in " + location + " is not an Iceberg table, and only Iceberg tables keep a history: "
              + "build the lake with `lakehouse --tableFormat=iceberg`");
    }
    out.print(IcebergReader.history(location, lakeOptions.getCatalog(), table));
    return 0;
  }
}
