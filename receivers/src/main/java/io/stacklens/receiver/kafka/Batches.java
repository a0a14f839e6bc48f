package io.stacklens.receiver.kafka;

import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.MetricsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.TracesBatch;
import java.util.ArrayList;
import java.util.List;

/** Joins several chunks' batches (of one signal) into one, for one pipeline hand-off per poll. */
final class Batches {
  private Batches() {}

  /**
   * A new batch holding the resources of every chunk's batch. The chunks' batches are left as they
   * are, so a refused merge can be retried (the resources are shared, not copied).
   */
  static Batch merge(List<PendingChunk> chunks) {
    Batch first = chunks.get(0).batch();
    if (first instanceof LogsBatch) {
      List<ResourceLogs> all = new ArrayList<>();
      for (PendingChunk c : chunks) all.addAll(((LogsBatch) c.batch()).resourceLogs());
      return new LogsBatch(all);
    }
    if (first instanceof TracesBatch) {
      List<ResourceSpans> all = new ArrayList<>();
      for (PendingChunk c : chunks) all.addAll(((TracesBatch) c.batch()).resourceSpans());
      return new TracesBatch(all);
    }
    List<ResourceMetrics> all = new ArrayList<>();
    for (PendingChunk c : chunks) all.addAll(((MetricsBatch) c.batch()).resourceMetrics());
    return new MetricsBatch(all);
  }
}
