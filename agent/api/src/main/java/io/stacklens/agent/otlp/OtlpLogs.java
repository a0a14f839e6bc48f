package io.stacklens.agent.otlp;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.InstrumentationScope;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.Resource;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import java.util.ArrayList;
import java.util.List;

/** Converts between OTLP protobuf log messages and the mutable {@link LogsBatch} model. */
public final class OtlpLogs {
  private OtlpLogs() {}

  // ---------------------------------------------------------------- proto -> model

  public static LogsBatch fromProto(ExportLogsServiceRequest request) {
    List<ResourceLogs> resources = new ArrayList<>(request.getResourceLogsCount());
    for (io.opentelemetry.proto.logs.v1.ResourceLogs rl : request.getResourceLogsList()) {
      resources.add(fromProto(rl));
    }
    return new LogsBatch(resources);
  }

  static ResourceLogs fromProto(io.opentelemetry.proto.logs.v1.ResourceLogs rl) {
    Resource resource =
        new Resource(attributes(rl.getResource().getAttributesList()))
            .setDroppedAttributesCount(rl.getResource().getDroppedAttributesCount());
    List<ScopeLogs> scopes = new ArrayList<>(rl.getScopeLogsCount());
    for (io.opentelemetry.proto.logs.v1.ScopeLogs sl : rl.getScopeLogsList()) {
      io.opentelemetry.proto.common.v1.InstrumentationScope ps = sl.getScope();
      InstrumentationScope scope =
          new InstrumentationScope(attributes(ps.getAttributesList()))
              .setName(ps.getName())
              .setVersion(ps.getVersion())
              .setDroppedAttributesCount(ps.getDroppedAttributesCount());
      List<LogRecord> records = new ArrayList<>(sl.getLogRecordsCount());
      for (io.opentelemetry.proto.logs.v1.LogRecord pr : sl.getLogRecordsList()) {
        records.add(fromProto(pr));
      }
      scopes.add(new ScopeLogs(scope, records).setSchemaUrl(sl.getSchemaUrl()));
    }
    return new ResourceLogs(resource, scopes).setSchemaUrl(rl.getSchemaUrl());
  }

  static LogRecord fromProto(io.opentelemetry.proto.logs.v1.LogRecord pr) {
    LogRecord r = new LogRecord(attributes(pr.getAttributesList()));
    r.setTimeUnixNano(pr.getTimeUnixNano())
        .setObservedTimeUnixNano(pr.getObservedTimeUnixNano())
        .setSeverityNumber(pr.getSeverityNumberValue())
        .setSeverityText(pr.getSeverityText())
        .setBody(pr.hasBody() ? value(pr.getBody()) : null)
        .setDroppedAttributesCount(pr.getDroppedAttributesCount())
        .setFlags(pr.getFlags())
        .setTraceId(bytesOrNull(pr.getTraceId()))
        .setSpanId(bytesOrNull(pr.getSpanId()))
        .setEventName(pr.getEventName());
    return r;
  }

  private static byte[] bytesOrNull(ByteString b) {
    return b.isEmpty() ? null : b.toByteArray();
  }

  public static Attributes attributes(List<KeyValue> kvs) {
    Attributes a = new Attributes(kvs.size());
    for (KeyValue kv : kvs) {
      a.append(kv.getKey(), kv.hasValue() ? value(kv.getValue()) : null);
    }
    return a;
  }

