package org.stedi.lakehouse.pipelines;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.Pipeline;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.model.Source;

/**
 * What one lake pipeline reads and writes, and how it builds its graph: the unit that {@link
 * LakeRun} stages, runs, publishes and reports.
 *
 * @param name the pipeline's name, as Glue users know the job ({@code customer_landing_to_trusted})
 * @param landing the landing sources it reads
 * @param inputs the published tables it reads
 * @param outputs the tables it writes, in the order of the run report
 * @param quarantines the sources whose rejected lines it writes
 * @param graph builds the graph on a pipeline, reading and writing through the given {@link LakeIO}
 */
public record LakeJob(
    String name,
    List<Source> landing,
    List<LakeTable> inputs,
    List<LakeTable> outputs,
    List<Source> quarantines,
    Graph graph) {

  /** Builds a job's graph. */
  @FunctionalInterface
  public interface Graph {
    void build(Pipeline pipeline, LakeIO io, LakeOptions options);
  }

  public LakeJob {
    Objects.requireNonNull(name, "name");
    landing = List.copyOf(landing);
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    quarantines = List.copyOf(quarantines);
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
