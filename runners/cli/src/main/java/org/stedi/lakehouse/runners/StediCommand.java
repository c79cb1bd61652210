package org.stedi.lakehouse.runners;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.stedi.lakehouse.generator.ExpectedCounts;
import org.stedi.lakehouse.generator.LakeGenerator;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.model.Source;
import org.stedi.lakehouse.pipelines.AccelerometerLandingToTrusted;
import org.stedi.lakehouse.pipelines.CustomerLandingToTrusted;
import org.stedi.lakehouse.pipelines.CustomerTrustedToCurated;
import org.stedi.lakehouse.pipelines.LakeJobs;
import org.stedi.lakehouse.pipelines.LakeOptions;
import org.stedi.lakehouse.pipelines.Lakehouse;
import org.stedi.lakehouse.pipelines.MachineLearningCurated;
import org.stedi.lakehouse.pipelines.StepTrainerTrusted;
import org.stedi.lakehouse.pipelines.run.Lake;
import org.stedi.lakehouse.pipelines.run.LakeException;
import org.stedi.lakehouse.pipelines.run.LakeJob;
import org.stedi.lakehouse.pipelines.run.LakeRun;
import org.stedi.lakehouse.pipelines.run.UnknownOptionException;
import org.stedi.lakehouse.pipelines.tools.GlueDdl;
import org.stedi.lakehouse.pipelines.tools.TableReader;

/**
 * The {@code stedi} command: every pipeline by name, {@code lakehouse}, {@code generate}, {@code
 * ddl} and {@code show}. A problem the user can fix is reported on one line, with a non-zero exit
 * status and no stack trace ({@code STEDI_DEBUG=1} prints it).
 */
public final class StediCommand {
  /** The lake that {@code lakehouse} fills with sample data when it is run with no landing data. */
  static final String DEFAULT_LAKE = "./lake";

