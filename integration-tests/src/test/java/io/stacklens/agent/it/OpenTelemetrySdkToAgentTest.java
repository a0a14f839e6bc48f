package io.stacklens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.it.support.Configs;
import io.stacklens.agent.it.support.ExportResults;
import io.stacklens.agent.it.support.RunningAgent;
import io.stacklens.exporter.file.FileRecordsReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official OpenTelemetry Java SDK, with its own OTLP exporters, sends logs, spans and metrics
 * to a running agent over gRPC and over http/protobuf; everything lands in the files by content.
 */
class OpenTelemetrySdkToAgentTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final AttributeKey<String> USER = AttributeKey.stringKey("user");
  private static final AttributeKey<Long> N = AttributeKey.longKey("n");
  private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"grpc", "http/protobuf"})
  void sdkLogsSpansAndMetricsArriveInTheFilesByContent(String transport) throws Exception {
    try (RunningAgent agent = RunningAgent.start(Configs.otlpToFiles(dir))) {
      ExportResults results = new ExportResults();
      Resource resource =
          Resource.getDefault()
              .merge(
                  Resource.create(
                      Attributes.of(
                          AttributeKey.stringKey("service.name"), "it-sdk-" + transport)));
      boolean grpc = transport.equals("grpc");

      SdkLoggerProvider loggers =
          SdkLoggerProvider.builder()
              .setResource(resource)
              .addLogRecordProcessor(
                  BatchLogRecordProcessor.builder(results.wrap(logExporter(agent, grpc)))
                      .setScheduleDelay(Duration.ofMillis(50))
                      .build())
              .build();
      SdkTracerProvider tracers =
          SdkTracerProvider.builder()
              .setResource(resource)
              .addSpanProcessor(
                  BatchSpanProcessor.builder(results.wrap(spanExporter(agent, grpc)))
                      .setScheduleDelay(Duration.ofMillis(50))
                      .build())
              .build();
      SdkMeterProvider meters =
          SdkMeterProvider.builder()
              .setResource(resource)
              .registerMetricReader(
                  PeriodicMetricReader.builder(results.wrap(metricExporter(agent, grpc)))
                      .setInterval(Duration.ofHours(1))
                      .build())
              .build();
      String traceIdHex;
      try {
        for (int i = 0; i < 5; i++) {
          loggers
              .get("it.logger")
              .logRecordBuilder()
              .setBody("hello " + transport + " #" + i + " — ünïcødé")
              .setSeverity(Severity.WARN)
              .setSeverityText("WARN")
              .setAttribute(USER, "ana")
              .setAttribute(N, (long) i)
              .emit();
        }
        Span span =
            tracers
                .get("it.tracer")
                .spanBuilder("GET /users " + transport)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute(ROUTE, "/users")
                .startSpan();
        traceIdHex = span.getSpanContext().getTraceId();
        span.end();
        meters
            .get("it.meter")
            .counterBuilder("it.requests")
            .build()
            .add(7, Attributes.of(ROUTE, "/users"));
        meters
            .get("it.meter")
            .gaugeBuilder("it.temperature")
            .buildWithCallback(m -> m.record(21.5));

        assertThat(loggers.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
        assertThat(tracers.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
        assertThat(meters.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      } finally {
        loggers.shutdown().join(10, TimeUnit.SECONDS);
        tracers.shutdown().join(10, TimeUnit.SECONDS);
        meters.shutdown().join(10, TimeUnit.SECONDS);
      }
      assertThat(results.failed).as("failed SDK exports").hasValue(0);
      assertThat(results.succeeded.get()).as("successful SDK exports").isGreaterThanOrEqualTo(3);

      await().atMost(WAIT).untilAsserted(() -> assertLogs(transport));
      await().atMost(WAIT).untilAsserted(() -> assertSpan(transport, traceIdHex));
      await().atMost(WAIT).untilAsserted(() -> assertMetrics(transport));
      String t = grpc ? "grpc" : "http";
      assertThat(
              agent
                  .metrics()
                  .counterValue(
                      "stacklens_receiver_accepted_records_total",
                      "receiver",
                      "otlp",
                      "signal",
                      "logs",
                      "transport",
                      t))
          .isEqualTo(5);
    }
  }

  private void assertLogs(String transport) throws Exception {
    assertThat(Configs.logs(dir)).exists();
    LogsBatch all = FileRecordsReader.readAllLogs(Configs.logs(dir));
    List<LogRecord> records = new ArrayList<>();
    for (ResourceLogs rl : all.resourceLogs()) {
      assertThat(rl.resource().attributes().get("service.name")).isEqualTo("it-sdk-" + transport);
      assertThat(rl.resource().attributes().get("telemetry.sdk.language")).isEqualTo("java");
      rl.scopeLogs()
          .forEach(
              sl -> {
                assertThat(sl.scope().name()).isEqualTo("it.logger");
                records.addAll(sl.logRecords());
              });
    }
    assertThat(records).hasSize(5);
    for (int i = 0; i < 5; i++) {
      LogRecord r = records.get(i);
      assertThat(r.body()).isEqualTo("hello " + transport + " #" + i + " — ünïcødé");
      assertThat(r.severityNumber()).isEqualTo(Severity.WARN.getSeverityNumber());
      assertThat(r.severityText()).isEqualTo("WARN");
      assertThat(r.attributes().get("user")).isEqualTo("ana");
      assertThat(r.attributes().get("n")).isEqualTo((long) i);
      assertThat(r.observedTimeUnixNano()).isPositive();
    }
  }

  private void assertSpan(String transport, String traceIdHex) throws Exception {
    assertThat(Configs.traces(dir)).exists();
    List<io.opentelemetry.proto.trace.v1.Span> spans = new ArrayList<>();
    for (ExportTraceServiceRequest req : FileRecordsReader.readTraceRequests(Configs.traces(dir))) {
      for (ResourceSpans rs : req.getResourceSpansList()) {
        for (ScopeSpans ss : rs.getScopeSpansList()) spans.addAll(ss.getSpansList());
      }
    }
    assertThat(spans).hasSize(1);
    io.opentelemetry.proto.trace.v1.Span span = spans.get(0);
    assertThat(span.getName()).isEqualTo("GET /users " + transport);
    assertThat(span.getKind())
        .isEqualTo(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER);
    assertThat(HexFormat.of().formatHex(span.getTraceId().toByteArray())).isEqualTo(traceIdHex);
    assertThat(span.getAttributesList())
        .anySatisfy(
            kv -> {
              assertThat(kv.getKey()).isEqualTo("http.route");
              assertThat(kv.getValue().getStringValue()).isEqualTo("/users");
            });
    assertThat(span.getEndTimeUnixNano()).isGreaterThanOrEqualTo(span.getStartTimeUnixNano());
  }

  private void assertMetrics(String transport) throws Exception {
    assertThat(Configs.metrics(dir)).exists();
    List<Metric> metrics = new ArrayList<>();
    for (ExportMetricsServiceRequest req :
        FileRecordsReader.readMetricRequests(Configs.metrics(dir))) {
      req.getResourceMetricsList()
          .forEach(
              rm -> {
                assertThat(rm.getResource().getAttributesList())
                    .anySatisfy(
                        kv ->
                            assertThat(kv.getValue().getStringValue())
                                .isEqualTo("it-sdk-" + transport));
                rm.getScopeMetricsList().forEach(sm -> metrics.addAll(sm.getMetricsList()));
              });
    }
    // forceFlush and shutdown each export the cumulative state, so every metric may appear twice.
    assertThat(metrics)
        .extracting(Metric::getName)
        .containsOnly("it.requests", "it.temperature")
        .contains("it.requests", "it.temperature");
    Metric counter =
        metrics.stream().filter(m -> m.getName().equals("it.requests")).findFirst().orElseThrow();
    assertThat(counter.getSum().getIsMonotonic()).isTrue();
    NumberDataPoint point = counter.getSum().getDataPoints(0);
    assertThat(point.getAsInt()).isEqualTo(7);
    assertThat(point.getAttributes(0).getKey()).isEqualTo("http.route");
    Metric gauge =
        metrics.stream()
            .filter(m -> m.getName().equals("it.temperature"))
            .findFirst()
            .orElseThrow();
    assertThat(gauge.getGauge().getDataPoints(0).getAsDouble()).isEqualTo(21.5);
  }

  private static LogRecordExporter logExporter(RunningAgent agent, boolean grpc) {
    return grpc
        ? OtlpGrpcLogRecordExporter.builder()
            .setEndpoint("http://127.0.0.1:" + agent.grpcPort())
            .build()
        : OtlpHttpLogRecordExporter.builder().setEndpoint(agent.httpUrl("/v1/logs")).build();
  }

  private static SpanExporter spanExporter(RunningAgent agent, boolean grpc) {
    return grpc
        ? OtlpGrpcSpanExporter.builder().setEndpoint("http://127.0.0.1:" + agent.grpcPort()).build()
        : OtlpHttpSpanExporter.builder().setEndpoint(agent.httpUrl("/v1/traces")).build();
  }

  private static MetricExporter metricExporter(RunningAgent agent, boolean grpc) {
    return grpc
        ? OtlpGrpcMetricExporter.builder()
            .setEndpoint("http://127.0.0.1:" + agent.grpcPort())
            .build()
        : OtlpHttpMetricExporter.builder().setEndpoint(agent.httpUrl("/v1/metrics")).build();
  }
}
