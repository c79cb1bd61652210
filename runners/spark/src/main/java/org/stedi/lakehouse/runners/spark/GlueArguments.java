package org.stedi.lakehouse.runners.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The arguments AWS Glue passes to a Spark job's main class: Glue's own ({@code --JOB_NAME},
 * {@code --JOB_RUN_ID}, {@code --TempDir}, {@code --job-bookmark-option}, {@code --enable-metrics},
 * ...) and the job's parameters, each as a {@code --key value} pair ({@code --key=value} is taken
 * too).
 *
 * <p>Glue's own arguments are recognised by their names and dropped: ALL-CAPS names ({@code
 * JOB_NAME}), hyphenated names ({@code job-bookmark-option}) and a few others ({@code TempDir},
 * {@code conf}, ...). Beam's options are camelCase, so no pipeline option is ever mistaken for one.
 * {@code --pipeline} names the pipeline to run; every other pair is a pipeline option.
 *
 * @param pipeline the pipeline to run, {@code lakehouse} unless {@code --pipeline} says otherwise
 * @param pipelineArgs the pipeline options as {@code --key=value} arguments, in the order given
 * @param dropped Glue's own arguments, by name, as given
 */
public record GlueArguments(String pipeline, List<String> pipelineArgs, Map<String, String> dropped) {
  public static final String DEFAULT_PIPELINE = "lakehouse";

  /** Glue's arguments whose names look like a pipeline option's. */
  private static final Set<String> GLUE_CAMEL_CASE_ARGUMENTS =
      Set.of("TempDir", "conf", "class", "scriptLocation");

  public GlueArguments {
    pipelineArgs = List.copyOf(pipelineArgs);
    dropped = Map.copyOf(dropped);
  }

  /**
   * Parses Glue's argument list.
   *
   * @throws IllegalArgumentException for a value that follows no {@code --key}
   */
  public static GlueArguments parse(String... args) {
    String pipeline = DEFAULT_PIPELINE;
    List<String> pipelineArgs = new ArrayList<>();
    Map<String, String> dropped = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new IllegalArgumentException(
            "unexpected job argument '" + arg + "': Glue job parameters are --key value pairs");
      }
      String body = arg.substring(2);
      int equals = body.indexOf('=');
      String key = equals < 0 ? body : body.substring(0, equals);
      String value;
      if (equals >= 0) {
        value = body.substring(equals + 1);
      } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        value = args[++i];
      } else {
        value = "true";
      }
      if (key.equals("pipeline")) {
        pipeline = value.strip();
      } else if (isGlueArgument(key)) {
        dropped.put(key, value);
      } else {
        pipelineArgs.add("--" + key + "=" + value);
      }
    }
    return new GlueArguments(pipeline, pipelineArgs, dropped);
  }

  /** Whether {@code key} names one of Glue's own arguments rather than a pipeline option. */
  static boolean isGlueArgument(String key) {
    return key.contains("-") || key.equals(key.toUpperCase(Locale.ROOT)) || GLUE_CAMEL_CASE_ARGUMENTS.contains(key);
  }
}
