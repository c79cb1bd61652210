package org.stedi.lakehouse.pipelines;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.sdk.options.PipelineOptions;
import org.stedi.lakehouse.model.DeviceOwnerRule;
import org.stedi.lakehouse.pipelines.run.LakeJob;
import org.stedi.lakehouse.pipelines.run.LakeRun;

/**
 * The lake's jobs, in one place: the command line, the Glue and spark-submit entry points, the docs'
 * tables and the tests all read this list. {@code lakehouse} (every table in one graph) first, then
 * the five zone transitions in the order they depend on each other.
 */
public final class LakeJobs {
  /** Every job, {@code lakehouse} first. */
  public static final List<LakeJob> ALL =
      List.of(
          Lakehouse.JOB,
          CustomerLandingToTrusted.JOB,
          AccelerometerLandingToTrusted.JOB,
          CustomerTrustedToCurated.JOB,
          StepTrainerTrusted.JOB,
          MachineLearningCurated.JOB);

  /** The five zone transitions, each one job of its own, in dependency order. */
  public static final List<LakeJob> ZONE_TRANSITIONS = ALL.subList(1, ALL.size());

  private LakeJobs() {}

  /** The job of that name ({@code lakehouse}, {@code customer_landing_to_trusted}, ...). */
  public static Optional<LakeJob> byName(String name) {
    return ALL.stream().filter(job -> job.name().equals(name)).findFirst();
  }

  /** The names of the jobs, {@code lakehouse} first. */
  public static List<String> names() {
    return ALL.stream().map(LakeJob::name).toList();
  }

  /**
   * Parses {@code args} into the jobs' options, the standard Beam options included.
   *
   * @throws org.stedi.lakehouse.pipelines.run.UnknownOptionException when an argument names no option
   */
  public static LakeOptions parseOptions(String... args) {
    return LakeRun.parseOptions(LakeOptions.class, args);
  }

  /** Parses {@code args}, runs the job and prints its report: the jobs' {@code main}. */
  static void main(LakeJob job, String[] args) {
    System.out.print(LakeRun.run(job, parseOptions(args)).report().toText());
  }

  /**
   * The tables' settings of a run, as every job's report echoes them; a wrong {@code --deviceOwner}
   * throws, naming the values it takes.
   */
  static Map<String, Object> settings(PipelineOptions pipelineOptions) {
    LakeOptions options = pipelineOptions.as(LakeOptions.class);
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("deviceOwner", DeviceOwnerRule.of(options.getDeviceOwner()).flag());
    settings.put("consentSinceDate", options.getConsentSinceDate());
    settings.put("pairOnTimestampOnly", options.getPairOnTimestampOnly());
    return settings;
  }
}
