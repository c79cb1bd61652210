package org.stedi.lakehouse.runners;

import java.io.PrintStream;
import org.stedi.lakehouse.pipelines.run.LakeException;
import org.stedi.lakehouse.pipelines.run.Lake;
import org.stedi.lakehouse.pipelines.LakeOptions;
import org.stedi.lakehouse.pipelines.LakeJobs;
import org.apache.beam.sdk.io.FileSystems;
import java.util.ArrayList;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The command line of a tool command ({@code generate}, {@code ddl}, {@code show}): parsed by
 * picocli from the command's annotations, which also make its {@code --help}. A mistake throws
 * picocli's {@link ParameterException}, which {@link #describe} puts in the product's words.
 */
final class ToolCommandLine {
  private ToolCommandLine() {}

  /** {@code --help}; {@link #parse} takes {@code -h} for it too. */
  static final class HelpOption {
    @Option(names = "--help", usageHelp = true, description = "print this help and exit")
    boolean help;
  }

  /**
   * Parses {@code args} into the fields of {@code command}, an instance of a class annotated with
   * picocli's {@code @Command}; prints the command's help on {@code out} when the arguments ask for it
   * ({@code --help}, or {@code -h}, which is not an option of its own so that the synopsis opens with
   * the command's options rather than picocli's {@code [-h]}).
   *
   * @return whether the help was printed (the command then does nothing else)
   * @throws ParameterException when an argument is unknown, missing or has a wrong value; an
   *     unknown one first
   */
  static boolean parse(Object command, PrintStream out, String... args) {
    CommandLine commandLine = new CommandLine(command).setExpandAtFiles(false);
    UsageMessageSpec usage = commandLine.getCommandSpec().usageMessage();
    usage.synopsisHeading("usage: ").sortOptions(false).sortSynopsis(false).width(100);
    try {
      commandLine.parseArgs(Stream.of(args).map(arg -> arg.equals("-h") ? "--help" : arg).toArray(String[]::new));
    } catch (MissingParameterException e) {
      // picocli checks for missing options first; an unknown one is the mistake to report (--lak=DIR),
      // unless the command takes unmatched arguments (show's Beam options).
      List<String> unmatched = commandLine.getUnmatchedArguments();
      boolean takesUnmatched = !commandLine.getCommandSpec().unmatchedArgsBindings().isEmpty();
      throw unmatched.isEmpty() || takesUnmatched ? e : new UnmatchedArgumentException(commandLine, unmatched);
    }
    if (commandLine.isUsageHelpRequested()) {
      commandLine.usage(out, CommandLine.Help.Ansi.OFF);
      return true;
    }
    return false;
  }

  /** Refuses a Beam argument that is not {@code --name=value}: the command takes {@code takes} and options. */
  static void requireOptions(String command, String takes, List<String> beamArgs) {
    for (String arg : beamArgs) {
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException(
            "unexpected argument '" + arg + "': " + command + " takes " + takes + ", and Beam options as --name=value");
      }
    }
  }

  /**
   * The options of a tool that reads a lake ({@code show}, {@code history}, {@code query}): its Beam
   * options and its {@code --lake} (null: the default lake), with Beam's file systems set up from
   * them.
   *
   * @throws org.stedi.lakehouse.pipelines.run.UnknownOptionException when an argument names no option
   * @throws LakeException when a local lake's folder does not exist
   */
  static LakeOptions lakeOptions(List<String> beamArgs, String lake) {
    List<String> options = new ArrayList<>(beamArgs);
    if (lake != null) {
      options.add("--lake=" + lake);
    }
    LakeOptions lakeOptions = LakeJobs.parseOptions(options.toArray(String[]::new));
    Lake location = Lake.of(lakeOptions.getLake());
    if (location.isLocal() && !Files.isDirectory(location.localRoot())) {
      throw new LakeException("the lake folder " + location + " does not exist: run `stedi lakehouse` first, or give --lake");
    }
    FileSystems.setDefaultPipelineOptions(lakeOptions);
    return lakeOptions;
  }

  /**
   * What is wrong with the arguments, on one line, in the product's words: {@code unknown option
   * --bogus}, with picocli's suggestion of a near name when it has one ({@code unknown option --scal
   * (did you mean --scale?)}), {@code --lake is required: ...}, {@code --scale takes a number, not
   * 'abc'}.
   */
  static String describe(ParameterException e) {
    if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
      String arg = unmatched.getUnmatched().get(0);
      if (!arg.startsWith("-")) {
        return "unexpected argument '" + arg + "'";
      }
      List<String> suggestions = unmatched.getSuggestions();
      return "unknown option "
          + (arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg)
          + (suggestions.isEmpty() ? "" : " (did you mean " + String.join(" or ", suggestions) + "?)");
    }
    if (e instanceof MissingParameterException missing && !missing.getMissing().isEmpty()) {
      return missing.getMissing().stream().map(ToolCommandLine::required).collect(Collectors.joining("; "));
    }
    if (e instanceof OverwrittenOptionException overwritten && overwritten.getOverwritten() != null) {
      return name(overwritten.getOverwritten()) + " is given more than once";
    }
    if (e.getCause() instanceof TypeConversionException && e.getArgSpec() != null) {
      String kind = kind(e.getArgSpec().type());
      if (kind != null) {
        return name(e.getArgSpec()) + " takes " + kind + ", not '" + e.getValue() + "'";
      }
    }
    String message = e.getMessage();
    return message == null ? "invalid arguments" : message.lines().findFirst().orElse(message);
  }

  private static String required(ArgSpec arg) {
    String[] description = arg.description();
    return name(arg) + " is required" + (description.length == 0 ? "" : ": " + description[0]);
  }

  private static String name(ArgSpec arg) {
    return arg instanceof OptionSpec option ? option.longestName() : arg.paramLabel();
  }

  /** "a whole number" or "a number" for a numeric option's type; null for another type. */
  private static String kind(Class<?> type) {
    if (List.of(int.class, Integer.class, long.class, Long.class).contains(type)) {
      return "a whole number";
    }
    if (List.of(double.class, Double.class).contains(type)) {
      return "a number";
    }
    return null;
  }
}