  /** AnyValue -> plain object (see {@link Attributes} for the mapping). */
  public static Object value(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> v.getBoolValue();
      case INT_VALUE -> v.getIntValue();
      case DOUBLE_VALUE -> v.getDoubleValue();
      case BYTES_VALUE -> v.getBytesValue().toByteArray();
      case ARRAY_VALUE -> {
        List<Object> list = new ArrayList<>(v.getArrayValue().getValuesCount());
        for (AnyValue e : v.getArrayValue().getValuesList()) list.add(value(e));
        yield list;
      }
      case KVLIST_VALUE -> attributes(v.getKvlistValue().getValuesList());
      // VALUE_NOT_SET, and index-based kinds used only by the profiles signal's string table
      default -> null;
    };
  }

  // ---------------------------------------------------------------- model -> proto

  public static ExportLogsServiceRequest toProto(LogsBatch batch) {
    ExportLogsServiceRequest.Builder b = ExportLogsServiceRequest.newBuilder();
    for (ResourceLogs rl : batch.resourceLogs()) b.addResourceLogs(toProto(rl));
    return b.build();
  }

  static io.opentelemetry.proto.logs.v1.ResourceLogs toProto(ResourceLogs rl) {
    io.opentelemetry.proto.logs.v1.ResourceLogs.Builder b =
        io.opentelemetry.proto.logs.v1.ResourceLogs.newBuilder().setSchemaUrl(rl.schemaUrl());
    b.getResourceBuilder()
        .addAllAttributes(keyValues(rl.resource().attributes()))
        .setDroppedAttributesCount(rl.resource().droppedAttributesCount());
    for (ScopeLogs sl : rl.scopeLogs()) {
      io.opentelemetry.proto.logs.v1.ScopeLogs.Builder sb =
          b.addScopeLogsBuilder().setSchemaUrl(sl.schemaUrl());
      InstrumentationScope scope = sl.scope();
      sb.getScopeBuilder()
          .setName(scope.name())
          .setVersion(scope.version())
          .addAllAttributes(keyValues(scope.attributes()))
          .setDroppedAttributesCount(scope.droppedAttributesCount());
      for (LogRecord r : sl.logRecords()) sb.addLogRecords(toProto(r));
    }
    return b.build();
  }

  static io.opentelemetry.proto.logs.v1.LogRecord toProto(LogRecord r) {
    io.opentelemetry.proto.logs.v1.LogRecord.Builder b =
        io.opentelemetry.proto.logs.v1.LogRecord.newBuilder()
            .setTimeUnixNano(r.timeUnixNano())
            .setObservedTimeUnixNano(r.observedTimeUnixNano())
            .setSeverityNumberValue(r.severityNumber())
            .setSeverityText(r.severityText())
            .addAllAttributes(keyValues(r.attributes()))
            .setDroppedAttributesCount(r.droppedAttributesCount())
            .setFlags(r.flags())
            .setEventName(r.eventName());
    if (r.body() != null) b.setBody(anyValue(r.body()));
    if (r.traceId() != null) b.setTraceId(ByteString.copyFrom(r.traceId()));
    if (r.spanId() != null) b.setSpanId(ByteString.copyFrom(r.spanId()));
    return b.build();
  }

  public static List<KeyValue> keyValues(Attributes a) {
    List<KeyValue> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      KeyValue.Builder kv = KeyValue.newBuilder().setKey(a.key(i));
      Object v = a.value(i);
      if (v != null) kv.setValue(anyValue(v));
      out.add(kv.build());
    }
    return out;
  }

  /** Plain object -> AnyValue. */
  public static AnyValue anyValue(Object v) {
    AnyValue.Builder b = AnyValue.newBuilder();
    if (v == null) return b.build();
    if (v instanceof String s) return b.setStringValue(s).build();
    if (v instanceof Boolean x) return b.setBoolValue(x).build();
    if (v instanceof Long x) return b.setIntValue(x).build();
    if (v instanceof Integer x) return b.setIntValue(x).build();
    if (v instanceof Double x) return b.setDoubleValue(x).build();
    if (v instanceof Float x) return b.setDoubleValue(x).build();
    if (v instanceof byte[] x) return b.setBytesValue(ByteString.copyFrom(x)).build();
    if (v instanceof List<?> list) {
      ArrayValue.Builder ab = ArrayValue.newBuilder();
      for (Object o : list) ab.addValues(anyValue(o));
      return b.setArrayValue(ab).build();
    }
    if (v instanceof Attributes kv) {
      return b.setKvlistValue(KeyValueList.newBuilder().addAllValues(keyValues(kv))).build();
    }
    throw new IllegalArgumentException(
        "unsupported attribute value type " + v.getClass().getName());
  }

  /**
   * OTLP/JSON logs into the model within {@code budget}. The JSON is read into protobuf messages,
   * then converted: while both exist the budget holds both; once the messages are garbage it holds
   * the model's estimate ({@link io.stacklens.agent.data.MemoryEstimate#of}).
   */
  public static LogsBatch fromJson(byte[] json, io.stacklens.agent.limits.DecodeBudget budget) {
    LogsBatch batch = fromProto(OtlpJson.parseLogs(json, budget));
    long model = io.stacklens.agent.data.MemoryEstimate.of(batch);
    budget.charge(model);
    budget.settle(model);
    return batch;
  }
}