  static final long SAMPLE_SEED = 42;

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
        return runJob(job.get(), rest);
      }
      return switch (command) {
        case "generate" -> generate(rest);
        case "ddl" -> ddl(rest);
        case "show" -> show(rest);
        default -> fail(2, "unknown command '" + command + "'; commands: " + String.join(", ", commandNames()));
      };
    } catch (UnknownOptionException e) {
      debug(e);
      return fail(2, e.getMessage() + "; see " + (args.length > 0 ? args[0] + " " : "") + "--help");
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

  private int runJob(LakeJob job, String[] args) {
    if (Stream.of(args).anyMatch(StediCommand::isHelp)) {
      out.println("usage: stedi " + job.name() + " [--lake=DIR|s3://bucket/prefix] [--runner=DirectRunner] [options]");
      out.println();
      PipelineOptionsFactory.printHelp(out, LakeOptions.class);
      return 0;
    }
    LakeOptions options = LakeJobs.parseOptions(withProductionDefaults(args));
    if (job == Lakehouse.JOB && Stream.of(args).noneMatch(a -> a.startsWith("--lake="))) {
      generateSampleDataIfEmpty(options);
    }
    LakeRun.Result result = LakeRun.run(job, options);
    out.print(result.report().toText());
    return 0;
  }

  /**
   * The runner's defaults for a command-line run, for what the arguments leave unset.
   *
   * <ul>
   *   <li>On the DirectRunner, a command-line run is a production run: the runner's per-element
   *       checks of immutability and encodability (which double its run time) are off unless asked
   *       for. Tests that run pipelines directly keep them on.
   *   <li>On the SparkRunner, PCollections that several steps read are cached on disk ({@code
   *       --storageLevel=DISK_ONLY}), not in the heap: caching serialized blocks in memory is what
   *       filled a 1.5 GiB heap at scale 100 (JFR's old-object samples: Spark's
   *       SerializedValuesHolder), while on disk the run finishes there with a peak RSS of 1.9 GB;
   *       at scale 10 it is as fast as MEMORY_AND_DISK_SER and takes 0.3 GB less memory. A
   *       partition computed again costs time, never correctness: the run's figures are counted as
   *       data.
   * </ul>
   *
   * <p>The Glue and spark-submit entry points apply the same defaults.
   */
  public static String[] withProductionDefaults(String[] args) {
    String runner;
    try {
      runner = LakeJobs.parseOptions(args).getRunner().getSimpleName();
    } catch (IllegalArgumentException e) {
      return args; // the run parses them again and reports what is wrong
    }
    List<String> defaults =
        switch (runner) {
          case "DirectRunner" -> List.of("enforceImmutability=false", "enforceEncodability=false");
          case "SparkRunner" -> List.of("storageLevel=DISK_ONLY");
          default -> List.of();
        };
    List<String> all = new ArrayList<>(List.of(args));
    for (String option : defaults) {
      String name = option.substring(0, option.indexOf('='));
      if (Stream.of(args).noneMatch(a -> a.startsWith("--" + name))) {
        all.add("--" + option);
      }
    }
    return all.toArray(String[]::new);
  }

  /** Fills an empty default lake with scale-1 sample data, so that the first run shows something. */
  private void generateSampleDataIfEmpty(LakeOptions options) {
    Lake lake = Lake.of(options.getLake());
    if (!lake.isLocal()) {
      return;
    }
    for (Source source : Source.values()) {
      Path landing = lake.localRoot().resolve(source.folder()).resolve("landing");
      if (hasFiles(landing)) {
        return;
      }
    }
    ExpectedCounts expected = LakeGenerator.withAllDefects(1, SAMPLE_SEED).generate(lake.localRoot());
    out.println(
        "No landing data in "
            + lake
            + ": generated scale-1 sample data (seed "
            + SAMPLE_SEED
            + ", with the serial-number bug, duplicates and malformed lines); expected rows:\n"
            + expected.describe()
            + "\n");
  }

  private int generate(String[] args) {
    Flags flags = Flags.parse(args, "scale", "seed", "lake", "serial-bug", "malformed-rate", "duplicate-rate", "all-defects", "help");
    if (flags.has("help")) {
      out.println(
          "usage: stedi generate --lake=DIR [--scale=1] [--seed=42] [--all-defects] [--serial-bug=K]"
              + " [--malformed-rate=R] [--duplicate-rate=R]");
      out.println("Writes deterministic sample landing data, and the expected row count of every table in DIR/_expected.json.");
      return 0;
    }
    String lake = flags.required("lake", "the folder to generate into");
    double scale = flags.doubleValue("scale", 1);
    long seed = flags.longValue("seed", SAMPLE_SEED);
    LakeGenerator.Builder builder =
        flags.has("all-defects") ? LakeGenerator.withAllDefects(scale, seed).toBuilder() : LakeGenerator.builder().scale(scale).seed(seed);
    if (flags.has("serial-bug")) {
      builder.serialNumberBug(flags.intValue("serial-bug", 0));
    }
    if (flags.has("malformed-rate")) {
      builder.malformedRate(flags.doubleValue("malformed-rate", 0));
    }
    if (flags.has("duplicate-rate")) {
      builder.duplicateRate(flags.doubleValue("duplicate-rate", 0));
    }
    Path root = Lake.of(lake).localRoot();
    ExpectedCounts expected;
    try {
      expected = builder.build().generate(root);
    } catch (IllegalStateException e) {
      throw new LakeException(e.getMessage(), e);
    }
    out.println("Generated scale-" + (scale == Math.rint(scale) ? String.valueOf((long) scale) : String.valueOf(scale)) + " sample data (seed " + seed + ") in " + root + "; expected rows:");
    out.println(expected.describe());
    return 0;
  }

  private int ddl(String[] args) {
    Flags flags = Flags.parse(args, "lake", "database", "out", "help");
    if (flags.has("help")) {
      out.println("usage: stedi ddl [--lake=s3://bucket/prefix] [--database=stedi] [--out=DIR]");
      out.println("Prints CREATE EXTERNAL TABLE statements for Glue/Athena (or writes one TABLE.sql per table into DIR).");
      return 0;
    }
    Lake lake = Lake.of(flags.value("lake", DEFAULT_LAKE));
    String database = flags.value("database", "stedi");
    if (!flags.has("out")) {
      out.print(GlueDdl.all(lake, database));
      return 0;
    }
    Path folder = Path.of(flags.value("out", "."));
    try {
      Files.createDirectories(folder);
      for (LakeTable table : LakeTable.values()) {
        Files.writeString(folder.resolve(table.tableName() + ".sql"), GlueDdl.createTable(table, lake, database), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write DDL into " + folder + ": " + e.getMessage(), e);
    }
    out.println("Wrote " + LakeTable.values().length + " CREATE EXTERNAL TABLE statements into " + folder);
    return 0;
  }

  private int show(String[] args) {
    List<String> positional = new ArrayList<>();
    List<String> flagArgs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      boolean takesNextValue =
          args[i].startsWith("--") && !args[i].contains("=") && !isHelp(args[i]) && i + 1 < args.length && !args[i + 1].startsWith("--");
      if (takesNextValue) {
        flagArgs.add(args[i] + "=" + args[++i]);
      } else if (args[i].startsWith("-")) {
        flagArgs.add(args[i]);
      } else {
        positional.add(args[i]);
      }
    }
    if (flagArgs.stream().anyMatch(StediCommand::isHelp)) {
      out.println("usage: stedi show TABLE [--limit N] [--lake=DIR|s3://bucket/prefix] [S3 options such as --awsRegion=...]");
      out.println("Prints the table's row count and first rows. Tables: " + String.join(", ", tableNames()));
      return 0;
    }
    int limit = 10;
    List<String> beamArgs = new ArrayList<>();
    for (String flag : flagArgs) {
      if (flag.startsWith("--limit=")) {
        limit = Flags.parse(new String[] {flag}, "limit").intValue("limit", 10);
      } else {
        beamArgs.add(flag);
      }
    }
    if (positional.size() != 1) {
      throw new IllegalArgumentException("show takes one table name; tables: " + String.join(", ", tableNames()));
    }
    LakeTable table =
        LakeTable.byName(positional.get(0))
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "unknown table '" + positional.get(0) + "'; tables: " + String.join(", ", tableNames())));
    LakeOptions options = LakeJobs.parseOptions(beamArgs.toArray(String[]::new));
    Lake lake = Lake.of(options.getLake());
    if (lake.isLocal() && !Files.isDirectory(lake.localRoot())) {
      throw new LakeException("the lake folder " + lake + " does not exist: run `stedi lakehouse` first, or give --lake");
    }
    FileSystems.setDefaultPipelineOptions(options);
    out.print(TableReader.read(lake, table, limit).toText());
    return 0;
  }

  private static boolean hasFiles(Path folder) {
    if (!Files.isDirectory(folder)) {
      return false;
    }
    try (Stream<Path> files = Files.walk(folder)) {
      return files.anyMatch(Files::isRegularFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> tableNames() {
    return Stream.of(LakeTable.values()).map(LakeTable::tableName).toList();
  }

  private static List<String> commandNames() {
    List<String> names = new ArrayList<>(LakeJobs.names());
    names.addAll(List.of("generate", "ddl", "show"));
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
        "  show TABLE [--limit N]             a table's row count and first rows",
        "");
  }

  private static boolean isHelp(String arg) {
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
