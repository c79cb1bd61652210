package org.stedi.lakehouse.runners.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.spark.SparkContextOptions;
import org.apache.beam.runners.spark.SparkRunner;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.stedi.lakehouse.pipelines.LakeJobs;
import org.stedi.lakehouse.pipelines.LakeOptions;
import org.stedi.lakehouse.pipelines.run.LakeJob;
import org.stedi.lakehouse.pipelines.run.LakeRun;
import org.stedi.lakehouse.runners.StediCommand;

/**
 * The lake as an AWS Glue 5 Spark job: the class that Glue's {@code --class} names, with this
 * project's Spark job jar in {@code --extra-jars}. It runs one pipeline with Beam's SparkRunner on
 * the SparkContext that Glue set up ({@link SparkContext#getOrCreate()}), and leaves that context
 * running for Glue to close.
 *
 * <p>Job parameters are the pipeline options of the command line, as Glue passes them ({@code
 * --lake s3://bucket/stedi --pipeline lakehouse --consentSinceDate true}); {@link GlueArguments}
 * says which arguments are Glue's own and dropped. An unknown parameter, or a {@code --runner}
 * other than SparkRunner, fails the job before it reads anything. A run that fails or does not
 * reconcile throws, so Glue marks the job run failed, and leaves every table as it was.
 */
public final class GlueJob {
  private GlueJob() {}

  public static void main(String[] args) {
    JavaSparkContext context = JavaSparkContext.fromSparkContext(SparkContext.getOrCreate());
    LakeRun.Result result = run(context, args);
    System.out.print(result.report().toText());
  }

  /** Runs the pipeline that the Glue arguments name on {@code context}. */
  public static LakeRun.Result run(JavaSparkContext context, String... args) {
    GlueArguments arguments = GlueArguments.parse(args);
    LakeJob job = job(arguments.pipeline());
    SparkContextOptions options = options(arguments).as(SparkContextOptions.class);
    options.setProvidedSparkContext(context);
    return LakeRun.run(job, options.as(LakeOptions.class));
  }

  /**
   * The pipeline options of a Glue job run: the job parameters, on the SparkRunner with a provided
   * context (which the caller sets).
   */
  static LakeOptions options(GlueArguments arguments) {
    List<String> args = new ArrayList<>(arguments.pipelineArgs());
    args.add("--usesProvidedSparkContext=true");
    boolean runnerGiven = args.stream().anyMatch(arg -> arg.startsWith("--runner="));
    if (!runnerGiven) {
      args.add("--runner=SparkRunner");
    }
    LakeOptions options = LakeJobs.parseOptions(StediCommand.withProductionDefaults(args.toArray(String[]::new)));
    if (runnerGiven && options.getRunner() != SparkRunner.class) {
      throw new IllegalArgumentException(
          "a Glue job runs on Glue's Spark, but the job parameters ask for --runner="
              + options.getRunner().getSimpleName()
              + ": leave --runner out");
    }
    options.setRunner(SparkRunner.class);
    return options;
  }

  private static LakeJob job(String name) {
    return LakeJobs.byName(name)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown --pipeline '" + name + "'; pipelines: " + String.join(", ", LakeJobs.names())));
  }
}
