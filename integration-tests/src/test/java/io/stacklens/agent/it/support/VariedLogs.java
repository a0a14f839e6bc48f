package io.stacklens.agent.it.support;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * An OTLP logs request that exercises the data model: every AnyValue kind, nested kvlists and
 * arrays, trace and span ids, the whole severity range, edge-case timestamps, several resources and
 * scopes, and unicode (accents, CJK, emoji, control characters, quotes).
 */
public final class VariedLogs {
  public static final String UNICODE =
      "ünïcødé 日本語 🚀 \"quoted\" back\\slash tab\t nl\n ctl\u0001 end";

  private VariedLogs() {}

  public static ExportLogsServiceRequest request() {
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(
                    Resource.newBuilder()
                        .addAttributes(kv("service.name", str("api")))
                        .addAttributes(kv("host.id", i(42)))
                        .addAttributes(kv("region", str("eu-west-1 " + UNICODE))))
                .addScopeLogs(
                    ScopeLogs.newBuilder()
                        .setScope(
                            InstrumentationScope.newBuilder()
                                .setName("io.http")
                                .setVersion("1.2.3")
                                .addAttributes(kv("scope.attr", bool(true))))
                        .addLogRecords(everyKindRecord())
                        .addLogRecords(nestedRecord())
                        .addLogRecords(minimalRecord()))
                .addScopeLogs(
                    ScopeLogs.newBuilder()
                        .setScope(InstrumentationScope.newBuilder().setName("io.db"))
                        .addLogRecords(
                            severityRecord(SeverityNumber.SEVERITY_NUMBER_FATAL4_VALUE, "FATAL4"))
                        .addLogRecords(
                            severityRecord(SeverityNumber.SEVERITY_NUMBER_TRACE_VALUE, "trace"))))
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(
                    Resource.newBuilder().addAttributes(kv("service.name", str("wörker-日本"))))
                .addScopeLogs(
                    ScopeLogs.newBuilder()
                        .addLogRecords(
                            severityRecord(SeverityNumber.SEVERITY_NUMBER_ERROR2_VALUE, UNICODE))
                        .addLogRecords(
                            LogRecord.newBuilder()
                                .setObservedTimeUnixNano(1_714_566_896_000_000_001L)
                                .setBody(str(UNICODE))
                                .setEventName("event.ü"))))
        .build();
  }

  /** Number of log records in {@link #request()}. */
  public static int recordCount() {
    return request().getResourceLogsList().stream()
        .flatMap(r -> r.getScopeLogsList().stream())
        .mapToInt(ScopeLogs::getLogRecordsCount)
        .sum();
  }

  private static LogRecord everyKindRecord() {
    return LogRecord.newBuilder()
        .setTimeUnixNano(1_714_566_896_123_456_789L)
        .setObservedTimeUnixNano(1_714_566_896_123_456_790L)
        .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_WARN)
        .setSeverityText("WARN")
        .setBody(str("every kind"))
        .addAttributes(kv("s", str("text")))
        .addAttributes(kv("empty.string", str("")))
        .addAttributes(kv("i", i(-3)))
        .addAttributes(kv("i.max", i(Long.MAX_VALUE)))
        .addAttributes(kv("i.min", i(Long.MIN_VALUE)))
        .addAttributes(kv("d", dbl(0.5)))
        .addAttributes(kv("d.whole", dbl(2.0)))
        .addAttributes(kv("d.tiny", dbl(1.0e-300)))
        .addAttributes(kv("d.huge", dbl(-1.7976931348623157e308)))
        .addAttributes(kv("b", bool(false)))
        .addAttributes(
            kv(
                "bytes",
                AnyValue.newBuilder()
                    .setBytesValue(
                        ByteString.copyFrom(new byte[] {0, 1, 2, (byte) 0xfe, (byte) 0xff}))
                    .build()))
        .addAttributes(
            kv(
                "array",
                AnyValue.newBuilder()
                    .setArrayValue(
                        ArrayValue.newBuilder()
                            .addValues(str("a"))
                            .addValues(i(1))
                            .addValues(dbl(1.5))
                            .addValues(bool(true)))
                    .build()))
        .addAttributes(
            kv(
                "kvlist",
                AnyValue.newBuilder()
                    .setKvlistValue(
                        KeyValueList.newBuilder()
                            .addValues(kv("k", str("v")))
                            .addValues(kv("n", i(7))))
                    .build()))
        .addAttributes(
            kv(
                "empty.array",
                AnyValue.newBuilder().setArrayValue(ArrayValue.getDefaultInstance()).build()))
        .addAttributes(
            kv(
                "empty.kvlist",
                AnyValue.newBuilder().setKvlistValue(KeyValueList.getDefaultInstance()).build()))
        .addAttributes(kv(UNICODE, str(UNICODE)))
        .setDroppedAttributesCount(3)
        .setFlags(1)
        .setTraceId(
            ByteString.copyFrom(HexFormat.of().parseHex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff")))
        .setSpanId(ByteString.copyFrom(HexFormat.of().parseHex("01020304050607ff")))
        .setEventName("slow.request")
        .build();
  }

  private static LogRecord nestedRecord() {
    AnyValue inner =
        AnyValue.newBuilder()
            .setKvlistValue(
                KeyValueList.newBuilder()
                    .addValues(
                        kv(
                            "deep",
                            AnyValue.newBuilder()
                                .setArrayValue(
                                    ArrayValue.newBuilder()
                                        .addValues(
                                            AnyValue.newBuilder()
                                                .setKvlistValue(
                                                    KeyValueList.newBuilder()
                                                        .addValues(kv("x", i(1)))
                                                        .addValues(
                                                            kv(
                                                                "bytes",
                                                                AnyValue.newBuilder()
                                                                    .setBytesValue(
                                                                        ByteString.copyFrom(
                                                                            "hi",
                                                                            StandardCharsets.UTF_8))
                                                                    .build()))))
                                        .addValues(
                                            AnyValue.newBuilder()
                                                .setArrayValue(
                                                    ArrayValue.newBuilder()
                                                        .addValues(str("nested"))
                                                        .addValues(dbl(-0.25)))))
                                .build()))
                    .addValues(kv("msg", str(UNICODE))))
            .build();
    return LogRecord.newBuilder()
        .setTimeUnixNano(1L)
        .setObservedTimeUnixNano(2L)
        .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_INFO)
        .setSeverityText("INFO")
        .setBody(inner)
        .addAttributes(kv("nested", inner))
        .setTraceId(
            ByteString.copyFrom(new byte[16])
                .substring(0, 15)
                .concat(ByteString.copyFrom(new byte[] {1})))
        .setSpanId(ByteString.copyFrom(new byte[] {9, 8, 7, 6, 5, 4, 3, 2}))
        .setFlags(0x101)
        .build();
  }

  /** No time, no severity, no body, no attributes. */
  private static LogRecord minimalRecord() {
    return LogRecord.newBuilder().setObservedTimeUnixNano(1_700_000_000_000_000_000L).build();
  }

  private static LogRecord severityRecord(int severity, String text) {
    return LogRecord.newBuilder()
        .setTimeUnixNano(1_714_566_896_000_000_000L + severity)
        .setSeverityNumberValue(severity)
        .setSeverityText(text)
        .setBody(AnyValue.newBuilder().setIntValue(severity))
        .addAttributes(kv("severity", i(severity)))
        .build();
  }

  private static KeyValue kv(String key, AnyValue value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }

  private static AnyValue str(String s) {
    return AnyValue.newBuilder().setStringValue(s).build();
  }

  private static AnyValue i(long v) {
    return AnyValue.newBuilder().setIntValue(v).build();
  }

  private static AnyValue dbl(double v) {
    return AnyValue.newBuilder().setDoubleValue(v).build();
  }

  private static AnyValue bool(boolean v) {
    return AnyValue.newBuilder().setBoolValue(v).build();
  }
}
