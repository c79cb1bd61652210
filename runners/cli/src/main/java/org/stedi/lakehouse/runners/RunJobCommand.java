package org.stedi.lakehouse.runners;

import java.io.PrintStream;
import java.util.stream.Stream;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.stedi.lakehouse.pipelines.LakeJobs;
import org.stedi.lakehouse.pipelines.LakeOptions;
import org.stedi.lakehouse.pipelines.Lakehouse;
import org.stedi.lakehouse.pipelines.run.Lake;
import org.stedi.lakehouse.pipelines.run.LakeJob;
import org.stedi.lakehouse.pipelines.run.LakeRun;

/**
 * {@code stedi JOB [options]}: runs one of the lake's jobs ({@link LakeJobs#ALL}) and prints its
 * report. The options are Beam's pipeline options ({@link LakeOptions} and every option of the
 * runners on the classpath), parsed by Beam's {@link PipelineOptionsFactory}, with the runner's
 * defaults of a command-line run ({@link RunnerDefaults}); {@code --help} prints Beam's help of
 * {@link LakeOptions} and runs nothing. {@code lakehouse} without {@code --lake} first fills an
 * empty default lake with {@link SampleData}.
 */
final class RunJobCommand {
  private final LakeJob job;
  private final PrintStream out;

  RunJobCommand(LakeJob job, PrintStream out) {
    this.job = job;
    this.out = out;
  }

  /**
   * Runs the job on {@code args} and returns the exit status, 0; a failure throws.
   *
   * @throws org.stedi.lakehouse.pipelines.run.UnknownOptionException when an argument names no option
   * @throws IllegalArgumentException when a value is wrong for its option
   * @throws org.stedi.lakehouse.pipelines.run.LakeException when the run fails or does not reconcile
   */
  int run(String... args) {
    if (Stream.of(args).anyMatch(StediCommand::isHelp)) {
      out.println("usage: stedi " + job.name() + " [--lake=DIR|s3://bucket/prefix] [--runner=DirectRunner] [options]");
      out.println();
      PipelineOptionsFactory.printHelp(out, LakeOptions.class);
      return 0;
    }
    LakeOptions options = parse(args);
    if (job == Lakehouse.JOB && Stream.of(args).noneMatch(a -> a.startsWith("--lake="))) {
      SampleData.generateIfEmpty(Lake.of(options.getLake()), out);
    }
    LakeRun.Result result = LakeRun.run(job, options);
    out.print(result.report().toText());
    return 0;
  }

  /**
   * The options of a run on {@code args}, as {@link #run} parses them, without running anything.
   *
   * @throws org.stedi.lakehouse.pipelines.run.UnknownOptionException when an argument names no option
   * @throws IllegalArgumentException when a value is wrong for its option
   */
  static LakeOptions parse(String... args) {
    return LakeJobs.parseOptions(RunnerDefaults.apply(args));
  }
}
