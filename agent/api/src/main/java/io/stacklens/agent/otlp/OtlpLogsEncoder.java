package io.stacklens.agent.otlp;

import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.InstrumentationScope;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import java.util.List;

/**
 * A {@link LogsBatch} as the bytes of an OTLP {@code ExportLogsServiceRequest}, written straight
 * from the model: the bytes {@code OtlpLogs.toProto(batch).toByteArray()} gives, without building
 * the protobuf-java messages first (which allocated several objects per attribute and encoded every
 * string twice, once to size it and once to write it). Field numbers are those of {@code
 * opentelemetry/proto/logs/v1/logs.proto} and {@code common/v1/common.proto}.
 */
public final class OtlpLogsEncoder {
  /**
   * Each thread's writer, reused from one request to the next: only the final copy of exact length
   * is allocated per request, and attribute keys' bytes come from what it wrote before. A writer
   * whose buffer grew beyond {@link #KEPT_BUFFER_MAX} is not kept.
   */
  private static final ThreadLocal<ProtoWriter> WRITER =
      ThreadLocal.withInitial(() -> new ProtoWriter(65_536));

  private static final int KEPT_BUFFER_MAX = 1 << 20;

  private OtlpLogsEncoder() {}

  /** {@code batch} as an {@code ExportLogsServiceRequest} in protobuf wire format. */
  public static byte[] encode(LogsBatch batch) {
    ProtoWriter w = WRITER.get();
    w.reset();
    for (ResourceLogs rl : batch.resourceLogs()) resourceLogs(w, rl);
    byte[] out = w.toByteArray();
    if (w.capacity() > KEPT_BUFFER_MAX) WRITER.remove();
    return out;
  }

  private static void resourceLogs(ProtoWriter w, ResourceLogs rl) {
    long m = w.beginMessage(1, 3); // ExportLogsServiceRequest.resource_logs
    long resource = w.beginMessage(1, 1); // ResourceLogs.resource
    keyValues(w, 1, rl.resource().attributes()); // Resource.attributes
    w.uint32(2, rl.resource().droppedAttributesCount());
    w.endMessage(resource);
    for (ScopeLogs sl : rl.scopeLogs()) scopeLogs(w, sl); // ResourceLogs.scope_logs
    w.string(3, rl.schemaUrl());
    w.endMessage(m);
  }

  private static void scopeLogs(ProtoWriter w, ScopeLogs sl) {
    long m = w.beginMessage(2, 3);
    InstrumentationScope scope = sl.scope();
    long s = w.beginMessage(1, 1); // ScopeLogs.scope
    w.string(1, scope.name());
    w.string(2, scope.version());
    keyValues(w, 3, scope.attributes());
    w.uint32(4, scope.droppedAttributesCount());
    w.endMessage(s);
    List<LogRecord> records = sl.logRecords();
    for (int i = 0, n = records.size(); i < n; i++) logRecord(w, records.get(i)); // log_records
    w.string(3, sl.schemaUrl());
    w.endMessage(m);
  }

  private static void logRecord(ProtoWriter w, LogRecord r) {
    long m = w.beginMessage(2, 2);
    w.fixed64(1, r.timeUnixNano());
    w.int64(2, r.severityNumber()); // enum: an int32, sign-extended
    w.string(3, r.severityText());
    Object body = r.body();
    if (body != null) {
      long b = w.beginMessage(5, 1);
      anyValueFields(w, body);
      w.endMessage(b);
    }
    keyValues(w, 6, r.attributes());
    w.uint32(7, r.droppedAttributesCount());
    w.fixed32(8, r.flags());
    w.bytes(9, r.traceId());
    w.bytes(10, r.spanId());
    w.fixed64(11, r.observedTimeUnixNano());
    w.string(12, r.eventName());
    w.endMessage(m);
  }

  /** Each attribute as a {@code KeyValue} in repeated field {@code field}. */
  private static void keyValues(ProtoWriter w, int field, Attributes a) {
    for (int i = 0, n = a.size(); i < n; i++) {
      long kv = w.beginMessage(field, 1);
      w.repeatingString(1, a.key(i));
      Object v = a.value(i);
      if (v != null) {
        long value = w.beginMessage(2, 1);
        anyValueFields(w, v);
        w.endMessage(value);
      }
      w.endMessage(kv);
    }
  }

  /** The fields of an {@code AnyValue} holding {@code v} (none for null). */
  private static void anyValueFields(ProtoWriter w, Object v) {
    if (v == null) return;
    if (v instanceof String s) {
      w.stringAlways(1, s);
    } else if (v instanceof Boolean x) {
      w.boolAlways(2, x);
    } else if (v instanceof Long x) {
      w.int64Always(3, x);
    } else if (v instanceof Integer x) {
      w.int64Always(3, x);
    } else if (v instanceof Double x) {
      w.fixed64Always(4, Double.doubleToRawLongBits(x));
    } else if (v instanceof Float x) {
      w.fixed64Always(4, Double.doubleToRawLongBits(x.doubleValue()));
    } else if (v instanceof byte[] x) {
      w.bytesAlways(7, x);
    } else if (v instanceof List<?> list) {
      long array = w.beginMessage(5, 2);
      for (Object o : list) {
        long e = w.beginMessage(1, 1); // ArrayValue.values
        anyValueFields(w, o);
        w.endMessage(e);
      }
      w.endMessage(array);
    } else if (v instanceof Attributes kv) {
      long list = w.beginMessage(6, 2);
      keyValues(w, 1, kv); // KeyValueList.values
      w.endMessage(list);
    } else {
      throw new IllegalArgumentException(
          "unsupported attribute value type " + v.getClass().getName());
    }
  }
}
