package io.stacklens.agent.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.stacklens.agent.api.RequestLimitsConfig;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.MemoryEstimate;
import io.stacklens.agent.data.MemoryLimiter;
import io.stacklens.agent.limits.DecodeBudget;
import io.stacklens.agent.limits.DecodeLimitException;
import io.stacklens.agent.limits.DecodeLimits;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The decode limits, checked by the protobuf logs decoder, the protobuf scanner and the OTLP/JSON
 * reader.
 */
class DecodeLimitsTest {
  private static final String PREFIX = "receivers.otlp.limits";

  private static DecodeBudget budget() {
    return new DecodeBudget(DecodeLimits.defaults(PREFIX), MemoryLimiter.unlimited());
  }

  private static DecodeBudget budget(RequestLimitsConfig config) {
    return new DecodeBudget(DecodeLimits.of(PREFIX, config), MemoryLimiter.unlimited());
  }

  private static LogRecord.Builder record(String body) {
    return LogRecord.newBuilder().setBody(AnyValue.newBuilder().setStringValue(body));
  }

  private static ExportLogsServiceRequest logs(LogRecord.Builder... records) {
    ScopeLogs.Builder scope = ScopeLogs.newBuilder();
    for (LogRecord.Builder r : records) scope.addLogRecords(r);
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(scope))
        .build();
  }

  private static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  private static AnyValue nested(int depth) {
    AnyValue v = AnyValue.newBuilder().setStringValue("leaf").build();
    for (int i = 0; i < depth; i++) {
      v = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(v)).build();
    }
    return v;
  }

  private static LogRecord.Builder withAttributes(int n) {
    LogRecord.Builder r = record("many");
    for (int i = 0; i < n; i++) r.addAttributes(kv("k" + i, "v"));
    return r;
  }

  // ------------------------------------------------------------------ protobuf logs

  @Test
  void aBodyLongerThanMaxValueSizeRejectsOnlyThatRecordWithoutReadingIt() throws Exception {
    String huge = "x".repeat(19 * 1024 * 1024);
    byte[] bytes = logs(record("before"), record(huge), record("after")).toByteArray();
    DecodeBudget budget = budget();

    LogsBatch batch = OtlpLogsDecoder.decode(bytes, 0, bytes.length, budget);

    assertThat(batch.recordCount()).isEqualTo(2);
    assertThat(budget.rejected()).isEqualTo(1);
    assertThat(budget.rejectedByReason()).containsEntry("max_value_size", 1L);
    assertThat(budget.firstRejection())
        .startsWith(
            "resource_logs[0].scope_logs[0].log_records[1]: a value of 19922944 bytes is longer than the limit of 1048576 bytes")
        .contains(PREFIX + ".max_value_size");
    assertThat(budget.decodedBytes()).as("the 19 MiB string was never charged").isLessThan(10_000);
  }

  @Test
  void aRecordWithMoreAttributesThanTheLimitIsRejectedAndTheRestIsKept() throws Exception {
    byte[] bytes =
        logs(withAttributes(5), withAttributes(100_000), withAttributes(1000)).toByteArray();
    DecodeBudget budget = budget();

    LogsBatch batch = OtlpLogsDecoder.decode(bytes, 0, bytes.length, budget);

    assertThat(batch.recordCount()).isEqualTo(2);
    assertThat(budget.rejectedByReason()).containsOnlyKeys("max_attributes_per_record");
    assertThat(budget.firstRejection())
        .contains(
            "log_records[1]", "more than 1000 attributes", PREFIX + ".max_attributes_per_record");
  }

  @Test
  void listItemsAndNestedMapEntriesCountAsAttributes() throws Exception {
    ArrayValue.Builder list = ArrayValue.newBuilder();
    for (int i = 0; i < 1001; i++) list.addValues(AnyValue.newBuilder().setIntValue(i));
    byte[] bytes =
        logs(LogRecord.newBuilder().setBody(AnyValue.newBuilder().setArrayValue(list)))
            .toByteArray();
    DecodeBudget budget = budget();

    assertThat(OtlpLogsDecoder.decode(bytes, 0, bytes.length, budget).recordCount()).isZero();
    assertThat(budget.rejectedByReason()).containsOnlyKeys("max_attributes_per_record");
  }

  @Test
  void valuesNestedDeeperThanTheLimitRejectTheRecord() throws Exception {
    // nested(n) is n lists around a string: n + 1 levels of values.
    byte[] bytes =
        logs(LogRecord.newBuilder().setBody(nested(63)), LogRecord.newBuilder().setBody(nested(64)))
            .toByteArray();
    DecodeBudget budget = budget();

    assertThat(OtlpLogsDecoder.decode(bytes, 0, bytes.length, budget).recordCount()).isEqualTo(1);
    assertThat(budget.firstRejection())
        .contains("log_records[1]", "nested more than 64 levels", PREFIX + ".max_nesting_depth");
  }

  @Test
  void moreRecordsThanTheLimitRefuseTheRequestAsSoonAsTheyAreCounted() {
    // 1,000,000 empty records: two bytes each on the wire, about 200 bytes each decoded.
    ScopeLogs.Builder scope = ScopeLogs.newBuilder();
    for (int i = 0; i < 1_000_000; i++) scope.addLogRecords(LogRecord.getDefaultInstance());
    byte[] bytes =
        ExportLogsServiceRequest.newBuilder()
            .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(scope))
            .build()
            .toByteArray();
    DecodeBudget budget = budget();

    assertThatThrownBy(() -> OtlpLogsDecoder.decode(bytes, 0, bytes.length, budget))
        .isInstanceOfSatisfying(
            DecodeLimitException.class,
            e -> {
              assertThat(e.reason()).isEqualTo("max_records_per_request");
              assertThat(e.retryable()).isFalse();
              assertThat(e.getMessage())
                  .contains("more than 50000 records", PREFIX + ".max_records_per_request");
            });
    assertThat(budget.records()).isEqualTo(50_001);
  }

  @Test
  void aRequestDecodingToMoreThanMaxDecodedSizeIsRefused() {
    RequestLimitsConfig small = new RequestLimitsConfig();
    small.maxDecodedSize = new io.stacklens.agent.api.ByteSize(64 * 1024);
    List<LogRecord.Builder> records = new ArrayList<>();
    for (int i = 0; i < 100; i++) records.add(record("y".repeat(1000)));
    byte[] bytes = logs(records.toArray(LogRecord.Builder[]::new)).toByteArray();

    assertThatThrownBy(() -> OtlpLogsDecoder.decode(bytes, 0, bytes.length, budget(small)))
        .isInstanceOfSatisfying(
            DecodeLimitException.class,
            e -> {
              assertThat(e.reason()).isEqualTo("max_decoded_size");
              assertThat(e.getMessage())
                  .contains("more than 65536 bytes", PREFIX + ".max_decoded_size");
            });
  }

  @Test
  void aResourceOverARecordLevelLimitRefusesTheRequest() {
    ResourceLogs.Builder resource =
        ResourceLogs.newBuilder().addScopeLogs(ScopeLogs.newBuilder().addLogRecords(record("a")));
    Resource.Builder r = Resource.newBuilder();
    for (int i = 0; i < 1001; i++) r.addAttributes(kv("k" + i, "v"));
    byte[] bytes =
        ExportLogsServiceRequest.newBuilder()
            .addResourceLogs(resource.setResource(r))
            .build()
            .toByteArray();

    assertThatThrownBy(() -> OtlpLogsDecoder.decode(bytes, 0, bytes.length, budget()))
        .isInstanceOfSatisfying(
            DecodeLimitException.class,
            e -> {
              assertThat(e.reason()).isEqualTo("max_attributes_per_record");
              assertThat(e.getMessage())
                  .startsWith("resource_logs[0].resource: more than 1000 attributes")
                  .contains("the request is refused");
            });
  }

  @Test
  void aSpentMemoryBudgetRefusesTheRequestAsRetryable() {
    MemoryLimiter limiter = new MemoryLimiter(100_000);
    assertThat(limiter.tryAcquire(90_000)).isTrue();
    byte[] bytes = logs(record("z".repeat(50_000))).toByteArray();
    DecodeBudget budget = new DecodeBudget(DecodeLimits.defaults(PREFIX), limiter);

    assertThatThrownBy(() -> OtlpLogsDecoder.decode(bytes, 0, bytes.length, budget))
        .isInstanceOfSatisfying(
            DecodeLimitException.class,
            e -> {
              assertThat(e.reason()).isEqualTo("memory_limit");
              assertThat(e.retryable()).isTrue();
              assertThat(e.getMessage()).contains("service.memory_limiter");
            });
    budget.release();
    assertThat(limiter.used()).isEqualTo(90_000);
  }

  @Test
  void theDecodedBatchHoldsWhatWasChargedUntilItIsReleased() throws Exception {
    MemoryLimiter limiter = new MemoryLimiter(10_000_000);
    byte[] bytes = logs(record("hello"), withAttributes(10)).toByteArray();
    DecodeBudget budget = new DecodeBudget(DecodeLimits.defaults(PREFIX), limiter);

    LogsBatch batch = OtlpLogsDecoder.decode(bytes, 0, bytes.length, budget);
    budget.handOver(batch);

    assertThat(batch.accountedBytes())
        .isEqualTo(budget.decodedBytes())
        .isEqualTo(limiter.used())
        .isPositive();
    assertThat(batch.accountedBytes())
        .as("close to the walk's estimate")
        .isBetween(MemoryEstimate.of(batch) / 2, MemoryEstimate.of(batch) * 2);
    batch.retainMemory(2);
    batch.releaseMemory();
    batch.releaseMemory();
    assertThat(limiter.used()).isPositive();
    batch.releaseMemory();
    batch.releaseMemory(); // one release too many is ignored, never given back twice
    assertThat(limiter.used()).isZero();
  }

  @Test
  void defaultLimitsNeverRejectOrdinaryRequests() throws Exception {
    byte[] bytes =
        logs(record("ordinary"), withAttributes(50), LogRecord.newBuilder().setBody(nested(10)))
            .toByteArray();
    DecodeBudget budget = budget();
    LogsBatch limited = OtlpLogsDecoder.decode(bytes, 0, bytes.length, budget);
    assertThat(OtlpLogs.toProto(limited))
        .isEqualTo(OtlpLogs.toProto(OtlpLogsDecoder.decode(bytes)));
    assertThat(budget.rejected()).isZero();
  }

  @Test
  void aTruncatedStringIsStillReportedAsMalformedNotAsALimit() {
    byte[] full = logs(record("z".repeat(2_000_000))).toByteArray();
    byte[] truncated = java.util.Arrays.copyOf(full, 100);
    assertThatThrownBy(() -> OtlpLogsDecoder.decode(truncated, 0, truncated.length, budget()))
        .isInstanceOf(com.google.protobuf.InvalidProtocolBufferException.class);
  }

  // ------------------------------------------------------------------ protobuf traces and metrics
  // (scanner)

  @Test
  void theScannerReportsSpansOverARecordLevelLimitByOrdinal() throws Exception {
    Span ok = Span.newBuilder().setName("ok").build();
    Span.Builder many = Span.newBuilder().setName("many");
    for (int i = 0; i < 1001; i++) many.addAttributes(kv("k" + i, "v"));
    Span longName = Span.newBuilder().setName("n".repeat(2 * 1024 * 1024)).build();
    byte[] bytes =
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .addScopeSpans(
                        ScopeSpans.newBuilder()
                            .addSpans(ok)
                            .addSpans(many)
                            .addSpans(ok)
                            .addSpans(longName)))
            .build()
            .toByteArray();
    DecodeBudget budget = budget();

    OtlpProtoScanner.Result result =
        OtlpProtoScanner.scan(bytes, ExportTraceServiceRequest.getDescriptor(), budget);

    assertThat(result.records()).isEqualTo(4);
    assertThat(result.rejected().stream().toArray()).containsExactly(1, 3);
    assertThat(budget.firstRejection())
        .startsWith("resource_spans[0].scope_spans[0].spans[1]: more than 1000 attributes");
    assertThat(budget.rejectedByReason())
        .containsEntry("max_attributes_per_record", 1L)
        .containsEntry("max_value_size", 1L);
  }

  @Test
  void theScannerCountsDataPointsOfEveryKindAgainstTheRecordLimit() {
    Gauge.Builder gauge = Gauge.newBuilder();
    for (int i = 0; i < 50_001; i++) gauge.addDataPoints(NumberDataPoint.newBuilder().setAsInt(i));
    byte[] bytes =
        ExportMetricsServiceRequest.newBuilder()
            .addResourceMetrics(
                ResourceMetrics.newBuilder()
                    .addScopeMetrics(
                        ScopeMetrics.newBuilder()
                            .addMetrics(Metric.newBuilder().setName("g").setGauge(gauge))))
            .build()
            .toByteArray();

    assertThatThrownBy(
            () ->
                OtlpProtoScanner.scan(bytes, ExportMetricsServiceRequest.getDescriptor(), budget()))
        .isInstanceOfSatisfying(
            DecodeLimitException.class,
            e -> assertThat(e.reason()).isEqualTo("max_records_per_request"));
  }

  @Test
  void theScannerChargesAboutWhatTheParserWillMake() throws Exception {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (int i = 0; i < 1000; i++) {
      scope.addSpans(
          Span.newBuilder()
              .setName("span-" + i)
              .setTraceId(ByteString.copyFrom(new byte[16]))
              .setSpanId(ByteString.copyFrom(new byte[8]))
              .addAttributes(kv("http.method", "GET")));
    }
    byte[] bytes =
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(scope))
            .build()
            .toByteArray();
    DecodeBudget budget = budget();
    OtlpProtoScanner.scan(bytes, ExportTraceServiceRequest.getDescriptor(), budget);
    assertThat(budget.decodedBytes()).isBetween(bytes.length * 2L, bytes.length * 20L);
  }

  @Test
  void unknownFieldsTheParserWouldKeepAreChargedToo() {
    byte[] known =
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .addScopeSpans(
                        ScopeSpans.newBuilder().addSpans(Span.newBuilder().setName("s"))))
            .build()
            .toByteArray();
    // field 99, length-delimited, 2 MiB: unknown to ExportTraceServiceRequest, kept by
    // protobuf-java's parser
    byte[] unknown =
        com.google.protobuf.UnknownFieldSet.newBuilder()
            .addField(
                99,
                com.google.protobuf.UnknownFieldSet.Field.newBuilder()
                    .addLengthDelimited(ByteString.copyFrom(new byte[2 * 1024 * 1024]))
                    .build())
            .build()
            .toByteArray();
    byte[] bytes = new byte[known.length + unknown.length];
    System.arraycopy(known, 0, bytes, 0, known.length);
    System.arraycopy(unknown, 0, bytes, known.length, unknown.length);
    RequestLimitsConfig small = new RequestLimitsConfig();
    small.maxDecodedSize = io.stacklens.agent.api.ByteSize.ofMebibytes(1);

    assertThatThrownBy(
            () ->
                OtlpProtoScanner.scan(
                    bytes, ExportTraceServiceRequest.getDescriptor(), budget(small)))
        .isInstanceOfSatisfying(
            DecodeLimitException.class, e -> assertThat(e.reason()).isEqualTo("max_decoded_size"));
  }

  // ------------------------------------------------------------------ OTLP/JSON

  @Test
  void aMillionEmptyJsonRecordsAreRefusedAtTheRecordLimit() {
    StringBuilder json = new StringBuilder("{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[");
    for (int i = 0; i < 1_000_000; i++) json.append(i == 0 ? "{}" : ",{}");
    json.append("]}]}]}");
    byte[] body = json.toString().getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> OtlpJson.parseLogs(body, budget()))
        .isInstanceOfSatisfying(
            DecodeLimitException.class,
            e -> assertThat(e.reason()).isEqualTo("max_records_per_request"));
  }

  @Test
  void aJsonRecordOverTheAttributeLimitIsSkippedAndTheRestKept() {
    StringBuilder attrs = new StringBuilder();
    for (int i = 0; i < 1001; i++) {
      attrs
          .append(i == 0 ? "" : ",")
          .append("{\"key\":\"k")
          .append(i)
          .append("\",\"value\":{\"stringValue\":\"v\"}}");
    }
    String json =
        "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":["
            + "{\"body\":{\"stringValue\":\"first\"}},"
            + "{\"attributes\":["
            + attrs
            + "],\"body\":{\"kvlistValue\":{\"values\":[]}}},"
            + "{\"body\":{\"stringValue\":\"last\"}}]}]}]}";
    DecodeBudget budget = budget();

    ExportLogsServiceRequest parsed =
        OtlpJson.parseLogs(json.getBytes(StandardCharsets.UTF_8), budget);

    assertThat(parsed.getResourceLogs(0).getScopeLogs(0).getLogRecordsList())
        .extracting(r -> r.getBody().getStringValue())
        .containsExactly("first", "last");
    assertThat(budget.firstRejection())
        .startsWith("resourceLogs[0].scopeLogs[0].logRecords[1]: more than 1000 attributes");
  }

  @Test
  void aJsonStringLongerThanMaxValueSizeRefusesTheRequestNamingWhere() {
    RequestLimitsConfig small = new RequestLimitsConfig();
    small.maxValueSize = new io.stacklens.agent.api.ByteSize(1000);
    String json =
        "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":{\"stringValue\":\""
            + "x".repeat(5000)
            + "\"}}]}]}]}";

    assertThatThrownBy(
            () -> OtlpJson.parseLogs(json.getBytes(StandardCharsets.UTF_8), budget(small)))
        .isInstanceOfSatisfying(
            DecodeLimitException.class,
            e -> {
              assertThat(e.reason()).isEqualTo("max_value_size");
              assertThat(e.getMessage())
                  .startsWith(
                      "resourceLogs[0].scopeLogs[0].logRecords[0].body.stringValue (line 1, column")
                  .contains("longer than the limit of 1000 bytes (" + PREFIX + ".max_value_size)");
            });
  }

  @Test
  void deeplyNestedJsonIsRefusedBeforeTheParserRecursesFar() {
    String open = "{\"arrayValue\":{\"values\":[".repeat(5000);
    String close = "]}}".repeat(5000);
    String json =
        "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":" + open + close + "}]}]}]}";

    assertThatThrownBy(() -> OtlpJson.parseLogs(json.getBytes(StandardCharsets.UTF_8), budget()))
        .isInstanceOf(DecodeLimitException.class);
  }

  @Test
  void jsonValuesNestedPastTheLimitRejectTheRecord() {
    String open = "{\"arrayValue\":{\"values\":[".repeat(65);
    String close = "]}}".repeat(65);
    String json =
        "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":"
            + open
            + "{\"intValue\":1}"
            + close
            + "},"
            + "{\"body\":{\"stringValue\":\"kept\"}}]}]}]}";
    DecodeBudget budget = budget();

    ExportLogsServiceRequest parsed =
        OtlpJson.parseLogs(json.getBytes(StandardCharsets.UTF_8), budget);

    assertThat(parsed.getResourceLogs(0).getScopeLogs(0).getLogRecordsCount()).isEqualTo(1);
    assertThat(budget.rejectedByReason()).containsOnlyKeys("max_nesting_depth");
  }

  @Test
  void loneSurrogatesInJsonStringsBecomeReplacementCharacters() {
    String json =
        "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":{\"stringValue\":\"a\\ud800b\\udc00c\\ud83d\\ude00\"}}]}]}]}";
    ExportLogsServiceRequest parsed =
        OtlpJson.parseLogs(json.getBytes(StandardCharsets.UTF_8), budget());
    assertThat(
            parsed.getResourceLogs(0).getScopeLogs(0).getLogRecords(0).getBody().getStringValue())
        .isEqualTo("a\uFFFDb\uFFFDc\uD83D\uDE00");
  }

  @Test
  void jsonTimesPastTwoToTheSixtyThreeAreRejectedByTheLogRecordRules() {
    String json =
        "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":\"18446744073709551615\"}]}]}]}";
    LogsBatch batch =
        OtlpLogs.fromProto(OtlpJson.parseLogs(json.getBytes(StandardCharsets.UTF_8), budget()));
    var record = batch.resourceLogs().get(0).scopeLogs().get(0).logRecords().get(0);
    assertThat(LogRecordRules.problem(record))
        .isEqualTo(
            "time_unix_nano 18446744073709551615 is after 2262-04-11T23:47:16Z, the latest time the agent can"
                + " hold (2^63-1 ns); send nanoseconds since 1970");
  }

  @Test
  void mapsInsideRecordsAreCountedWithTheirEntries() throws Exception {
    KeyValueList.Builder map = KeyValueList.newBuilder();
    for (int i = 0; i < 601; i++) map.addValues(kv("m" + i, "v"));
    LogRecord.Builder r = withAttributes(400).setBody(AnyValue.newBuilder().setKvlistValue(map));
    byte[] bytes = logs(r).toByteArray();
    DecodeBudget budget = budget();
    assertThat(OtlpLogsDecoder.decode(bytes, 0, bytes.length, budget).recordCount()).isZero();
    assertThat(budget.rejectedByReason()).containsOnlyKeys("max_attributes_per_record");
  }
}
