package org.stedi.lakehouse.runners;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.stedi.lakehouse.pipelines.LakeJobs;

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
 * <p>The command line, the Glue and the spark-submit entry points apply the same defaults, through
 * {@link StediCommand#withProductionDefaults}.
 */
final class RunnerDefaults {
  private RunnerDefaults() {}

  /**
   * The arguments followed by the runner's defaults that they leave unset; the arguments
   * unchanged when they do not parse (the run parses them again and reports what is wrong) or
   * select a runner without defaults.
   */
  static String[] apply(String[] args) {
    String runner;
    try {
      runner = LakeJobs.parseOptions(args).getRunner().getSimpleName();
    } catch (IllegalArgumentException e) {
      return args;
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
}
