package io.stacklens.agent.it.fuzz;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.it.support.VariedLogs;
import io.stacklens.agent.otlp.OtlpJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The valid requests mutations start from: OTLP logs, traces and metrics requests of varied shapes
 * (every AnyValue kind, nested kvlists and arrays, bytes, many attributes, several resources and
 * scopes, the specification's examples), each as protobuf and as OTLP/JSON, and http_json bodies
 * (one object, an array, NDJSON).
 */
final class Seeds {
  /** What a seed's bytes are. */
  enum Kind {
    PROTOBUF,
    OTLP_JSON,
    INGEST_OBJECT,
    INGEST_ARRAY,
    INGEST_NDJSON
  }

  record Seed(String name, Kind kind, Signal signal, byte[] bytes) {}

  private Seeds() {}

  static List<Seed> all() {
    return Holder.ALL;
  }

  static List<Seed> of(Kind kind) {
    return Holder.ALL.stream().filter(s -> s.kind() == kind).toList();
  }

  /** Built on first use, after the text constants below. */
  private static final class Holder {
    static final List<Seed> ALL = build();
  }

  private static List<Seed> build() {
    List<Seed> seeds = new ArrayList<>();
    otlp(seeds, "logs.varied", Signal.LOGS, VariedLogs.request());
    otlp(seeds, "logs.many-attributes", Signal.LOGS, manyAttributesLogs());
    otlp(seeds, "logs.many-resources-scopes", Signal.LOGS, manyResourcesLogs());
    otlp(seeds, "logs.nested-bytes", Signal.LOGS, nestedLogs());
    otlp(
        seeds,
        "logs.empty-record",
        Signal.LOGS,
        ExportLogsServiceRequest.newBuilder()
            .addResourceLogs(
                ResourceLogs.newBuilder()
                    .addScopeLogs(
                        ScopeLogs.newBuilder().addLogRecords(LogRecord.getDefaultInstance())))
            .build());
    otlp(
        seeds,
        "logs.spec-example",
        Signal.LOGS,
        OtlpJson.parseLogs(resource("/otlp-examples/logs.json")));
    otlp(
        seeds,
        "traces.spec-example",
        Signal.TRACES,
        OtlpJson.parseTraces(resource("/otlp-examples/trace.json")));
    otlp(seeds, "traces.varied", Signal.TRACES, variedTraces());
    otlp(
        seeds,
        "metrics.spec-example",
        Signal.METRICS,
        OtlpJson.parseMetrics(resource("/otlp-examples/metrics.json")));
    otlp(seeds, "metrics.every-kind", Signal.METRICS, everyKindMetrics());
    seeds.add(new Seed("ingest.object", Kind.INGEST_OBJECT, Signal.LOGS, utf8(INGEST_OBJECT)));
    seeds.add(
        new Seed(
            "ingest.array",
            Kind.INGEST_ARRAY,
            Signal.LOGS,
            utf8("[" + String.join(",", INGEST_LINES) + "]")));
    seeds.add(
        new Seed(
            "ingest.ndjson",
            Kind.INGEST_NDJSON,
            Signal.LOGS,
            utf8(String.join("\n", INGEST_LINES) + "\n")));
    seeds.add(
        new Seed(
            "ingest.ndjson-crlf",
            Kind.INGEST_NDJSON,
            Signal.LOGS,
            utf8(
                String.join("\r\n", INGEST_LINES)
                    + "\r\n\r\n"
                    + INGEST_OBJECT.replace("\n", "")
                    + "\n")));
    return List.copyOf(seeds);
  }

  private static void otlp(List<Seed> seeds, String name, Signal signal, Message m) {
    seeds.add(new Seed(name + ".pb", Kind.PROTOBUF, signal, m.toByteArray()));
    seeds.add(new Seed(name + ".json", Kind.OTLP_JSON, signal, OtlpJson.toJsonBytes(m)));
  }

  static final String INGEST_OBJECT =
      """
      {"timestamp":"2026-11-23T19:50:41.123456789Z","level":"warn","message":"disk almost full","service":"checkout",
       "trace_id":"5B8EFFF798038103D269B633813FC60C","span_id":"EEE19B7EC3C1B174","disk":"/dev/sda1","pct":97.5,
       "count":12,"ok":false,"none":null,"tags":["a","b",1,2.5,true,null,{"x":[1,[2,[3]]]}],
       "attributes":{"user":"ada","nested":{"deep":{"deeper":[{"k":"v"}]}}},
       "resource":{"host.name":"h1","region":"eu"},"scope":{"name":"io.x","version":"1.0","attributes":{"s":1}},
       "unicode":"ünïcødé 日本語 🚀 \\"q\\" \\\\ \\t \\u0001","big":9223372036854775807,"neg":-9223372036854775808,
       "flags":1,"event_name":"e","dropped_attributes_count":2,"severity_number":13,"severity_text":"WARN"}
      """;

  static final List<String> INGEST_LINES =
      List.of(
          "{\"timestamp\":1700000000123,\"level\":\"info\",\"message\":\"started\",\"service\":\"api\"}",
          "{\"time_unix_nano\":1700000000123456789,\"severity_number\":17,\"body\":{\"code\":500,\"path\":\"/x\"}}",
          "{\"timestamp\":\"1700000000.25\",\"level\":\"ERROR3\",\"message\":\"failed\",\"attributes\":{\"retry\":true}}",
          "{\"level\":\"debug\",\"message\":\"\",\"resource\":{\"k8s.pod\":\"p-1\"},\"list\":[[],[{}]]}",
          "{\"timestamp\":\"2026-11-23 20:50:41+01:00\",\"level\":\"fatal\",\"message\":\"down\",\"span_id\":\"\"}");

  private static ExportLogsServiceRequest manyAttributesLogs() {
    LogRecord.Builder record =
        LogRecord.newBuilder()
            .setTimeUnixNano(1)
            .setSeverityNumberValue(9)
            .setBody(str("many attributes"));
    for (int i = 0; i < 200; i++) {
      AnyValue v =
          switch (i % 5) {
            case 0 -> str("value-" + i);
            case 1 -> AnyValue.newBuilder().setIntValue(i * 1_000_003L).build();
            case 2 -> AnyValue.newBuilder().setDoubleValue(i / 7.0).build();
            case 3 -> AnyValue.newBuilder().setBoolValue(i % 2 == 0).build();
            default ->
                AnyValue.newBuilder()
                    .setBytesValue(ByteString.copyFrom(new byte[] {(byte) i, 0, (byte) 0xFF}))
                    .build();
          };
      record.addAttributes(kv("attr." + i, v));
    }
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder().addScopeLogs(ScopeLogs.newBuilder().addLogRecords(record)))
        .build();
  }

  private static ExportLogsServiceRequest manyResourcesLogs() {
    ExportLogsServiceRequest.Builder b = ExportLogsServiceRequest.newBuilder();
    for (int r = 0; r < 3; r++) {
      ResourceLogs.Builder resource =
          ResourceLogs.newBuilder()
              .setSchemaUrl("https://opentelemetry.io/schemas/1.24.0")
              .setResource(
                  Resource.newBuilder()
                      .addAttributes(kv("service.name", str("svc-" + r)))
                      .setDroppedAttributesCount(r));
      for (int s = 0; s < 3; s++) {
        ScopeLogs.Builder scope =
            ScopeLogs.newBuilder()
                .setScope(
                    InstrumentationScope.newBuilder()
                        .setName("scope-" + s)
                        .setVersion("0." + s)
                        .addAttributes(
                            kv("scope.k", AnyValue.newBuilder().setIntValue(s).build())));
        for (int i = 0; i < 3; i++) {
          scope.addLogRecords(
              LogRecord.newBuilder()
                  .setTimeUnixNano(1_700_000_000_000_000_000L + i)
                  .setSeverityNumberValue(1 + 4 * i)
                  .setSeverityText("S" + i)
                  .setBody(str("r" + r + "s" + s + "i" + i))
                  .addAttributes(kv("i", AnyValue.newBuilder().setIntValue(i).build())));
        }
        resource.addScopeLogs(scope);
      }
      b.addResourceLogs(resource);
    }
    return b.build();
  }

  private static ExportLogsServiceRequest nestedLogs() {
    AnyValue v = str("leaf");
    for (int depth = 0; depth < 12; depth++) {
      v =
          depth % 2 == 0
              ? AnyValue.newBuilder()
                  .setArrayValue(
                      ArrayValue.newBuilder()
                          .addValues(v)
                          .addValues(
                              AnyValue.newBuilder()
                                  .setBytesValue(ByteString.copyFromUtf8("b" + depth))))
                  .build()
              : AnyValue.newBuilder()
                  .setKvlistValue(
                      KeyValueList.newBuilder()
                          .addValues(kv("d" + depth, v))
                          .addValues(kv("n", AnyValue.newBuilder().setDoubleValue(depth).build())))
                  .build();
    }
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .addScopeLogs(
                    ScopeLogs.newBuilder()
                        .addLogRecords(
                            LogRecord.newBuilder()
                                .setBody(v)
                                .addAttributes(kv("nested", v))
                                .setTraceId(ByteString.copyFrom(new byte[16]))
                                .setSpanId(ByteString.copyFrom(new byte[8])))))
        .build();
  }

  private static ExportTraceServiceRequest variedTraces() {
    byte[] trace = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    ExportTraceServiceRequest.Builder b = ExportTraceServiceRequest.newBuilder();
    for (int r = 0; r < 2; r++) {
      ScopeSpans.Builder scope =
          ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder().setName("tracer"));
      for (int i = 0; i < 4; i++) {
        scope.addSpans(
            Span.newBuilder()
                .setTraceId(ByteString.copyFrom(trace))
                .setSpanId(ByteString.copyFrom(new byte[] {1, 1, 1, 1, 1, 1, 1, (byte) (i + 1)}))
                .setParentSpanId(
                    i == 0
                        ? ByteString.EMPTY
                        : ByteString.copyFrom(new byte[] {1, 1, 1, 1, 1, 1, 1, 1}))
                .setTraceState("k=v")
                .setName("span-" + i)
                .setKindValue(i % 6)
                .setStartTimeUnixNano(1_700_000_000_000_000_000L)
                .setEndTimeUnixNano(1_700_000_000_100_000_000L)
                .addAttributes(kv("http.route", str("/x/" + i)))
                .addAttributes(
                    kv(
                        "list",
                        AnyValue.newBuilder()
                            .setArrayValue(
                                ArrayValue.newBuilder()
                                    .addValues(str("a"))
                                    .addValues(
                                        AnyValue.newBuilder()
                                            .setKvlistValue(
                                                KeyValueList.newBuilder()
                                                    .addValues(kv("z", str("1"))))))
                            .build()))
                .addEvents(
                    Span.Event.newBuilder()
                        .setName("exception")
                        .setTimeUnixNano(1_700_000_000_050_000_000L)
                        .addAttributes(kv("exception.message", str("boom"))))
                .addLinks(
                    Span.Link.newBuilder()
                        .setTraceId(ByteString.copyFrom(trace))
                        .setSpanId(ByteString.copyFrom(new byte[] {2, 2, 2, 2, 2, 2, 2, 2}))
                        .addAttributes(kv("l", str("x"))))
                .setStatus(Status.newBuilder().setCodeValue(i % 3).setMessage("status " + i))
                .setDroppedAttributesCount(i)
                .setFlags(0x301));
      }
      b.addResourceSpans(
          ResourceSpans.newBuilder()
              .setResource(
                  Resource.newBuilder().addAttributes(kv("service.name", str("trace-svc-" + r))))
              .addScopeSpans(scope));
    }
    return b.build();
  }

  private static ExportMetricsServiceRequest everyKindMetrics() {
    long t = 1_700_000_000_000_000_000L;
    Exemplar exemplar =
        Exemplar.newBuilder()
            .setTimeUnixNano(t)
            .setAsDouble(1.5)
            .setTraceId(ByteString.copyFrom(new byte[16]))
            .setSpanId(ByteString.copyFrom(new byte[8]))
            .addFilteredAttributes(kv("f", str("x")))
            .build();
    ScopeMetrics scope =
        ScopeMetrics.newBuilder()
            .setScope(InstrumentationScope.newBuilder().setName("meter"))
            .addMetrics(
                Metric.newBuilder()
                    .setName("gauge")
                    .setUnit("1")
                    .setDescription("a gauge")
                    .setGauge(
                        Gauge.newBuilder()
                            .addDataPoints(
                                NumberDataPoint.newBuilder()
                                    .setTimeUnixNano(t)
                                    .setAsInt(-5)
                                    .addAttributes(kv("k", str("v"))))
                            .addDataPoints(
                                NumberDataPoint.newBuilder()
                                    .setTimeUnixNano(t)
                                    .setAsDouble(2.25)
                                    .addExemplars(exemplar))))
            .addMetrics(
                Metric.newBuilder()
                    .setName("sum")
                    .setSum(
                        Sum.newBuilder()
                            .setIsMonotonic(true)
                            .setAggregationTemporality(
                                AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                            .addDataPoints(
                                NumberDataPoint.newBuilder()
                                    .setStartTimeUnixNano(t - 1)
                                    .setTimeUnixNano(t)
                                    .setAsInt(42))))
            .addMetrics(
                Metric.newBuilder()
                    .setName("histogram")
                    .setHistogram(
                        Histogram.newBuilder()
                            .setAggregationTemporality(
                                AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                            .addDataPoints(
                                HistogramDataPoint.newBuilder()
                                    .setTimeUnixNano(t)
                                    .setCount(6)
                                    .setSum(10.5)
                                    .setMin(0.1)
                                    .setMax(5)
                                    .addExplicitBounds(1)
                                    .addExplicitBounds(2)
                                    .addBucketCounts(1)
                                    .addBucketCounts(2)
                                    .addBucketCounts(3)
                                    .addExemplars(exemplar))))
            .addMetrics(
                Metric.newBuilder()
                    .setName("exp-histogram")
                    .setExponentialHistogram(
                        ExponentialHistogram.newBuilder()
                            .setAggregationTemporality(
                                AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                            .addDataPoints(
                                ExponentialHistogramDataPoint.newBuilder()
                                    .setTimeUnixNano(t)
                                    .setScale(3)
                                    .setCount(7)
                                    .setZeroCount(1)
                                    .setSum(3.5)
                                    .setPositive(
                                        ExponentialHistogramDataPoint.Buckets.newBuilder()
                                            .setOffset(-2)
                                            .addBucketCounts(1)
                                            .addBucketCounts(4))
                                    .setNegative(
                                        ExponentialHistogramDataPoint.Buckets.newBuilder()
                                            .setOffset(1)
                                            .addBucketCounts(1)))))
            .addMetrics(
                Metric.newBuilder()
                    .setName("summary")
                    .setSummary(
                        Summary.newBuilder()
                            .addDataPoints(
                                SummaryDataPoint.newBuilder()
                                    .setTimeUnixNano(t)
                                    .setCount(3)
                                    .setSum(9)
                                    .addQuantileValues(
                                        SummaryDataPoint.ValueAtQuantile.newBuilder()
                                            .setQuantile(0.5)
                                            .setValue(3))
                                    .addQuantileValues(
                                        SummaryDataPoint.ValueAtQuantile.newBuilder()
                                            .setQuantile(0.99)
                                            .setValue(5)))))
            .build();
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(
                    Resource.newBuilder().addAttributes(kv("service.name", str("metrics-svc"))))
                .addScopeMetrics(scope))
        .build();
  }

  private static KeyValue kv(String key, AnyValue value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }

  private static AnyValue str(String s) {
    return AnyValue.newBuilder().setStringValue(s).build();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] resource(String path) {
    try (InputStream in = Seeds.class.getResourceAsStream(path)) {
      if (in == null) throw new IllegalStateException("no test resource " + path);
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
