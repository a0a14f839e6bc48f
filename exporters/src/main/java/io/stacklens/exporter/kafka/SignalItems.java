package io.stacklens.exporter.kafka;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.MetricsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.data.TracesBatch;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The routing unit of each signal, with the parts it needs: a log record, a span, a metric (with
 * all its data points). Items keep references to their resource and scope, and {@link #assemble}
 * builds a batch of any subsequence of them, sharing (never changing) the original objects.
 */
final class SignalItems {
  private SignalItems() {}

  /** One record with its resource and scope; the objects are those of the batch. */
  record Item(Object resource, Object scope, Object record) {}

  static List<Item> items(Batch batch) {
    List<Item> out = new ArrayList<>(batch.recordCount());
    if (batch instanceof LogsBatch logs) {
      for (ResourceLogs rl : logs.resourceLogs()) {
        for (ScopeLogs sl : rl.scopeLogs())
          for (LogRecord r : sl.logRecords()) out.add(new Item(rl, sl, r));
      }
    } else if (batch instanceof TracesBatch traces) {
      for (ResourceSpans rs : traces.resourceSpans()) {
        for (ScopeSpans ss : rs.getScopeSpansList())
          for (Span s : ss.getSpansList()) out.add(new Item(rs, ss, s));
      }
    } else if (batch instanceof MetricsBatch metrics) {
      for (ResourceMetrics rm : metrics.resourceMetrics()) {
        for (ScopeMetrics sm : rm.getScopeMetricsList())
          for (Metric m : sm.getMetricsList()) out.add(new Item(rm, sm, m));
      }
    }
    return out;
  }

  /** Records the item counts for (1, or a metric's data points). */
  static int records(Item item) {
    if (!(item.record() instanceof Metric m)) return 1;
    return switch (m.getDataCase()) {
      case GAUGE -> m.getGauge().getDataPointsCount();
      case SUM -> m.getSum().getDataPointsCount();
      case HISTOGRAM -> m.getHistogram().getDataPointsCount();
      case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getDataPointsCount();
      case SUMMARY -> m.getSummary().getDataPointsCount();
      case DATA_NOT_SET -> 0;
    };
  }

  /**
   * Reads {@code field} for an item: record attributes (log records, spans) or resource attributes.
   */
  static String read(Item item, FieldRef field) {
    if (item.record() instanceof LogRecord r) {
      return field.read(r.attributes(), ((ResourceLogs) item.resource()).resource().attributes());
    }
    if (item.record() instanceof Span s && !field.resource())
      return FieldRef.read(s.getAttributesList(), field.key());
    return FieldRef.read(resourceAttributes(item), field.key());
  }

  private static List<KeyValue> resourceAttributes(Item item) {
    if (item.resource() instanceof ResourceSpans rs) return rs.getResource().getAttributesList();
    if (item.resource() instanceof ResourceMetrics rm) return rm.getResource().getAttributesList();
    return List.of();
  }

  /** The item's trace id in lower-case hex, or null (metrics, records without one). */
  static String traceId(Item item) {
    if (item.record() instanceof LogRecord r) {
      return r.traceId() == null || allZero(r.traceId())
          ? null
          : HexFormat.of().formatHex(r.traceId());
    }
    if (item.record() instanceof Span s) {
      return s.getTraceId().isEmpty()
          ? null
          : HexFormat.of().formatHex(s.getTraceId().toByteArray());
    }
    return null;
  }

  private static boolean allZero(byte[] b) {
    for (byte x : b) if (x != 0) return false;
    return true;
  }

  /**
   * A batch of {@code items} (a subsequence of one batch's items, in order) of {@code signal}'s
   * kind.
   */
  static Batch assemble(Batch like, List<Item> items) {
    if (like instanceof LogsBatch) return assembleLogs(items);
    if (like instanceof TracesBatch) return assembleTraces(items);
    return assembleMetrics(items);
  }

  private static LogsBatch assembleLogs(List<Item> items) {
    List<ResourceLogs> out = new ArrayList<>();
    Object lastResource = null;
    Object lastScope = null;
    ResourceLogs rlOut = null;
    ScopeLogs slOut = null;
    for (Item it : items) {
      ResourceLogs rl = (ResourceLogs) it.resource();
      ScopeLogs sl = (ScopeLogs) it.scope();
      if (rl != lastResource) {
        rlOut = new ResourceLogs(rl.resource(), new ArrayList<>()).setSchemaUrl(rl.schemaUrl());
        out.add(rlOut);
        lastResource = rl;
        lastScope = null;
      }
      if (sl != lastScope) {
        slOut = new ScopeLogs(sl.scope(), new ArrayList<>()).setSchemaUrl(sl.schemaUrl());
        rlOut.scopeLogs().add(slOut);
        lastScope = sl;
      }
      slOut.logRecords().add((LogRecord) it.record());
    }
    return new LogsBatch(out);
  }

  private static TracesBatch assembleTraces(List<Item> items) {
    List<ResourceSpans> out = new ArrayList<>();
    ResourceSpans.Builder rb = null;
    ScopeSpans.Builder sb = null;
    Object lastResource = null;
    Object lastScope = null;
    for (Item it : items) {
      ResourceSpans rs = (ResourceSpans) it.resource();
      ScopeSpans ss = (ScopeSpans) it.scope();
      if (rs != lastResource) {
        if (rb != null) out.add(rb.build());
        rb =
            ResourceSpans.newBuilder()
                .setResource(rs.getResource())
                .setSchemaUrl(rs.getSchemaUrl());
        lastResource = rs;
        lastScope = null;
      }
      if (ss != lastScope) {
        sb = rb.addScopeSpansBuilder().setScope(ss.getScope()).setSchemaUrl(ss.getSchemaUrl());
        lastScope = ss;
      }
      sb.addSpans((Span) it.record());
    }
    if (rb != null) out.add(rb.build());
    return new TracesBatch(out);
  }

  private static MetricsBatch assembleMetrics(List<Item> items) {
    List<ResourceMetrics> out = new ArrayList<>();
    ResourceMetrics.Builder rb = null;
    ScopeMetrics.Builder sb = null;
    Object lastResource = null;
    Object lastScope = null;
    for (Item it : items) {
      ResourceMetrics rm = (ResourceMetrics) it.resource();
      ScopeMetrics sm = (ScopeMetrics) it.scope();
      if (rm != lastResource) {
        if (rb != null) out.add(rb.build());
        rb =
            ResourceMetrics.newBuilder()
                .setResource(rm.getResource())
                .setSchemaUrl(rm.getSchemaUrl());
        lastResource = rm;
        lastScope = null;
      }
      if (sm != lastScope) {
        sb = rb.addScopeMetricsBuilder().setScope(sm.getScope()).setSchemaUrl(sm.getSchemaUrl());
        lastScope = sm;
      }
      sb.addMetrics((Metric) it.record());
    }
    if (rb != null) out.add(rb.build());
    return new MetricsBatch(out);
  }
}
