package org.stedi.lakehouse.runners;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.stedi.lakehouse.pipelines.LakeJobs;
import org.stedi.lakehouse.pipelines.run.LakeException;
import org.stedi.lakehouse.pipelines.run.LakeJob;
import org.stedi.lakehouse.pipelines.run.LakeRun;
import org.stedi.lakehouse.pipelines.run.UnknownOptionException;
import picocli.CommandLine.ParameterException;

/**
 * The {@code stedi} command: every job by name ({@link RunJobCommand}), and the tools {@code
 * generate} ({@link GenerateCommand}), {@code ddl} ({@link DdlCommand}) and {@code show} ({@link
 * ShowCommand}). Exit status 0 is success, 2 a command line to correct, 1 a failure. A problem the
 * user can fix is reported on one line of stderr that starts with {@code stedi: }, credentials
 * masked ({@link LakeRun#redact}), with no stack trace ({@code STEDI_DEBUG=1} prints it).
 */
public final class StediCommand {
  private final PrintStream out;
  private final PrintStream err;

  StediCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /**
   * Runs the command on {@code System.out} and {@code System.err} and returns its exit status,
   * leaving the JVM to its owner: spark-submit on YARN, for one, marks an application whose main
   * class calls {@code System.exit} as failed.
   */
  public static int execute(String... args) {
    return execute(System.out, System.err, args);
  }

  /** Runs the command on the given streams and returns its exit status: the command embedded in another program. */
  public static int execute(PrintStream out, PrintStream err, String... args) {
    return new StediCommand(out, err).run(args);
  }

  /** Runs the command and returns its exit status. */
  int run(String... args) {
    try {
      if (args.length == 0 || isHelp(args[0])) {
        out.print(usage());
        return args.length == 0 ? 2 : 0;
      }
      String command = args[0];
      String[] rest = Arrays.copyOfRange(args, 1, args.length);
      Optional<LakeJob> job = LakeJobs.byName(command);
      if (job.isPresent()) {
        return new RunJobCommand(job.get(), out).run(rest);
      }
      return switch (command) {
        case "generate" -> new GenerateCommand(out).run(rest);
        case "ddl" -> new DdlCommand(out).run(rest);
        case "show" -> new ShowCommand(out).run(rest);
        case "history" -> new HistoryCommand(out).run(rest);
        case "query" -> new QueryCommand(out).run(rest);
        default -> fail(2, "unknown command '" + command + "'; commands: " + String.join(", ", commandNames()));
      };
    } catch (UnknownOptionException e) {
      debug(e);
      return fail(2, e.getMessage() + "; see " + args[0] + " --help");
    } catch (ParameterException e) {
      debug(e);
      return fail(2, ToolCommandLine.describe(e) + "; see " + args[0] + " --help");
    } catch (LakeException e) {
      debug(e);
      return fail(1, e.getMessage());
    } catch (IllegalArgumentException e) {
      debug(e);
      return fail(2, oneLine(e.getMessage()) + " (see --help)");
    } catch (UncheckedIOException e) {
      debug(e);
      return fail(1, oneLine(e.getMessage()));
    } catch (RuntimeException e) {
      debug(e);
      return fail(1, "unexpected error: " + LakeRun.rootMessage(e) + " (STEDI_DEBUG=1 prints the stack trace)");
    }
  }

  /**
   * The arguments with the runner's defaults for a command-line run added, for what they leave
   * unset ({@link RunnerDefaults}): the DirectRunner's per-element checks off, the SparkRunner's
   * shared PCollections cached on disk. The Glue and spark-submit entry points apply them too.
   */
  public static String[] withProductionDefaults(String[] args) {
    return RunnerDefaults.apply(args);
  }

  private static List<String> commandNames() {
    List<String> names = new ArrayList<>(LakeJobs.names());
    names.addAll(List.of("generate", "ddl", "show", "history", "query"));
    return names;
  }

  static String usage() {
    return String.join(
        "\n",
        "usage: stedi COMMAND [options]    (stedi COMMAND --help for a command's options)",
        "",
        "Run the lake (standard Beam options such as --runner work too):",
        "  lakehouse                          every table, in one graph; an empty default ./lake gets sample data",
        "  customer_landing_to_trusted        customer_landing -> customer_trusted",
        "  accelerometer_landing_to_trusted   accelerometer_landing -> accelerometer_trusted",
        "  customer_trusted_to_curated        customer_trusted -> customers_curated",
        "  step_trainer_trusted               step_trainer_landing -> step_trainer_trusted",
        "  machine_learning_curated           step_trainer_trusted + accelerometer_trusted -> machine_learning_curated",
        "                                     (the two step trainer pipelines also read the step trainer and",
        "                                     accelerometer landing data: device ownership comes from the readings)",
        "    --lake=DIR|s3://bucket/prefix    the lake (default ./lake)",
        "    --deviceOwner=readings           whose device a reading is: from the readings (default), or",
        "                 =serialNumber       from customer.serialNumber (wrong under the serial-number bug!)",
        "    --consentSinceDate=true          drop readings taken before the customer's research consent",
        "    --pairOnTimestampOnly=true       pair machine_learning_curated on time alone (pairs across customers!)",
        "",
        "Tools:",
        "  generate --lake=DIR [--scale=N] [--seed=S] [--all-defects]   sample landing data",
        "  ddl [--lake=s3://bucket/prefix]    Glue/Athena CREATE EXTERNAL TABLE statements",
        "  show TABLE [--limit N] [--asOf S]  a table's row count and first rows (--asOf: an Iceberg snapshot)",
        "  history TABLE                      the snapshots of an Iceberg table",
        "  query \"SQL\" [--format csv|json]   a read-only SQL query over the lake's tables (DuckDB)",
        "",
        "Tables as Apache Iceberg tables: --tableFormat=iceberg on every command, and on an s3:// lake",
        "  --catalog=glue|rest:URI|jdbc:URL (a local lake has its own catalog, _catalog/iceberg.db)",
        "");
  }

  /** Whether {@code arg} asks for help: {@code --help}, {@code -h} or {@code help}. */
  static boolean isHelp(String arg) {
    return arg.equals("--help") || arg.equals("-h") || arg.equals("help");
  }

  private int fail(int status, String message) {
    err.println("stedi: " + LakeRun.redact(message));
    return status;
  }

  private void debug(Exception e) {
    if ("1".equals(System.getenv("STEDI_DEBUG"))) {
      e.printStackTrace(err);
    }
  }

  private static String oneLine(String message) {
    return message == null ? "invalid argument" : message.lines().findFirst().orElse(message);
  }
}
