package io.stacklens.exporter.file;

import static io.stacklens.exporter.file.TestData.HOST;
import static io.stacklens.exporter.file.TestData.T0;
import static io.stacklens.exporter.file.TestData.context;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
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
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.MetricsBatch;
import io.stacklens.agent.data.TracesBatch;
import io.stacklens.agent.telemetry.MetricsRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTracesAndMetricsTest {
  @TempDir Path dir;

  private List<String> write(FileFormat format, Batch batch) throws Exception {
    FileExporterConfig c = new FileExporterFactory().createDefaultConfig();
    c.path = dir.resolve("out.jsonl").toString();
    c.format = format;
    FileExporter exporter = new FileExporter(context(new MetricsRegistry()), c);
    exporter.start(HOST);
    exporter.push(batch);
    exporter.shutdown(Instant.now().plusSeconds(5));
    return FileRecordsReader.readLines(Path.of(c.path));
  }

  private static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  private static KeyValue kv(String key, long value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setIntValue(value))
        .build();
  }

  static TracesBatch traces() {
    Span server =
        Span.newBuilder()
            .setTraceId(ByteString.copyFrom(TestData.traceId()))
            .setSpanId(ByteString.copyFrom(TestData.spanId()))
            .setName("GET /users")
            .setKind(Span.SpanKind.SPAN_KIND_SERVER)
            .setStartTimeUnixNano(T0)
            .setEndTimeUnixNano(T0 + 1_500_000)
            .addAttributes(kv("http.status_code", 200))
            .addEvents(Span.Event.newBuilder().setName("retry"))
            .setStatus(
                Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("boom"))
            .setDroppedEventsCount(2)
            .build();
    Span child =
        server.toBuilder()
            .setSpanId(ByteString.copyFrom(new byte[] {9, 9, 9, 9, 9, 9, 9, 9}))
            .setParentSpanId(server.getSpanId())
            .setName("db")
            .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
            .clearEvents()
            .clearStatus()
            .setDroppedEventsCount(0)
            .setTraceState("k=v")
            .build();
    return new TracesBatch(
        List.of(
            ResourceSpans.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(kv("service.name", "api")))
                .addScopeSpans(
                    ScopeSpans.newBuilder()
                        .setScope(
                            InstrumentationScope.newBuilder().setName("tracer").setVersion("2"))
                        .addSpans(server)
                        .addSpans(child))
                .build()));
  }

  static MetricsBatch metrics() {
    NumberDataPoint point =
        NumberDataPoint.newBuilder()
            .setTimeUnixNano(T0)
            .addAttributes(kv("cpu", "0"))
            .setAsDouble(0.75)
            .build();
    Metric gauge =
        Metric.newBuilder()
            .setName("cpu.usage")
            .setUnit("1")
            .setGauge(
                Gauge.newBuilder()
                    .addDataPoints(point)
                    .addDataPoints(point.toBuilder().setAsDouble(0.5)))
            .build();
    Metric sum =
        Metric.newBuilder()
            .setName("requests")
            .setUnit("{request}")
            .setDescription("served")
            .setSum(
                Sum.newBuilder()
                    .setIsMonotonic(true)
                    .setAggregationTemporality(
                        AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                    .addDataPoints(
                        NumberDataPoint.newBuilder()
                            .setStartTimeUnixNano(T0 - 10)
                            .setTimeUnixNano(T0)
                            .setAsInt(42)))
            .build();
    Metric histogram =
        Metric.newBuilder()
            .setName("latency")
            .setUnit("ms")
            .setHistogram(
                Histogram.newBuilder()
                    .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                    .addDataPoints(
                        HistogramDataPoint.newBuilder()
                            .setTimeUnixNano(T0)
                            .setCount(3)
                            .setSum(12.5)
                            .setMin(1)
                            .setMax(9)
                            .addBucketCounts(1)
                            .addBucketCounts(2)
                            .addExplicitBounds(5.0)))
            .build();
    Metric exponential =
        Metric.newBuilder()
            .setName("size")
            .setUnit("By")
            .setExponentialHistogram(
                ExponentialHistogram.newBuilder()
                    .addDataPoints(
                        ExponentialHistogramDataPoint.newBuilder()
                            .setTimeUnixNano(T0)
                            .setCount(4)
                            .setScale(2)
                            .setZeroCount(1)
                            .setPositive(
                                ExponentialHistogramDataPoint.Buckets.newBuilder()
                                    .setOffset(-1)
                                    .addBucketCounts(3))))
            .build();
    Metric summary =
        Metric.newBuilder()
            .setName("gc")
            .setUnit("s")
            .setSummary(
                Summary.newBuilder()
                    .addDataPoints(
                        SummaryDataPoint.newBuilder()
                            .setTimeUnixNano(T0)
                            .setCount(10)
                            .setSum(2.0)
                            .addQuantileValues(
                                SummaryDataPoint.ValueAtQuantile.newBuilder()
                                    .setQuantile(0.99)
                                    .setValue(0.4))))
            .build();
    return new MetricsBatch(
        List.of(
            ResourceMetrics.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(kv("host.name", "h1")))
                .addScopeMetrics(
                    ScopeMetrics.newBuilder()
                        .setScope(InstrumentationScope.newBuilder().setName("meter"))
                        .addMetrics(gauge)
                        .addMetrics(sum)
                        .addMetrics(histogram)
                        .addMetrics(exponential)
                        .addMetrics(summary))
                .build()));
  }

  @Test
  void jsonLinesWritesOneObjectPerSpan() throws Exception {
    List<String> lines = write(FileFormat.JSON_LINES, traces());

    assertThat(lines)
        .containsExactly(
            "{\"trace_id\":\"f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff\",\"span_id\":\"01020304050607ff\",\"name\":\"GET /users\","
                + "\"kind\":\"server\",\"start_time\":\"2024-05-01T12:34:56.123456789Z\","
                + "\"end_time\":\"2024-05-01T12:34:56.124956789Z\",\"start_time_unix_nano\":1714566896123456789,"
                + "\"end_time_unix_nano\":1714566896124956789,\"duration_nano\":1500000,\"flags\":0,"
                + "\"status\":{\"code\":\"error\",\"message\":\"boom\"},\"attributes\":{\"http.status_code\":200},"
                + "\"events_count\":1,\"links_count\":0,\"dropped_events_count\":2,\"resource\":{\"service.name\":\"api\"},"
                + "\"scope\":{\"name\":\"tracer\",\"version\":\"2\"}}",
            "{\"trace_id\":\"f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff\",\"span_id\":\"0909090909090909\","
                + "\"parent_span_id\":\"01020304050607ff\",\"trace_state\":\"k=v\",\"name\":\"db\",\"kind\":\"client\","
                + "\"start_time\":\"2024-05-01T12:34:56.123456789Z\",\"end_time\":\"2024-05-01T12:34:56.124956789Z\","
                + "\"start_time_unix_nano\":1714566896123456789,\"end_time_unix_nano\":1714566896124956789,"
                + "\"duration_nano\":1500000,\"flags\":0,\"status\":{\"code\":\"unset\"},"
                + "\"attributes\":{\"http.status_code\":200},\"events_count\":0,\"links_count\":0,"
                + "\"resource\":{\"service.name\":\"api\"},\"scope\":{\"name\":\"tracer\",\"version\":\"2\"}}");
  }

  @Test
  void jsonLinesWritesOneObjectPerMetricDataPoint() throws Exception {
    List<String> lines = write(FileFormat.JSON_LINES, metrics());

    String common =
        "\"resource\":{\"host.name\":\"h1\"},\"scope\":{\"name\":\"meter\",\"version\":\"\"}}";
    String time =
        "{\"timestamp\":\"2024-05-01T12:34:56.123456789Z\",\"time_unix_nano\":1714566896123456789,";
    assertThat(lines)
        .containsExactly(
            time
                + "\"metric\":\"cpu.usage\",\"type\":\"gauge\",\"unit\":\"1\",\"value\":0.75,\"attributes\":{\"cpu\":\"0\"},"
                + common,
            time
                + "\"metric\":\"cpu.usage\",\"type\":\"gauge\",\"unit\":\"1\",\"value\":0.5,\"attributes\":{\"cpu\":\"0\"},"
                + common,
            time
                + "\"start_time_unix_nano\":1714566896123456779,\"metric\":\"requests\",\"description\":\"served\","
                + "\"type\":\"sum\",\"unit\":\"{request}\",\"is_monotonic\":true,\"aggregation_temporality\":\"cumulative\","
                + "\"value\":42,\"attributes\":{},"
                + common,
            time
                + "\"metric\":\"latency\",\"type\":\"histogram\",\"unit\":\"ms\",\"aggregation_temporality\":\"delta\","
                + "\"count\":3,\"sum\":12.5,\"min\":1.0,\"max\":9.0,\"bucket_counts\":[1,2],\"explicit_bounds\":[5.0],"
                + "\"attributes\":{},"
                + common,
            time
                + "\"metric\":\"size\",\"type\":\"exponential_histogram\",\"unit\":\"By\","
                + "\"aggregation_temporality\":\"unspecified\",\"count\":4,\"scale\":2,\"zero_count\":1,\"zero_threshold\":0.0,"
                + "\"positive\":{\"offset\":-1,\"bucket_counts\":[3]},\"negative\":{\"offset\":0,\"bucket_counts\":[]},"
                + "\"attributes\":{},"
                + common,
            time
                + "\"metric\":\"gc\",\"type\":\"summary\",\"unit\":\"s\",\"count\":10,\"sum\":2.0,"
                + "\"quantiles\":[{\"quantile\":0.99,\"value\":0.4}],\"attributes\":{},"
                + common);
  }

  @Test
  void otlpJsonWritesOneExportRequestPerPushThatParsesBackIdentically() throws Exception {
    TracesBatch traces = traces();
    write(FileFormat.OTLP_JSON, traces);
    assertThat(FileRecordsReader.readTraceRequests(dir.resolve("out.jsonl")))
        .containsExactly(traces.toRequest());

    MetricsBatch metrics = metrics();
    List<String> lines = write(FileFormat.OTLP_JSON, metrics);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(1)).startsWith("{\"resourceMetrics\":[");
    assertThat(FileRecordsReader.readMetricRequests(dir.resolve("out.jsonl")).get(1))
        .isEqualTo(metrics.toRequest());
  }

  @Test
  void otlpJsonUsesHexIdsAndIntegerEnums() throws Exception {
    String line = write(FileFormat.OTLP_JSON, traces()).get(0);

    assertThat(line)
        .startsWith("{\"resourceSpans\":[")
        .contains("\"traceId\":\"f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff\"")
        .contains("\"kind\":2")
        .contains("\"startTimeUnixNano\":\"1714566896123456789\"");
  }
}
