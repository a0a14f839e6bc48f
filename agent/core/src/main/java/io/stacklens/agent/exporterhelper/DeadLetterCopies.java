package io.stacklens.agent.exporterhelper;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.stacklens.agent.api.DeadLetters;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.MemoryEstimate;
import io.stacklens.agent.data.MemoryLimiter;
import io.stacklens.agent.data.MetricsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.TracesBatch;
import java.util.ArrayList;
import java.util.List;

/**
 * The dead-letter copy of records, the one way both dead-letter paths ({@link DeadLetterStage} for
 * an exporter's permanent failures, {@link ReceiverDeadLetters} for a receiver's undecodable input)
 * mark them: a copy (the originals may be shared, or offered again) whose every resource carries
 * {@value DeadLetters#ERROR_REASON}, {@value DeadLetters#ERROR_MESSAGE} (at most {@value
 * #MAX_MESSAGE} characters) and the source ({@value DeadLetters#EXPORTER} or {@value
 * DeadLetters#RECEIVER}), holding its own share of the memory budget.
 */
final class DeadLetterCopies {
  static final int MAX_MESSAGE = 1024;

  private DeadLetterCopies() {}

  /**
   * The annotated copy of {@code records}, with its estimated bytes taken from {@code memory}
   * (whether or not they fit: the records exist already) and attached, so whoever holds it last
   * gives them back.
   */
  static Batch copy(
      Batch records,
      String reason,
      String message,
      String sourceKey,
      String source,
      MemoryLimiter memory) {
    String text =
        message == null
            ? ""
            : message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) : message;
    Batch copy = annotated(records, reason, text, sourceKey, source);
    long bytes =
        copy instanceof LogsBatch logs
            ? MemoryEstimate.of(logs)
            : Math.max(records.accountedBytes(), 64L * copy.recordCount());
    memory.forceAcquire(bytes);
    copy.attachMemory(memory, bytes);
    return copy;
  }

  private static Batch annotated(
      Batch records, String reason, String message, String sourceKey, String source) {
    if (records instanceof LogsBatch logs) {
      LogsBatch copy = logs.copy();
      for (ResourceLogs rl : copy.resourceLogs()) {
        Attributes a = rl.resource().attributes();
        a.put(DeadLetters.ERROR_REASON, reason);
        a.put(DeadLetters.ERROR_MESSAGE, message);
        a.put(sourceKey, source);
      }
      return copy;
    }
    List<KeyValue> extra =
        List.of(
            kv(DeadLetters.ERROR_REASON, reason),
            kv(DeadLetters.ERROR_MESSAGE, message),
            kv(sourceKey, source));
    if (records instanceof TracesBatch traces) {
      List<ResourceSpans> out = new ArrayList<>();
      for (ResourceSpans rs : traces.resourceSpans()) {
        ResourceSpans.Builder b = rs.toBuilder();
        b.getResourceBuilder().addAllAttributes(extra);
        out.add(b.build());
      }
      return new TracesBatch(out);
    }
    List<ResourceMetrics> out = new ArrayList<>();
    for (ResourceMetrics rm : ((MetricsBatch) records).resourceMetrics()) {
      ResourceMetrics.Builder b = rm.toBuilder();
      b.getResourceBuilder().addAllAttributes(extra);
      out.add(b.build());
    }
    return new MetricsBatch(out);
  }

  private static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }
}
