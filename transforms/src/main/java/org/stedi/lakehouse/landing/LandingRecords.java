package org.stedi.lakehouse.landing;

import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;
import org.stedi.lakehouse.model.QuarantinedLine;

/**
 * What {@link ReadLanding} produces: the records parsed from the landing lines, and the lines that
 * were rejected, each with its file, line number, raw text and reason. Every non-blank line ends up
 * in exactly one of the two.
 */
public final class LandingRecords<T> implements POutput {
  private final Pipeline pipeline;
  private final TupleTag<T> recordsTag;
  private final PCollection<T> records;
  private final TupleTag<QuarantinedLine> failuresTag;
  private final PCollection<QuarantinedLine> failures;

  LandingRecords(PCollectionTuple tuple, TupleTag<T> recordsTag, TupleTag<QuarantinedLine> failuresTag) {
    this.pipeline = tuple.getPipeline();
    this.recordsTag = recordsTag;
    this.records = tuple.get(recordsTag);
    this.failuresTag = failuresTag;
    this.failures = tuple.get(failuresTag);
  }

  /** The records of the well-formed lines. */
  public PCollection<T> records() {
    return records;
  }

  /** The rejected lines, for the source's quarantine. */
  public PCollection<QuarantinedLine> failures() {
    return failures;
  }

  @Override
  public Pipeline getPipeline() {
    return pipeline;
  }

  @Override
  public Map<TupleTag<?>, PValue> expand() {
    return Map.of(recordsTag, records, failuresTag, failures);
  }

  @Override
  public void finishSpecifyingOutput(
      String transformName, org.apache.beam.sdk.values.PInput input, PTransform<?, ?> transform) {}
}
