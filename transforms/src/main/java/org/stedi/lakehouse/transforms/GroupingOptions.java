package org.stedi.lakehouse.transforms;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Tuning of the transforms' size-adaptive grouping: joins and de-duplication group elements into
 * buckets of about this many elements (the number of buckets follows the data). Larger buckets mean
 * fewer, bigger groups (less per-group overhead, more memory per group); smaller buckets more
 * parallelism. The default suits workers with a gigabyte or more of heap.
 */
public interface GroupingOptions extends PipelineOptions {

  @Description(
      "Target number of elements per group in the joins and de-duplication of the STEDI transforms "
          + "(the number of groups is derived from the data size).")
  @Default.Long(100_000)
  long getElementsPerBucket();

  void setElementsPerBucket(long elementsPerBucket);
}
