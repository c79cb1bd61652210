package org.stedi.lakehouse.transforms;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Tuning of the transforms' bucketed grouping: joins and de-duplication group their elements into
 * buckets by a hash of the key, one shuffle group per bucket.
 *
 * <ul>
 *   <li>{@code --buckets=N}: every grouping uses N buckets. This is the fast way: nothing is
 *       counted. The lake pipelines set it from the size of the landing data before the run
 *       (about {@code --elementsPerBucket} landing lines per bucket, at least two buckets per
 *       processor) unless it is given.
 *   <li>Unset (a pipeline of your own that leaves it out): each grouping counts its input first and
 *       uses {@code ceil(n / --elementsPerBucket)} buckets, at the cost of one more pass over the
 *       input and a singleton side input per grouping.
 * </ul>
 *
 * <p>Larger buckets mean fewer, bigger groups (less per-group overhead, more memory per group);
 * smaller buckets more parallelism. A bucket of 100,000 elements suits workers with a gigabyte or
 * more of heap.
 */
public interface GroupingOptions extends PipelineOptions {

  @Description(
      "Target number of elements per group in the joins and de-duplication of the STEDI transforms; "
          + "sizes --buckets when that is not given.")
  @Default.Long(100_000)
  long getElementsPerBucket();

  void setElementsPerBucket(long elementsPerBucket);

  @Description(
      "Number of groups that every join and de-duplication of the STEDI transforms spreads its elements "
          + "over. Unset: the lake pipelines size it from the landing data; other pipelines count each "
          + "grouping's input first.")
  Integer getBuckets();

  void setBuckets(Integer buckets);
}
