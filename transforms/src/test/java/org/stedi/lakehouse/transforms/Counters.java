package org.stedi.lakehouse.transforms;

import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;

/** Reads committed counter values from a finished pipeline. */
final class Counters {
  private Counters() {}

  /** The committed value of a counter summed over all steps; 0 if it was never incremented. */
  static long value(PipelineResult result, Class<?> namespace, String name) {
    long total = 0;
    for (MetricResult<Long> counter :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder().addNameFilter(MetricNameFilter.named(namespace, name)).build())
            .getCounters()) {
      total += counter.getCommitted();
    }
    return total;
  }
}
