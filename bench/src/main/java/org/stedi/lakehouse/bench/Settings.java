package org.stedi.lakehouse.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The benchmark's command-line settings, parsed by picocli from the annotations of {@link
 * Arguments}, which also make {@link #usage()}. Folders are absolute; relative defaults are under
 * the repository root that {@code bench/run} passes as {@code stedi.bench.root}.
 */
record Settings(
    List<Double> scales,
    List<Integer> runs,
    long seed,
    Path work,
    Path out,
    List<Implementation> implementations,
    Duration timeout,
    List<String> jvmOptions,
    String command,
    boolean help) {

  /** The runs per implementation at the scale with this index. */
  int runsAt(int scaleIndex) {
    return runs.size() == 1 ? runs.get(0) : runs.get(scaleIndex);
  }

  /** The help: the options with what they do and their defaults. */
  static String usage() {
    return commandLine(new Arguments()).getUsageMessage(CommandLine.Help.Ansi.OFF);
  }

  /**
   * Parses {@code bench/run}'s arguments ({@code --name=value}, or {@code --name value}).
   *
   * @throws IllegalArgumentException when an argument is unknown, a value is not a number, or the
   *     settings cannot be run (no run, a scale that is not positive, an unknown implementation)
   */
  static Settings parse(String[] args) {
    Arguments arguments = new Arguments();
    try {
      commandLine(arguments).parseArgs(args);
    } catch (ParameterException e) {
      throw new IllegalArgumentException(describe(e), e);
    }
    List<Double> scales = arguments.scales;
    List<Integer> runs = arguments.runs;
    if (!arguments.help) {
      check(scales, runs);
    }
    Path root = Path.of(System.getProperty("stedi.bench.root", ".")).toAbsolutePath().normalize();
    Path work = arguments.work == null ? root.resolve("bench/target/work") : arguments.work.toAbsolutePath();
    Path out = arguments.out == null ? root.resolve("docs/benchmarks.md") : arguments.out.toAbsolutePath();
    String jvmOptions = arguments.jvmOptions.strip();
    String command = "bench/run" + (args.length == 0 ? "" : " " + String.join(" ", args));
    return new Settings(
        List.copyOf(scales),
        List.copyOf(runs),
        arguments.seed,
        work,
        out,
        arguments.help ? Implementation.ALL : only(arguments.only),
        Duration.ofMinutes(arguments.timeoutMinutes),
        jvmOptions.isEmpty() ? List.of() : List.of(jvmOptions.split("\\s+")),
        command,
        arguments.help);
  }

  private static void check(List<Double> scales, List<Integer> runs) {
    if (runs.stream().anyMatch(r -> r < 1)) {
      throw new IllegalArgumentException("--runs must be at least 1");
    }
    if (runs.size() != 1 && runs.size() != scales.size()) {
      throw new IllegalArgumentException("--runs takes one number, or one per scale (" + scales.size() + ")");
    }
    for (double scale : scales) {
      if (!(scale > 0)) {
        throw new IllegalArgumentException("scales must be positive, got " + scale);
      }
    }
  }

  private static CommandLine commandLine(Arguments arguments) {
    CommandLine commandLine = new CommandLine(arguments).setExpandAtFiles(false);
    commandLine.getCommandSpec().usageMessage().synopsisHeading("usage: ").sortOptions(false).sortSynopsis(false).width(100);
    return commandLine;
  }

  /** picocli's account of a mistake in the benchmark's words, on one line. */
  private static String describe(ParameterException e) {
    if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
      String arg = unmatched.getUnmatched().get(0);
      if (!arg.startsWith("-")) {
        return "expected --name=value, got '" + arg + "'";
      }
      List<String> suggestions = unmatched.getSuggestions();
      return "unknown option "
          + (arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg)
          + (suggestions.isEmpty() ? "" : " (did you mean " + String.join(" or ", suggestions) + "?)");
    }
    if (e.getCause() instanceof TypeConversionException && e.getArgSpec() instanceof CommandLine.Model.OptionSpec option) {
      return option.longestName() + " takes a number, got '" + e.getValue() + "'";
    }
    return e.getMessage().lines().findFirst().orElse(e.getMessage());
  }

  private static List<Implementation> only(List<String> ids) {
    List<Implementation> chosen = new ArrayList<>();
    for (String id : ids) {
      chosen.add(
          Implementation.ALL.stream()
              .filter(i -> i.id().equals(id.strip()))
              .findFirst()
              .orElseThrow(() -> new IllegalArgumentException("unknown implementation '" + id + "'")));
    }
    return chosen;
  }

  /** The implementations' ids, for the help. */
  static final class ImplementationIds implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Implementation.ALL.stream().map(Implementation::id).iterator();
    }
  }

  /** The options as picocli fills them. */
  @Command(
      name = "bench/run",
      description =
          "The lakehouse on the Direct, Spark and Flink runners against a hand-written Spark SQL job (with Spark's "
              + "defaults, and tuned for the machine) and DuckDB SQL, on the same generated lakes; prints the results "
              + "and writes them to the results page.")
  static final class Arguments {
    @Option(
        names = "--scales",
        paramLabel = "SCALE",
        split = ",",
        defaultValue = "1,10,100",
        description = "lake sizes (scale 1 is about 0.11M input lines; it grows linearly) (default: ${DEFAULT-VALUE})")
    List<Double> scales;

    @Option(
        names = "--runs",
        paramLabel = "N",
        split = ",",
        defaultValue = "3",
        description =
            "runs per implementation and scale, one number or one per scale; the page shows medians (default: ${DEFAULT-VALUE})")
    List<Integer> runs;

    @Option(
        names = "--only",
        paramLabel = "ID",
        split = ",",
        completionCandidates = ImplementationIds.class,
        defaultValue = "direct,spark,flink,sparksql,sparksqltuned,duckdb",
        description = "which implementations to run, of ${COMPLETION-CANDIDATES} (default: all)")
    List<String> only;

    @Option(
        names = "--seed",
        paramLabel = "N",
        defaultValue = "1",
        description = "the generator's seed; a lake is generated once per scale and seed, and reused (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(
        names = "--work",
        paramLabel = "DIR",
        description = "where lakes, outputs and each run's log go (default: bench/target/work)")
    Path work;

    @Option(
        names = "--out",
        paramLabel = "FILE",
        description = "the results page to write; '## Notes' and what follows it are kept (default: docs/benchmarks.md)")
    Path out;

    @Option(
        names = "--timeout-minutes",
        paramLabel = "N",
        defaultValue = "60",
        description = "a run taking longer is stopped and reported as timed out (default: ${DEFAULT-VALUE})")
    long timeoutMinutes;

    @Option(
        names = "--jvm-options",
        paramLabel = "OPTIONS",
        defaultValue = "",
        description = "extra JVM options for every run, the same for all implementations (default: none)")
    String jvmOptions;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
    boolean help;
  }
}
