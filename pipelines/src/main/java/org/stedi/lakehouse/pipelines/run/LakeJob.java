package org.stedi.lakehouse.pipelines.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptions;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.model.Source;

/**
 * What one lake pipeline reads and writes, and how it builds its graph: the unit that {@link
 * LakeRun} stages, runs, publishes and reports.
 *
 * @param name the pipeline's name, as Glue users know the job ({@code customer_landing_to_trusted})
 * @param landing the landing sources it reads
 * @param inputs the published tables it reads, each with the job that builds it
 * @param outputs the tables it writes, in the order of the run report
 * @param quarantines the sources whose rejected lines it writes
 * @param settings the job's settings as the run report echoes them
 * @param graph builds the graph on a pipeline, reading and writing through the given {@link LakeIO}
 */
public record LakeJob(
    String name,
    List<Source> landing,
    List<Input> inputs,
    List<LakeTable> outputs,
    List<Source> quarantines,
    Settings settings,
    Graph graph) {

  /** Builds a job's graph; the job's options are the pipeline's ({@code pipeline.getOptions().as(...)}). */
  @FunctionalInterface
  public interface Graph {
    void build(Pipeline pipeline, LakeIO io);
  }

  /**
   * The job's settings from a run's options, in the order the run report echoes them. It throws an
   * {@link IllegalArgumentException} naming the values an option takes when one is wrong: {@link
   * LakeRun} asks for them before it touches the lake.
   */
  @FunctionalInterface
  public interface Settings {
    Map<String, Object> of(PipelineOptions options);
  }

  /** A published table that a job reads, and the job that builds it (named when it is missing). */
  public record Input(LakeTable table, LakeJob builtBy) {
    public Input {
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(builtBy, "builtBy");
      if (!builtBy.outputs().contains(table)) {
        throw new IllegalArgumentException(builtBy.name() + " does not build " + table.tableName());
      }
    }
  }

  public LakeJob {
    Objects.requireNonNull(name, "name");
    landing = List.copyOf(landing);
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    quarantines = List.copyOf(quarantines);
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(graph, "graph");
  }

  /** The lake paths this job publishes: its tables and its quarantine folders. */
  public List<String> outputPaths() {
    List<String> paths = new ArrayList<>();
    outputs.forEach(table -> paths.add(table.path()));
    quarantines.forEach(source -> paths.add(source.quarantinePath()));
    return paths;
  }
}
