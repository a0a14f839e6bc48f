package io.stacklens.receiver.otlp;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.GZIPOutputStream;

/** Small OTLP requests for tests. */
final class TestData {
  private TestData() {}

  static final Resource RESOURCE =
      Resource.newBuilder()
          .addAttributes(
              KeyValue.newBuilder()
                  .setKey("service.name")
                  .setValue(AnyValue.newBuilder().setStringValue("checkout")))
          .build();

  static LogRecord log(String body, int severity) {
    return LogRecord.newBuilder()
        .setTimeUnixNano(1_700_000_000_000_000_000L)
        .setSeverityNumberValue(severity)
        .setBody(AnyValue.newBuilder().setStringValue(body))
        .build();
  }

  static ExportLogsServiceRequest logs(LogRecord... records) {
    ScopeLogs.Builder scope = ScopeLogs.newBuilder();
    for (LogRecord r : records) scope.addLogRecords(r);
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().setResource(RESOURCE).addScopeLogs(scope))
        .build();
  }

  static ExportLogsServiceRequest logs(int n) {
    LogRecord[] records = new LogRecord[n];
    for (int i = 0; i < n; i++) records[i] = log("line " + i, 9);
    return logs(records);
  }

  static Span span(int i) {
    byte[] trace = new byte[16];
    byte[] spanId = new byte[8];
    trace[0] = 1;
    spanId[0] = (byte) (i + 1);
    return Span.newBuilder()
        .setTraceId(ByteString.copyFrom(trace))
        .setSpanId(ByteString.copyFrom(spanId))
        .setName("span " + i)
        .build();
  }

  static ExportTraceServiceRequest traces(Span... spans) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (Span s : spans) scope.addSpans(s);
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().setResource(RESOURCE).addScopeSpans(scope))
        .build();
  }

  static ExportTraceServiceRequest traces(int n) {
    Span[] spans = new Span[n];
    for (int i = 0; i < n; i++) spans[i] = span(i);
    return traces(spans);
  }

  static Metric gauge(String name, int points) {
    Gauge.Builder g = Gauge.newBuilder();
    for (int i = 0; i < points; i++)
      g.addDataPoints(NumberDataPoint.newBuilder().setAsDouble(i).setTimeUnixNano(i + 1));
    return Metric.newBuilder().setName(name).setGauge(g).build();
  }

  static Metric histogram(String name, int bucketCounts, int bounds) {
    HistogramDataPoint.Builder p = HistogramDataPoint.newBuilder().setCount(1);
    for (int i = 0; i < bucketCounts; i++) p.addBucketCounts(i == 0 ? 1 : 0);
    for (int i = 0; i < bounds; i++) p.addExplicitBounds(i * 10.0);
    return Metric.newBuilder()
        .setName(name)
        .setHistogram(Histogram.newBuilder().addDataPoints(p))
        .build();
  }

  static ExportMetricsServiceRequest metrics(Metric... metrics) {
    ScopeMetrics.Builder scope = ScopeMetrics.newBuilder();
    for (Metric m : metrics) scope.addMetrics(m);
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder().setResource(RESOURCE).addScopeMetrics(scope))
        .build();
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out.toByteArray();
  }

  static byte[] zstd(byte[] data) {
    return com.github.luben.zstd.Zstd.compress(data);
  }
}
