package io.stacklens.agent.it.support;

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
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.otlp.OtlpJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * The agent as users run it, as the target of hostile input: a separate process with the packaged
 * launcher's JVM options (or the packaged launcher itself), every network receiver on a free port
 * ({@code otlp} gRPC and HTTP, {@code http_json}), file exporters into a directory, self-telemetry
 * on. Default limits everywhere: what is proved is what users get.
 */
public final class TargetAgent implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final AtomicLong MARKERS = new AtomicLong();

  private final AgentProcess process;
  private final Path dir;
  private final int grpcPort;
  private final int httpPort;
  private final int ingestPort;
  private final int adminPort;
  private final AgentClient client;
  private final RssSampler rss;

  private TargetAgent(AgentProcess process, Path dir) throws Exception {
    this.process = process;
    this.dir = dir;
    try {
      this.grpcPort = process.awaitListening("gRPC", START_TIMEOUT);
      this.httpPort = process.awaitListening("HTTP", START_TIMEOUT);
      this.ingestPort =
          process.awaitPort(
              Pattern.compile("http_json: listening on http://[^\\s]*:(\\d+)/"), START_TIMEOUT);
      this.adminPort =
          process.awaitPort(
              Pattern.compile("metrics and health on http://[^\\s]*:(\\d+)"), START_TIMEOUT);
    } catch (Throwable e) {
      process.close();
      throw e;
    }
    this.client = new AgentClient(grpcPort, httpPort, ingestPort, Duration.ofSeconds(120));
    this.rss = new RssSampler(process.pid());
  }

  /**
   * Starts {@code java -cp <test class path> Main run} with {@link
   * AgentProcess#LAUNCHER_JVM_OPTIONS}.
   */
  public static TargetAgent start(Path dir) throws Exception {
    Path yaml = writeConfig(dir);
    return new TargetAgent(
        AgentProcess.start(
            dir, Map.of(), AgentProcess.LAUNCHER_JVM_OPTIONS, "run", "--config", yaml.toString()),
        dir);
  }

  /** Starts a packaged distribution through its launcher, with the launcher's own JVM options. */
  public static TargetAgent startPackaged(Path distribution, Path dir) throws Exception {
    Path yaml = writeConfig(dir);
    return new TargetAgent(
        AgentProcess.startPackaged(distribution, dir, Map.of(), "run", "--config", yaml.toString()),
        dir);
  }

  private static Path writeConfig(Path dir) throws IOException {
    Files.createDirectories(dir);
    return Files.writeString(dir.resolve("agent.yaml"), config(dir));
  }

  /** The agent's configuration: every network receiver, every signal to a file in {@code dir}. */
  public static String config(Path dir) {
    return """
        receivers:
          otlp:
            protocols:
              grpc: { endpoint: 127.0.0.1:0 }
              http: { endpoint: 127.0.0.1:0 }
          http_json:
            endpoint: 127.0.0.1:0
        exporters:
          file/logs: { path: %s, format: json_lines }
          file/traces: { path: %s, format: otlp_json }
          file/metrics: { path: %s, format: otlp_json }
        service:
          telemetry: { endpoint: 127.0.0.1:0 }
          shutdown_timeout: 30s
          pipelines:
            logs: { receivers: [otlp, http_json], exporters: [file/logs] }
            traces: { receivers: [otlp], exporters: [file/traces] }
            metrics: { receivers: [otlp], exporters: [file/metrics] }
        """
        .formatted(
            Configs.yamlString(Configs.logs(dir)),
            Configs.yamlString(Configs.traces(dir)),
            Configs.yamlString(Configs.metrics(dir)));
  }

  public AgentClient client() {
    return client;
  }

  public Answer send(Request r) {
    return client.send(r);
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.process().isAlive();
  }

  /**
   * "running", or "exited with N" (3 is the JVM's -XX:+ExitOnOutOfMemoryError) followed by the
   * JVM's "Terminating due to java.lang.OutOfMemoryError" line when there is one.
   */
  public String state() {
    if (alive()) return "running";
    String oom = "";
    try {
      oom =
          (process.stdout() + "\n" + process.stderr())
              .lines()
              .filter(l -> l.contains("OutOfMemoryError"))
              .findFirst()
              .map(l -> " (" + l.strip() + ")")
              .orElse("");
    } catch (IOException e) {
      // the state is enough
    }
    return "exited with " + process.process().exitValue() + oom;
  }

  public RssSampler rss() {
    return rss;
  }

  public Path dir() {
    return dir;
  }

  public int adminPort() {
    return adminPort;
  }

  public int grpcPort() {
    return grpcPort;
  }

  /** OTLP/HTTP. */
  public int httpPort() {
    return httpPort;
  }

  /** The http_json receiver. */
  public int ingestPort() {
    return ingestPort;
  }

  /**
   * The last {@code lines} lines of the agent's standard error (without SLF4J's start-up notice).
   */
  public String stderrTail(int lines) {
    try {
      List<String> all = process.stderr().lines().filter(l -> !l.startsWith("SLF4J:")).toList();
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(stderr unreadable: " + e + ")";
    }
  }

  /** The agent's {@code /metrics}, parsed. */
  public PrometheusText metrics() throws Exception {
    try (Http1Connection c = new Http1Connection("127.0.0.1", adminPort, Duration.ofSeconds(60))) {
      Http1Connection.Response r = c.exchange("GET", "/metrics", Map.of(), new byte[0]);
      if (r.status() != 200)
        throw new AssertionError("/metrics answered " + r.status() + ": " + r.bodyText());
      return new PrometheusText(r.bodyText());
    }
  }

  /** Heap in use as the agent reports it ({@code stacklens_jvm_memory_heap_used_bytes}). */
  public long heapUsedBytes() throws Exception {
    return (long) metrics().value("stacklens_jvm_memory_heap_used_bytes");
  }

  /** The agent's heap limit as it reports it ({@code stacklens_jvm_memory_heap_max_bytes}). */
  public long heapMaxBytes() throws Exception {
    return (long) metrics().value("stacklens_jvm_memory_heap_max_bytes");
  }

  /** SIGTERM, then the exit code (fails when the agent does not exit within {@code timeout}). */
  public int terminate(Duration timeout) throws InterruptedException {
    process.process().destroy();
    return process.waitFor(timeout);
  }

  // ------------------------------------------------------------------ valid requests

  /** A fresh text to find a valid request's record by. */
  public static String newMarker(String prefix) {
    return prefix + "-" + ProcessHandle.current().pid() + "-" + MARKERS.incrementAndGet();
  }

  /**
   * A small valid request over {@code transport} for {@code signal} (logs only over http_json),
   * carrying {@code marker}.
   */
  public static Request validRequest(Transport transport, Signal signal, String marker) {
    if (transport == Transport.HTTP_JSON) {
      return Request.ingest(
          Request.JSON,
          ("{\"level\":\"info\",\"message\":\"" + marker + "\",\"service\":\"fuzz\"}")
              .getBytes(StandardCharsets.UTF_8));
    }
    com.google.protobuf.Message m =
        switch (signal) {
          case LOGS ->
              ExportLogsServiceRequest.newBuilder()
                  .addResourceLogs(
                      ResourceLogs.newBuilder()
                          .setResource(
                              Resource.newBuilder().addAttributes(kv("service.name", "fuzz")))
                          .addScopeLogs(
                              ScopeLogs.newBuilder()
                                  .addLogRecords(
                                      LogRecord.newBuilder()
                                          .setTimeUnixNano(System.currentTimeMillis() * 1_000_000L)
                                          .setSeverityNumberValue(9)
                                          .setBody(AnyValue.newBuilder().setStringValue(marker)))))
                  .build();
          case TRACES ->
              ExportTraceServiceRequest.newBuilder()
                  .addResourceSpans(
                      ResourceSpans.newBuilder()
                          .setResource(
                              Resource.newBuilder().addAttributes(kv("service.name", "fuzz")))
                          .addScopeSpans(
                              ScopeSpans.newBuilder()
                                  .addSpans(
                                      Span.newBuilder()
                                          .setTraceId(
                                              ByteString.copyFrom(
                                                  new byte[] {
                                                    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
                                                    15, 16
                                                  }))
                                          .setSpanId(
                                              ByteString.copyFrom(
                                                  new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
                                          .setName(marker)
                                          .setStartTimeUnixNano(1)
                                          .setEndTimeUnixNano(2))))
                  .build();
          case METRICS ->
              ExportMetricsServiceRequest.newBuilder()
                  .addResourceMetrics(
                      ResourceMetrics.newBuilder()
                          .setResource(
                              Resource.newBuilder().addAttributes(kv("service.name", "fuzz")))
                          .addScopeMetrics(
                              ScopeMetrics.newBuilder()
                                  .addMetrics(
                                      Metric.newBuilder()
                                          .setName(marker)
                                          .setGauge(
                                              Gauge.newBuilder()
                                                  .addDataPoints(
                                                      NumberDataPoint.newBuilder()
                                                          .setAsInt(1)
                                                          .setTimeUnixNano(1))))))
                  .build();
        };
    return switch (transport) {
      case OTLP_HTTP_PROTOBUF -> Request.otlpProtobuf(signal, m.toByteArray());
      case OTLP_HTTP_JSON -> Request.otlpJson(signal, OtlpJson.toJsonBytes(m));
      case OTLP_GRPC -> Request.grpc(signal, m.toByteArray());
      case HTTP_JSON -> throw new IllegalStateException();
    };
  }

  /** Accepted in full: HTTP 200 / gRPC OK, nothing rejected. */
  public static boolean accepted(Answer a) {
    return a.answered() && a.ok() && a.rejectedRecords() == 0;
  }

  /**
   * Sends a valid request until it is accepted, honouring retry hints (429 / RESOURCE_EXHAUSTED
   * with a hint: the agent is shedding load, which is allowed) for up to {@code patience}. Returns
   * the last answer: accepted, or why not.
   */
  public Answer sendValid(Transport transport, Signal signal, String marker, Duration patience)
      throws InterruptedException {
    long end = System.nanoTime() + patience.toNanos();
    while (true) {
      Answer a = send(validRequest(transport, signal, marker));
      boolean shedding =
          a.answered()
              && (a.httpStatus() == 429 || a.grpcCode() == io.grpc.Status.Code.RESOURCE_EXHAUSTED)
              && a.hasRetryHint();
      if (!shedding || System.nanoTime() > end) return a;
      Thread.sleep(200);
    }
  }

  /**
   * True once the logs file holds {@code marker} (the pipeline and the exporter got past everything
   * sent before it).
   */
  public boolean awaitLogWritten(String marker, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    byte[] needle = marker.getBytes(StandardCharsets.UTF_8);
    while (System.nanoTime() < end) {
      if (fileContains(Configs.logs(dir), needle)) return true;
      if (!alive()) return false;
      Thread.sleep(100);
    }
    return false;
  }

  private static boolean fileContains(Path file, byte[] needle) {
    try {
      if (!Files.exists(file)) return false;
      byte[] all = Files.readAllBytes(file);
      outer:
      for (int i = all.length - needle.length; i >= 0; i--) {
        for (int j = 0; j < needle.length; j++) {
          if (all[i + j] != needle[j]) continue outer;
        }
        return true;
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  private static KeyValue kv(String k, String v) {
    return KeyValue.newBuilder()
        .setKey(k)
        .setValue(AnyValue.newBuilder().setStringValue(v))
        .build();
  }

  @Override
  public void close() {
    rss.close();
    client.close();
    process.close();
  }
}
