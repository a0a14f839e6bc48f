package io.stacklens.receiver.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.json.JsonSyntaxException;
import io.stacklens.agent.json.JsonValueReader;
import io.stacklens.receiver.json.JsonMappingConfig.FieldType;
import io.stacklens.receiver.json.JsonMappingConfig.RequiredField;
import io.stacklens.receiver.json.JsonMappingConfig.TimestampFormat;
import io.stacklens.receiver.json.JsonMappingConfig.UnknownSeverity;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonRecordMapperTest {
  private static final long OBSERVED = 1_800_000_000_000_000_000L;
  private static final long T = 1_700_000_000_123_456_789L;

  private static MappedRecord map(JsonMappingConfig config, String json) {
    return new JsonRecordMapper(config).map(json.getBytes(StandardCharsets.UTF_8), OBSERVED);
  }

  private static MappedRecord map(String json) {
    return map(new JsonMappingConfig(), json);
  }

  private static LogRecord record(String json) {
    MappedRecord m = map(json);
    assertThat(m.errors()).isEmpty();
    return m.record();
  }

  private static List<FieldError> errors(JsonMappingConfig config, String json) {
    MappedRecord m = map(config, json);
    assertThat(m.ok()).isFalse();
    assertThat(m.record()).isNull();
    return m.errors();
  }

  @Test
  void mapsTheDefaultFields() {
    MappedRecord m =
        map(
            """
        {"timestamp":"2023-11-14T22:13:20.123456789Z","level":"warn","message":"disk full","service":"checkout",
         "trace_id":"5b8efff798038103d269b633813fc60c","span_id":"eee19b7ec3c1b174","user":"ada","n":3,"ok":true,
         "ratio":0.5,"tags":["a","b"],"ctx":{"k":"v"},"nothing":null}
        """);
    assertThat(m.ok()).isTrue();
    LogRecord r = m.record();
    assertThat(r.timeUnixNano()).isEqualTo(T);
    assertThat(r.observedTimeUnixNano()).isEqualTo(OBSERVED);
    assertThat(r.severityNumber()).isEqualTo(13);
    assertThat(r.severityText()).isEqualTo("warn");
    assertThat(r.body()).isEqualTo("disk full");
    assertThat(HexFormat.of().formatHex(r.traceId())).isEqualTo("5b8efff798038103d269b633813fc60c");
    assertThat(HexFormat.of().formatHex(r.spanId())).isEqualTo("eee19b7ec3c1b174");
    assertThat(m.resource()).isEqualTo(Attributes.of("service.name", "checkout"));
    assertThat(r.attributes())
        .isEqualTo(
            Attributes.of(
                "user",
                "ada",
                "n",
                3L,
                "ok",
                true,
                "ratio",
                0.5,
                "tags",
                List.of("a", "b"),
                "ctx",
                Attributes.of("k", "v"),
                "nothing",
                null));
    assertThat(m.scope().name()).isEmpty();
  }

  @Test
  void anEmptyObjectIsARecordWithOnlyTheObservedTime() {
    LogRecord r = record("{}");
    assertThat(r.timeUnixNano()).isZero();
    assertThat(r.observedTimeUnixNano()).isEqualTo(OBSERVED);
    assertThat(r.severityNumber()).isZero();
    assertThat(r.body()).isNull();
    assertThat(r.attributes().isEmpty()).isTrue();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      "2023-11-14T22:13:20.123456789Z"        | 1700000000123456789
      "2023-11-14T23:13:20.5+01:00"           | 1700000000500000000
      "2023-11-14 22:13:20"                   | 1700000000000000000
      "2023-11-14T22:13:20"                   | 1700000000000000000
      1700000000                              | 1700000000000000000
      1700000000.25                           | 1700000000250000000
      "1700000000"                            | 1700000000000000000
      1700000000123                           | 1700000000123000000
      1700000000123456                        | 1700000000123456000
      1700000000123456789                     | 1700000000123456789
      "1700000000123456789"                   | 1700000000123456789
      """)
  void autoDetectsTheTimestampFormat(String value, long nanos) {
    assertThat(record("{\"timestamp\":" + value + "}").timeUnixNano()).isEqualTo(nanos);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      epoch_s  | 1700000000       | 1700000000000000000
      epoch_s  | "1700000000.5"   | 1700000000500000000
      epoch_ms | 1700000000123    | 1700000000123000000
      epoch_ms | 1700000000123.5  | 1700000000123500000
      epoch_us | 1700000000123456 | 1700000000123456000
      epoch_ns | 1700000000123456789 | 1700000000123456789
      epoch_ms | 5                | 5000000
      iso8601  | "2023-11-14T22:13:20Z" | 1700000000000000000
      """)
  void readsExplicitFormats(String format, String value, long nanos) {
    JsonMappingConfig c = new JsonMappingConfig();
    c.timestampFormat = TimestampFormat.valueOf(format.toUpperCase(java.util.Locale.ROOT));
    MappedRecord m = map(c, "{\"timestamp\":" + value + "}");
    assertThat(m.errors()).isEmpty();
    assertThat(m.record().timeUnixNano()).isEqualTo(nanos);
  }

  @Test
  void timestampErrorsNameTheFieldAndSayWhatWasExpected() {
    JsonMappingConfig c = new JsonMappingConfig();
    assertThat(errors(c, "{\"timestamp\":\"yesterday\"}"))
        .containsExactly(
            new FieldError(
                "timestamp",
                "\"yesterday\" is not an ISO 8601 time such as 2026-11-23T19:50:41.123Z"));
    assertThat(errors(c, "{\"timestamp\":true}"))
        .containsExactly(
            new FieldError(
                "timestamp",
                "must be a number (epoch seconds, ms, us or ns) or an ISO 8601 string, got a boolean"));
    assertThat(errors(c, "{\"timestamp\":-5}").get(0).message())
        .isEqualTo("must not be before 1970-01-01T00:00:00Z, got -5");
    assertThat(errors(c, "{\"timestamp\":\"2023-02-30T00:00:00Z\"}").get(0).field())
        .isEqualTo("timestamp");
    c.timestampFormat = TimestampFormat.EPOCH_S;
    assertThat(errors(c, "{\"timestamp\":\"2023-11-14T22:13:20Z\"}"))
        .containsExactly(
            new FieldError(
                "timestamp", "must be a number in epoch seconds, got \"2023-11-14T22:13:20Z\""));
    assertThat(errors(c, "{\"timestamp\":99999999999999}").get(0).message())
        .isEqualTo("99999999999999 is out of range for epoch seconds (after the year 2262)");
    c.timestampFormat = TimestampFormat.ISO8601;
    assertThat(errors(c, "{\"timestamp\":1700000000}").get(0).message())
        .startsWith("must be an ISO 8601 string");
  }

  @Test
  void aConfiguredTimestampFieldIsReadAndTimeUnixNanoWinsWhenPresent() {
    JsonMappingConfig c = new JsonMappingConfig();
    c.timestampField = "ts";
    MappedRecord m = map(c, "{\"ts\":1700000000,\"timestamp\":\"kept\"}");
    assertThat(m.record().timeUnixNano()).isEqualTo(1_700_000_000_000_000_000L);
    assertThat(m.record().attributes().get("timestamp")).isEqualTo("kept");
    LogRecord r = record("{\"timestamp\":\"2020-01-01T00:00:00Z\",\"time_unix_nano\":" + T + "}");
    assertThat(r.timeUnixNano()).isEqualTo(T);
    assertThat(r.attributes().isEmpty()).isTrue();
    assertThat(record("{\"time_unix_nano\":\"" + T + "\"}").timeUnixNano()).isEqualTo(T);
    assertThat(errors(c, "{\"time_unix_nano\":\"soon\"}").get(0).field())
        .isEqualTo("time_unix_nano");
  }

  @ParameterizedTest
  @CsvSource({
    "trace,1",
    "DEBUG,5",
    "info,9",
    "Information,9",
    "notice,9",
    "warn,13",
    "WARNING,13",
    "Warn,13",
    "Err,17",
    "error,17",
    "ERROR3,19",
    "fatal,21",
    "CRITICAL,21",
    "panic,21",
    "'\"22\"',22"
  })
  void mapsSeverityWordsCaseInsensitively(String level, int number) {
    String json =
        level.startsWith("\"") ? "{\"level\":" + level + "}" : "{\"level\":\"" + level + "\"}";
    LogRecord r = record(json);
    assertThat(r.severityNumber()).isEqualTo(number);
    assertThat(r.severityText()).isEqualTo(level.replace("\"", ""));
  }

  @Test
  void severityNumberAndTextFieldsWinAndAreValidated() {
    LogRecord r = record("{\"level\":\"info\",\"severity_number\":10,\"severity_text\":\"INFO2\"}");
    assertThat(r.severityNumber()).isEqualTo(10);
    assertThat(r.severityText()).isEqualTo("INFO2");
    assertThat(record("{\"level\":17}").severityNumber()).isEqualTo(17);
    JsonMappingConfig c = new JsonMappingConfig();
    assertThat(errors(c, "{\"severity_number\":25}"))
        .containsExactly(new FieldError("severity_number", "must be an integer 0..24, got 25"));
    assertThat(errors(c, "{\"level\":\"loud\"}"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.field()).isEqualTo("level");
              assertThat(e.message())
                  .startsWith("\"loud\" is not a known severity; expected trace, debug, info");
            });
    assertThat(errors(c, "{\"level\":{\"x\":1}}").get(0).message()).endsWith("got an object");
    c.unknownSeverity = UnknownSeverity.UNSPECIFIED;
    MappedRecord kept = map(c, "{\"level\":\"loud\"}");
    assertThat(kept.ok()).isTrue();
    assertThat(kept.record().severityNumber()).isZero();
    assertThat(kept.record().severityText()).isEqualTo("loud");
    c.severityField = "lvl";
    LogRecord custom = map(c, "{\"lvl\":\"error\",\"level\":\"x\"}").record();
    assertThat(custom.severityNumber()).isEqualTo(17);
    assertThat(custom.attributes().get("level")).isEqualTo("x");
  }

  @Test
  void theBodyIsTheFirstPresentBodyFieldOfAnyType() {
    assertThat(record("{\"body\":\"b\"}").body()).isEqualTo("b");
    LogRecord both = record("{\"body\":\"b\",\"message\":\"m\"}");
    assertThat(both.body()).isEqualTo("m");
    assertThat(both.attributes()).isEqualTo(Attributes.of("body", "b"));
    assertThat(record("{\"message\":{\"a\":[1,2]}}").body())
        .isEqualTo(Attributes.of("a", List.of(1L, 2L)));
    JsonMappingConfig c = new JsonMappingConfig();
    c.bodyFields = List.of("msg");
    LogRecord r = map(c, "{\"msg\":\"x\",\"message\":\"y\"}").record();
    assertThat(r.body()).isEqualTo("x");
    assertThat(r.attributes()).isEqualTo(Attributes.of("message", "y"));
  }

  @Test
  void traceAndSpanIdsAreValidatedHex() {
    JsonMappingConfig c = new JsonMappingConfig();
    assertThat(errors(c, "{\"trace_id\":\"abc\",\"span_id\":\"zzzzzzzzzzzzzzzz\"}"))
        .containsExactly(
            new FieldError("trace_id", "must be 32 hex digits (16 bytes), got \"abc\""),
            new FieldError("span_id", "must be 16 hex digits (8 bytes), got \"zzzzzzzzzzzzzzzz\""));
    assertThat(errors(c, "{\"trace_id\":12}").get(0).message())
        .isEqualTo("must be 32 hex digits (16 bytes), got 12");
    assertThat(errors(c, "{\"span_id\":\"0000000000000000\"}").get(0).message())
        .startsWith("must not be all zeros");
    LogRecord none = record("{\"trace_id\":\"\",\"span_id\":null}");
    assertThat(none.traceId()).isNull();
    assertThat(none.spanId()).isNull();
    c.traceIdField = "traceId";
    assertThat(map(c, "{\"traceId\":\"5B8EFFF798038103D269B633813FC60C\"}").record().traceId())
        .hasSize(16);
  }

  @Test
  void resourceFieldsAndNestedObjectsAreMerged() {
    JsonMappingConfig c = new JsonMappingConfig();
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("service", "service.name");
    fields.put("tenant_id", "tenant.id");
    c.resourceFields = fields;
    MappedRecord m =
        map(
            c,
            """
        {"service":"api","tenant_id":"t1","resource":{"host.name":"h1"},"attributes":{"a":1,"b":{"c":true}},"x":"y"}
        """);
    assertThat(m.resource())
        .isEqualTo(Attributes.of("service.name", "api", "tenant.id", "t1", "host.name", "h1"));
    assertThat(m.record().attributes())
        .isEqualTo(Attributes.of("x", "y", "a", 1L, "b", Attributes.of("c", true)));
    LogRecord notObjects = record("{\"attributes\":\"flat\",\"resource\":[1]}");
    assertThat(notObjects.attributes())
        .isEqualTo(Attributes.of("attributes", "flat", "resource", List.of(1L)));
  }

  @Test
  void aFileExporterJsonLinesObjectMapsBackToItsRecord() {
    MappedRecord m =
        map(
            """
        {"timestamp":"2023-11-14T22:13:20.123456789Z","time_unix_nano":1700000000123456789,
         "observed_time_unix_nano":1700000001000000000,"severity_number":17,"severity_text":"ERROR","body":"boom",
         "trace_id":"5b8efff798038103d269b633813fc60c","span_id":"eee19b7ec3c1b174","flags":1,"event_name":"e",
         "attributes":{"http.status":500},"dropped_attributes_count":2,
         "resource":{"service.name":"checkout"},"scope":{"name":"lib","version":"1.0","attributes":{"s":"t"}}}
        """);
    assertThat(m.errors()).isEmpty();
    LogRecord expected =
        new LogRecord(Attributes.of("http.status", 500L))
            .setTimeUnixNano(T)
            .setObservedTimeUnixNano(1_700_000_001_000_000_000L)
            .setSeverityNumber(17)
            .setSeverityText("ERROR")
            .setBody("boom")
            .setTraceId(HexFormat.of().parseHex("5b8efff798038103d269b633813fc60c"))
            .setSpanId(HexFormat.of().parseHex("eee19b7ec3c1b174"))
            .setFlags(1)
            .setEventName("e")
            .setDroppedAttributesCount(2);
    assertThat(m.record().sameAs(expected)).as("%s", m.record()).isTrue();
    assertThat(m.resource()).isEqualTo(Attributes.of("service.name", "checkout"));
    assertThat(m.scope().name()).isEqualTo("lib");
    assertThat(m.scope().version()).isEqualTo("1.0");
    assertThat(m.scope().attributes()).isEqualTo(Attributes.of("s", "t"));
  }

  @Test
  void aJsonLinesRecordWithoutATimeKeepsNoTime() {
    // written by the file exporter for a record with time_unix_nano 0: "timestamp" then shows the
    // observed time
    MappedRecord m =
        map(
            """
        {"timestamp":"2026-11-23T20:00:56.634706429Z","time_unix_nano":0,"observed_time_unix_nano":1795464056634706429,
         "severity_number":9,"severity_text":"info","body":"a","flags":0,"attributes":{},"resource":{},"scope":{"name":"","version":""}}
        """);
    assertThat(m.errors()).isEmpty();
    assertThat(m.record().timeUnixNano()).isZero();
    assertThat(m.record().observedTimeUnixNano()).isEqualTo(1_795_464_056_634_706_429L);
    assertThat(m.record().severityNumber()).isEqualTo(9);
    assertThat(m.record().attributes().isEmpty()).isTrue();
    assertThat(m.resource().isEmpty()).isTrue();
  }

  @Test
  void requiredFieldsAreCheckedWithTheirTypes() {
    JsonMappingConfig c = new JsonMappingConfig();
    c.required =
        List.of(
            required("service", FieldType.STRING),
            required("n", FieldType.INT),
            required("d", FieldType.DOUBLE),
            required("b", FieldType.BOOL),
            required("m", FieldType.MAP),
            required("l", FieldType.LIST),
            required("any", FieldType.ANY));
    assertThat(
            map(c, "{\"service\":\"s\",\"n\":1,\"d\":1,\"b\":false,\"m\":{},\"l\":[],\"any\":0}")
                .ok())
        .isTrue();
    assertThat(
            map(
                    c,
                    "{\"service\":\"s\",\"n\":1,\"d\":1.5,\"b\":true,\"m\":{},\"l\":[],\"any\":\"x\"}")
                .ok())
        .isTrue();
    assertThat(
            errors(
                c,
                "{\"service\":1,\"n\":1.5,\"d\":\"x\",\"b\":\"true\",\"m\":[],\"l\":{},\"any\":null}"))
        .containsExactly(
            new FieldError("service", "must be a string, got an integer"),
            new FieldError("n", "must be an integer, got a number"),
            new FieldError("d", "must be a number, got a string"),
            new FieldError("b", "must be a boolean, got a string"),
            new FieldError("m", "must be an object, got an array"),
            new FieldError("l", "must be an array, got an object"),
            new FieldError("any", "is required"));
    assertThat(errors(c, "{}").get(0))
        .isEqualTo(new FieldError("service", "is required (a string)"));
  }

  @Test
  void everyProblemOfARecordIsReported() {
    JsonMappingConfig c = new JsonMappingConfig();
    c.required = List.of(required("service", FieldType.STRING));
    assertThat(errors(c, "{\"timestamp\":\"x\",\"level\":\"nope\",\"trace_id\":\"1\"}"))
        .extracting(FieldError::field)
        .containsExactly("service", "trace_id", "timestamp", "level");
  }

  @Test
  void invalidJsonIsOneErrorSayingWhere() {
    JsonMappingConfig c = new JsonMappingConfig();
    assertThat(errors(c, "{\"a\":1,\n \"b\": }"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.field()).isEmpty();
              assertThat(e.message())
                  .startsWith(
                      "invalid JSON at line 2, column 7 (byte 14): unexpected character '}'");
            });
    assertThat(errors(c, "[1]").get(0).message())
        .isEqualTo(
            "invalid JSON at line 1, column 1 (byte 0): expected a JSON object, got an array");
    assertThat(errors(c, "{} {}").get(0).message())
        .endsWith("more content (an object) after the end of the object");
    assertThat(errors(c, "  ").get(0).message()).contains("no JSON value");
  }

  @Test
  void parseObjectReportsLineColumnAndOffset() throws Exception {
    assertThatThrownBy(
            () ->
                JsonValueReader.standard()
                    .readObject("{\"a\":\n\"unterminated".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            JsonSyntaxException.class,
            e -> {
              assertThat(e.line()).isEqualTo(2);
              assertThat(e.byteOffset()).isGreaterThan(5);
              assertThat(e.getMessage()).startsWith("invalid JSON at line 2");
            });
    StringBuilder deep = new StringBuilder();
    for (int i = 0; i < 100; i++) deep.append("{\"a\":");
    deep.append("1").append("}".repeat(100));
    assertThatThrownBy(
            () ->
                JsonValueReader.standard()
                    .readObject(deep.toString().getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(JsonSyntaxException.class)
        .hasMessageContaining("nested more than 64 levels");
    assertThat(
            JsonValueReader.standard()
                .readObject(
                    "{\"big\":123456789012345678901234567890}".getBytes(StandardCharsets.UTF_8))
                .get("big"))
        .as("beyond 64 bits: the digits, not a rounded double")
        .isEqualTo("123456789012345678901234567890");
  }

  @Test
  void theAssemblerGroupsByResourceAndScope() {
    JsonRecordMapper mapper = new JsonRecordMapper(new JsonMappingConfig());
    LogsBatchAssembler a = new LogsBatchAssembler();
    for (String json :
        List.of(
            "{\"service\":\"a\",\"message\":\"1\"}",
            "{\"service\":\"b\",\"message\":\"2\"}",
            "{\"service\":\"a\",\"message\":\"3\"}",
            "{\"service\":\"a\",\"message\":\"4\",\"scope\":{\"name\":\"lib\"}}",
            "{\"message\":\"5\"}")) {
      a.add(mapper.map(json.getBytes(StandardCharsets.UTF_8), OBSERVED));
    }
    LogsBatch batch = a.batch();
    assertThat(a.recordCount()).isEqualTo(5);
    assertThat(batch.recordCount()).isEqualTo(5);
    assertThat(batch.resourceLogs()).hasSize(3);
    assertThat(batch.resourceLogs().get(0).resource().attributes())
        .isEqualTo(Attributes.of("service.name", "a"));
    assertThat(batch.resourceLogs().get(0).scopeLogs()).hasSize(2);
    assertThat(batch.resourceLogs().get(0).scopeLogs().get(0).logRecords())
        .extracting(LogRecord::body)
        .containsExactly("1", "3");
    assertThat(batch.resourceLogs().get(0).scopeLogs().get(1).scope().name()).isEqualTo("lib");
    assertThat(batch.resourceLogs().get(2).resource().attributes().isEmpty()).isTrue();
    assertThatThrownBy(() -> a.add(mapper.map("[]".getBytes(StandardCharsets.UTF_8), OBSERVED)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static RequiredField required(String field, FieldType type) {
    RequiredField r = new RequiredField();
    r.field = field;
    r.type = type;
    return r;
  }
}
