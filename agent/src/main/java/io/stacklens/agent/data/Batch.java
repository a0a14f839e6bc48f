package io.stacklens.agent.data;

import io.stacklens.agent.api.Signal;

/**
 * A unit of telemetry flowing through a pipeline: what one request, one poll or one processor step
 * carries. Decoded once by a receiver, changed in place by processors, encoded once by each exporter.
 */
public sealed interface Batch permits LogsBatch, TracesBatch, MetricsBatch {
  Signal signal();

  /** Log records, spans or metric data points in this batch. */
  int recordCount();

  /** A deep copy: fan-out to several pipelines gives each one its own. */
  Batch copy();

  default boolean isEmpty() {
    return recordCount() == 0;
  }
}
