package io.stacklens.agent.exporterhelper;

import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.MetricsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.data.TracesBatch;
import java.util.ArrayList;
import java.util.List;

/** Merges batches of one signal into one, and splits oversized log batches. */
final class BatchMerger {
  private BatchMerger() {}

  static Batch merge(List<Batch> batches) {
    if (batches.size() == 1) return batches.get(0);
    Batch first = batches.get(0);
    if (first instanceof LogsBatch) {
      List<ResourceLogs> all = new ArrayList<>();
      for (Batch b : batches) all.addAll(((LogsBatch) b).resourceLogs());
      return new LogsBatch(all);
    }
    if (first instanceof TracesBatch) {
      List<io.opentelemetry.proto.trace.v1.ResourceSpans> all = new ArrayList<>();
      for (Batch b : batches) all.addAll(((TracesBatch) b).resourceSpans());
      return new TracesBatch(all);
    }
    List<io.opentelemetry.proto.metrics.v1.ResourceMetrics> all = new ArrayList<>();
    for (Batch b : batches) all.addAll(((MetricsBatch) b).resourceMetrics());
    return new MetricsBatch(all);
  }

  /**
   * Splits a logs batch into pieces of at most {@code maxRecords} records, keeping each record with
   * its resource and scope. Other signals are returned whole.
   */
  static List<Batch> split(Batch batch, int maxRecords) {
    if (maxRecords <= 0
        || batch.recordCount() <= maxRecords
        || !(batch instanceof LogsBatch logs)) {
      return List.of(batch);
    }
    List<Batch> out = new ArrayList<>();
    LogsBatch current = new LogsBatch();
    int count = 0;
    for (ResourceLogs rl : logs.resourceLogs()) {
      ResourceLogs curResource = null;
      for (ScopeLogs sl : rl.scopeLogs()) {
        ScopeLogs curScope = null;
        for (var record : sl.logRecords()) {
          if (count == maxRecords) {
            out.add(current);
            current = new LogsBatch();
            count = 0;
            curResource = null;
            curScope = null;
          }
          if (curResource == null) {
            curResource =
                new ResourceLogs(rl.resource(), new ArrayList<>()).setSchemaUrl(rl.schemaUrl());
            current.resourceLogs().add(curResource);
          }
          if (curScope == null) {
            curScope = new ScopeLogs(sl.scope(), new ArrayList<>()).setSchemaUrl(sl.schemaUrl());
            curResource.scopeLogs().add(curScope);
          }
          curScope.logRecords().add(record);
          count++;
        }
      }
    }
    if (count > 0) out.add(current);
    return out;
  }
}
