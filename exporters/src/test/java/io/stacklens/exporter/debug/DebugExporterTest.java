package io.stacklens.exporter.debug;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
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
import io.opentelemetry.proto.trace.v1.Status;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.Factory;
import io.stacklens.agent.api.Stability;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.MetricsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.data.TracesBatch;
import io.stacklens.agent.telemetry.MetricsRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class DebugExporterTest {
  private static final long T0 = 1_714_566_896_123_456_789L; // 2024-05-01T12:34:56.123456789Z

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  private String push(Verbosity verbosity, io.stacklens.agent.data.Batch batch) throws Exception {
    ComponentContext context =
        ComponentContext.of(
            ComponentId.of("debug", "dev"), ComponentKind.EXPORTER, new MetricsRegistry());
    DebugExporter exporter =
        new DebugExporter(context, verbosity, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    exporter.start((id, kind, status, detail) -> {});
    exporter.push(batch);
    exporter.shutdown(Instant.now());
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static LogsBatch logs() {
    ResourceLogs web =
        new ResourceLogs(
            new io.stacklens.agent.data.Resource(Attributes.of("service.name", "web")),
            new ArrayList<>());
    ScopeLogs scope =
        new ScopeLogs(
            new io.stacklens.agent.data.InstrumentationScope(Attributes.of("lib", "netty"))
                .setName("io.http")
                .setVersion("1.0"),
            new ArrayList<>());
    web.scopeLogs().add(scope);
    scope
        .logRecords()
        .add(
            new LogRecord(Attributes.of("user", "ana", "n", 3L))
                .setTimeUnixNano(T0)
                .setObservedTimeUnixNano(T0 + 1)
                .setSeverityNumber(9)
                .setSeverityText("INFO")
                .setBody("user logged in")
                .setTraceId(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
                .setSpanId(new byte[] {1, 2, 3, 4, 5, 6, 7, 8})
                .setFlags(1));
    scope
        .logRecords()
        .add(
            new LogRecord(Attributes.of("tags", Attributes.listOf("a", 2L)))
                .setObservedTimeUnixNano(T0)
                .setSeverityNumber(18)
                .setBody(Attributes.of("code", 500L, "ok", false)));
    ResourceLogs worker = new ResourceLogs();
    ScopeLogs empty = new ScopeLogs();
    worker.scopeLogs().add(empty);
    empty.logRecords().add(new LogRecord().setEventName("started").setBody(new byte[] {1, 2}));
    return new LogsBatch(new ArrayList<>(List.of(web, worker)));
  }

  private static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  private static TracesBatch traces() {
    Span span =
        Span.newBuilder()
            .setTraceId(
                ByteString.copyFrom(
                    new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}))
            .setSpanId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
            .setName("GET /users")
            .setKind(Span.SpanKind.SPAN_KIND_SERVER)
            .setStartTimeUnixNano(T0)
            .setEndTimeUnixNano(T0 + 1_500_000)
            .addAttributes(kv("http.route", "/users"))
            .addEvents(
                Span.Event.newBuilder()
                    .setName("retry")
                    .setTimeUnixNano(T0 + 1000)
                    .addAttributes(kv("attempt", "2")))
            .setStatus(
                Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("boom"))
            .build();
    return new TracesBatch(
        List.of(
            ResourceSpans.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(kv("service.name", "api")))
                .addScopeSpans(
                    ScopeSpans.newBuilder()
                        .setScope(
                            InstrumentationScope.newBuilder().setName("tracer").setVersion("2"))
                        .addSpans(span))
                .build()));
  }

  private static MetricsBatch metrics() {
    Metric gauge =
        Metric.newBuilder()
            .setName("cpu.usage")
            .setUnit("1")
            .setGauge(
                Gauge.newBuilder()
                    .addDataPoints(
                        NumberDataPoint.newBuilder()
                            .setTimeUnixNano(T0)
                            .addAttributes(kv("cpu", "0"))
                            .setAsDouble(0.75)))
            .build();
    Metric histogram =
        Metric.newBuilder()
            .setName("latency")
            .setUnit("ms")
            .setHistogram(
                Histogram.newBuilder()
                    .addDataPoints(
                        HistogramDataPoint.newBuilder()
                            .setTimeUnixNano(T0)
                            .setCount(3)
                            .setSum(12.5)
                            .addBucketCounts(1)
                            .addBucketCounts(2)
                            .addExplicitBounds(5.0)))
            .build();
    return new MetricsBatch(
        List.of(
            ResourceMetrics.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(kv("host.name", "h1")))
                .addScopeMetrics(
                    ScopeMetrics.newBuilder()
                        .setScope(InstrumentationScope.newBuilder().setName("meter"))
                        .addMetrics(gauge)
                        .addMetrics(histogram))
                .build()));
  }

  @Test
  void basicPrintsOneLinePerBatch() throws Exception {
    assertThat(push(Verbosity.BASIC, logs())).isEqualTo("debug/dev logs: 3 records, 2 resources\n");
  }

  @Test
  void basicCountsSpansAndDataPoints() throws Exception {
    push(Verbosity.BASIC, traces());
    assertThat(push(Verbosity.BASIC, metrics()))
        .isEqualTo(
            "debug/dev traces: 1 record, 1 resource\n"
                + "debug/dev metrics: 2 records, 1 resource\n");
  }

  @Test
  void normalPrintsOneLinePerLogRecord() throws Exception {
    assertThat(push(Verbosity.NORMAL, logs()))
        .isEqualTo(
            """
        debug/dev logs: 3 records, 2 resources
        2024-05-01T12:34:56.123456789Z INFO user logged in {user=ana, n=3}
        2024-05-01T12:34:56.123456789Z ERROR2 {code=500, ok=false} {tags=[a, 2]}
        - - 0x0102 {}
        """);
  }

  @Test
  void normalPrintsOneLinePerSpanAndDataPoint() throws Exception {
    push(Verbosity.NORMAL, traces());
    assertThat(push(Verbosity.NORMAL, metrics()))
        .isEqualTo(
            """
        debug/dev traces: 1 record, 1 resource
        2024-05-01T12:34:56.123456789Z GET /users Server trace=0102030405060708090a0b0c0d0e0f10 \
        span=0102030405060708 duration=1.5ms status=Error {http.route=/users}
        debug/dev metrics: 2 records, 1 resource
        2024-05-01T12:34:56.123456789Z cpu.usage Gauge value=0.75 {cpu=0}
        2024-05-01T12:34:56.123456789Z latency Histogram count=3 sum=12.5 {}
        """);
  }

  @Test
  void detailedPrintsEveryFieldOfResourceScopeAndRecordIndented() throws Exception {
    assertThat(push(Verbosity.DETAILED, logs()))
        .isEqualTo(
            """
        debug/dev logs: 3 records, 2 resources
        ResourceLogs #0
          Resource attributes:
            -> service.name: Str(web)
          ScopeLogs #0
            InstrumentationScope: io.http 1.0
            InstrumentationScope attributes:
              -> lib: Str(netty)
            LogRecord #0
              ObservedTimestamp: 2024-05-01T12:34:56.123456790Z
              Timestamp: 2024-05-01T12:34:56.123456789Z
              SeverityText: INFO
              SeverityNumber: INFO(9)
              Body: Str(user logged in)
              Attributes:
                -> user: Str(ana)
                -> n: Int(3)
              Trace ID: 0102030405060708090a0b0c0d0e0f10
              Span ID: 0102030405060708
              Flags: 1
            LogRecord #1
              ObservedTimestamp: 2024-05-01T12:34:56.123456789Z
              Timestamp: -
              SeverityText: \

              SeverityNumber: ERROR2(18)
              Body: Map({code=Int(500), ok=Bool(false)})
              Attributes:
                -> tags: Slice([Str(a), Int(2)])
              Trace ID: \

              Span ID: \

              Flags: 0
        ResourceLogs #1
          ScopeLogs #0
            InstrumentationScope: \

            LogRecord #0
              ObservedTimestamp: -
              Timestamp: -
              SeverityText: \

              SeverityNumber: -(0)
              EventName: started
              Body: Bytes(AQI=)
              Trace ID: \

              Span ID: \

              Flags: 0
        """);
  }

  @Test
  void detailedPrintsSpansWithEvents() throws Exception {
    assertThat(push(Verbosity.DETAILED, traces()))
        .isEqualTo(
            """
        debug/dev traces: 1 record, 1 resource
        ResourceSpans #0
          Resource attributes:
            -> service.name: Str(api)
          ScopeSpans #0
            InstrumentationScope: tracer 2
            Span #0
              Trace ID: 0102030405060708090a0b0c0d0e0f10
              Parent ID: \

              ID: 0102030405060708
              Name: GET /users
              Kind: Server
              Start time: 2024-05-01T12:34:56.123456789Z
              End time: 2024-05-01T12:34:56.124956789Z
              Status code: Error
              Status message: boom
              Flags: 0
              Attributes:
                -> http.route: Str(/users)
              Event #0
                Name: retry
                Timestamp: 2024-05-01T12:34:56.123457789Z
                Attributes:
                  -> attempt: Str(2)
        """);
  }

  @Test
  void detailedPrintsMetricsWithEveryDataPointField() throws Exception {
    assertThat(push(Verbosity.DETAILED, metrics()))
        .isEqualTo(
            """
        debug/dev metrics: 2 records, 1 resource
        ResourceMetrics #0
          Resource attributes:
            -> host.name: Str(h1)
          ScopeMetrics #0
            InstrumentationScope: meter
            Metric #0
              Name: cpu.usage
              Description: \

              Unit: 1
              DataType: Gauge
              NumberDataPoint #0
                Data point attributes:
                  -> cpu: Str(0)
                StartTimestamp: -
                Timestamp: 2024-05-01T12:34:56.123456789Z
                Value: 0.75
            Metric #1
              Name: latency
              Description: \

              Unit: ms
              DataType: Histogram
              HistogramDataPoint #0
                StartTimestamp: -
                Timestamp: 2024-05-01T12:34:56.123456789Z
                Count: 3
                Sum: 12.5
                ExplicitBounds: [5.0]
                BucketCounts: [1, 2]
        """);
  }

  @Test
  void defaultsAreNormalVerbosityWithoutBatching() {
    DebugExporterConfig c = new DebugExporterFactory().createDefaultConfig();

    assertThat(c.verbosity).isEqualTo(Verbosity.NORMAL);
    assertThat(c.batch.enabled).isFalse();
  }

  @Test
  void factoryIsRegisteredAsAServiceForEverySignal() {
    DebugExporterFactory factory =
        ServiceLoader.load(Factory.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(DebugExporterFactory.class::isInstance)
            .map(DebugExporterFactory.class::cast)
            .findFirst()
            .orElseThrow();

    assertThat(factory.type()).isEqualTo("debug");
    assertThat(factory.stability()).isEqualTo(Stability.DEVELOPMENT);
    assertThat(factory.signals())
        .containsExactlyInAnyOrder(Signal.LOGS, Signal.TRACES, Signal.METRICS);
  }
}
