package io.stacklens.agent.exporterhelper;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.DeadLetterAttributes;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.MemoryEstimate;
import io.stacklens.agent.data.MemoryLimiter;
import io.stacklens.agent.data.MetricsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.TracesBatch;
import io.stacklens.agent.telemetry.Counter;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * The dead-letter stage: records an exporter fails permanently go to another exporter
 * ({@code dead_letter.exporter}) instead of being dropped. This is the one code path for dead letters:
 * an exporter only reports a permanent failure (with {@link io.stacklens.agent.api.ExportException#withUnsent}
 * for the records concerned, and a reason); the helper does the rest.
 *
 * <p>The dead-letter copy carries why, as resource attributes (the failure concerns all its records):
 * {@value #REASON} (the failure's reason label, e.g. {@code record_too_large}), {@value #MESSAGE} (the
 * error text, at most 1 KiB) and {@value #EXPORTER} (the exporter that failed them). It is a copy:
 * the failed batch may be shared with other exporters. It holds its own share of the memory budget and
 * enters the dead-letter exporter's queue like any batch, waiting while that queue is full.
 */
final class DeadLetterStage {
  static final String REASON = DeadLetterAttributes.REASON;
  static final String MESSAGE = DeadLetterAttributes.MESSAGE;
  static final String EXPORTER = DeadLetterAttributes.EXPORTER;
  private static final int MAX_MESSAGE = 1024;

  private final ComponentContext context;
  private final String label;
  private volatile ExporterRunner target;
  private volatile MemoryLimiter memory = MemoryLimiter.unlimited();
  private Counter deadLettered;

  DeadLetterStage(ComponentContext context) {
    this.context = context;
    this.label = context.id().toString();
  }

  void connect(ExporterRunner target) {
    this.target = target;
    this.deadLettered = context.metrics().counter("stacklens_exporter_dead_letter_records_total",
        "Records the exporter failed permanently and handed to its dead-letter exporter",
        "exporter", label, "dead_letter", target.id().toString());
  }

  void useMemory(MemoryLimiter memory) {
    this.memory = memory;
  }

  boolean connected() {
    return target != null;
  }

  /** Hands a copy of {@code failed} to the dead-letter exporter; false when there is none or it refused at shutdown. */
  boolean offer(Batch failed, String reason, String message) throws InterruptedException {
    ExporterRunner to = target;
    if (to == null || failed.recordCount() == 0) return false;
    Batch copy = annotated(failed, reason, message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) : message);
    long bytes = copy instanceof LogsBatch logs ? MemoryEstimate.of(logs) : Math.max(failed.accountedBytes(), 64L * copy.recordCount());
    memory.forceAcquire(bytes);
    copy.attachMemory(memory, bytes);
    if (!to.enqueue(copy)) {
      context.logger().log(Level.ERROR, "exporter " + label + ": dead-letter exporter " + to.id() + " did not take "
          + copy.recordCount() + " records before the shutdown deadline; they are lost");
      return false;
    }
    deadLettered.add(copy.recordCount());
    return true;
  }

  private Batch annotated(Batch failed, String reason, String message) {
    if (failed instanceof LogsBatch logs) {
      LogsBatch copy = logs.copy();
      for (ResourceLogs rl : copy.resourceLogs()) {
        Attributes a = rl.resource().attributes();
        a.put(REASON, reason);
        a.put(MESSAGE, message);
        a.put(EXPORTER, label);
      }
      return copy;
    }
    List<KeyValue> extra = List.of(kv(REASON, reason), kv(MESSAGE, message), kv(EXPORTER, label));
    if (failed instanceof TracesBatch traces) {
      List<ResourceSpans> out = new ArrayList<>();
      for (ResourceSpans rs : traces.resourceSpans()) {
        ResourceSpans.Builder b = rs.toBuilder();
        b.getResourceBuilder().addAllAttributes(extra);
        out.add(b.build());
      }
      return new TracesBatch(out);
    }
    List<ResourceMetrics> out = new ArrayList<>();
    for (ResourceMetrics rm : ((MetricsBatch) failed).resourceMetrics()) {
      ResourceMetrics.Builder b = rm.toBuilder();
      b.getResourceBuilder().addAllAttributes(extra);
      out.add(b.build());
    }
    return new MetricsBatch(out);
  }

  private static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }
}
