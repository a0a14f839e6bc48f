package io.stacklens.agent.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.trace.v1.Span;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogsBatch;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class OtlpJsonTest {
  static byte[] example(String name) throws IOException {
    try (InputStream in = OtlpJsonTest.class.getResourceAsStream("/otlp-examples/" + name)) {
      return in.readAllBytes();
    }
  }

  @Test
  void acceptsTheSpecificationLogsExample() throws IOException {
    ExportLogsServiceRequest req = OtlpJson.parseLogs(example("logs.json"));
    LogRecord r = req.getResourceLogs(0).getScopeLogs(0).getLogRecords(0);
    assertThat(r.getTimeUnixNano()).isEqualTo(1544712660300000000L);
    assertThat(r.getSeverityText()).isEqualTo("Information");
    assertThat(HexFormat.of().formatHex(r.getTraceId().toByteArray()))
        .isEqualTo("5b8efff798038103d269b633813fc60c");
    assertThat(HexFormat.of().formatHex(r.getSpanId().toByteArray())).isEqualTo("eee19b7ec3c1b174");
    assertThat(r.getBody().getStringValue()).isEqualTo("Example log record");

    LogsBatch batch = OtlpLogs.fromProto(req);
    Attributes attrs =
        batch.resourceLogs().get(0).scopeLogs().get(0).logRecords().get(0).attributes();
    assertThat(attrs.get("string.attribute")).isEqualTo("some string");
    assertThat(attrs.get("boolean.attribute")).isEqualTo(true);
    assertThat(attrs.get("int.attribute")).isEqualTo(10L);
    assertThat(attrs.get("double.attribute")).isEqualTo(637.704);
    assertThat(attrs.get("array.attribute")).isEqualTo(List.of("many", "values"));
    assertThat(((Attributes) attrs.get("map.attribute")).get("some.map.key"))
        .isEqualTo("some value");
  }

  @Test
  void acceptsTheSpecificationTraceExample() throws IOException {
    ExportTraceServiceRequest req = OtlpJson.parseTraces(example("trace.json"));
    Span span = req.getResourceSpans(0).getScopeSpans(0).getSpans(0);
    assertThat(span.getName()).isEqualTo("I'm a server span");
    assertThat(span.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
    assertThat(HexFormat.of().formatHex(span.getParentSpanId().toByteArray()))
        .isEqualTo("eee19b7ec3c1b173");
    assertThat(span.getEndTimeUnixNano()).isEqualTo(1544712661000000000L);
  }

  @Test
  void acceptsTheSpecificationMetricsExample() throws IOException {
    ExportMetricsServiceRequest req = OtlpJson.parseMetrics(example("metrics.json"));
    var metrics = req.getResourceMetrics(0).getScopeMetrics(0).getMetricsList();
    assertThat(metrics).hasSize(3);
    assertThat(metrics.get(0).getSum().getDataPoints(0).getAsDouble()).isEqualTo(5.0);
    assertThat(metrics.get(0).getSum().getIsMonotonic()).isTrue();
    assertThat(metrics.get(2).getHistogram().getDataPoints(0).getBucketCountsList())
        .containsExactly(1L, 1L);
  }

  @Test
  void roundTripsThroughOtlpJsonRules() throws IOException {
    for (String name : List.of("logs.json", "trace.json", "metrics.json")) {
      byte[] json = example(name);
      var original =
          switch (name) {
            case "logs.json" -> OtlpJson.parseLogs(json);
            case "trace.json" -> OtlpJson.parseTraces(json);
            default -> OtlpJson.parseMetrics(json);
          };
      String written = OtlpJson.toJson(original);
      var reread =
          switch (name) {
            case "logs.json" -> OtlpJson.parseLogs(written.getBytes(StandardCharsets.UTF_8));
            case "trace.json" -> OtlpJson.parseTraces(written.getBytes(StandardCharsets.UTF_8));
            default -> OtlpJson.parseMetrics(written.getBytes(StandardCharsets.UTF_8));
          };
      assertThat(reread).as(name).isEqualTo(original);
    }
  }

  @Test
  void writesHexIdsIntegerEnumsAndStringInt64s() throws IOException {
    String json = OtlpJson.toJson(OtlpJson.parseTraces(example("trace.json")));
    assertThat(json)
        .contains("\"traceId\":\"5b8efff798038103d269b633813fc60c\"")
        .contains("\"kind\":2")
        .contains("\"startTimeUnixNano\":\"1544712660000000000\"");
  }

  @Test
  void acceptsSnakeCaseKeysEnumNamesAndIgnoresUnknownFields() {
    String json =
        """
        {"resource_logs":[{"scope_logs":[{"log_records":[
          {"severity_number":"SEVERITY_NUMBER_WARN","time_unix_nano":"12","futureField":{"x":[1,2]}}]}]}]}
        """;
    LogRecord r =
        OtlpJson.parseLogs(json.getBytes(StandardCharsets.UTF_8))
            .getResourceLogs(0)
            .getScopeLogs(0)
            .getLogRecords(0);
    assertThat(r.getSeverityNumberValue()).isEqualTo(13);
    assertThat(r.getTimeUnixNano()).isEqualTo(12L);
  }

  @Test
  void namesTheJsonPathOfABadTraceId() {
    String json =
        "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{},{\"traceId\":\"xyz\"}]}]}]}";
    assertThatThrownBy(() -> OtlpJson.parseLogs(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(OtlpJsonException.class)
        .hasMessageContaining(
            "resourceLogs[0].scopeLogs[0].logRecords[1].traceId: expected a hex string, got \"xyz\"")
        .hasMessageContaining("line 1");
  }

  @Test
  void reportsSyntaxErrorsWithLineAndColumn() {
    assertThatThrownBy(
            () ->
                OtlpJson.parseLogs(
                    "{\"resourceLogs\": [\n  {,}]}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(OtlpJsonException.class)
        .hasMessageStartingWith("invalid JSON at line 2, column 4");
    assertThatThrownBy(() -> OtlpJson.parseLogs(new byte[0])).hasMessageContaining("empty body");
    assertThatThrownBy(() -> OtlpJson.parseLogs("[1]".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("expected a JSON object at the top level, got an array");
  }

  @Test
  void rejectsWrongValueTypes() {
    String json =
        "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":\"soon\"}]}]}]}";
    assertThatThrownBy(() -> OtlpJson.parseLogs(json.getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining(
            "logRecords[0].timeUnixNano: expected an unsigned 64-bit integer, got the string \"soon\"");
  }
}
