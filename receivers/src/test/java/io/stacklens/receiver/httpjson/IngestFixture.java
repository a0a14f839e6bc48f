package io.stacklens.receiver.httpjson;

import io.stacklens.agent.admin.HealthRegistry;
import io.stacklens.agent.api.ByteSize;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.ComponentStatus;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.api.ExporterConfig;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.config.WaitStrategy;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.MemoryLimiter;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.exporterhelper.ExporterRunner;
import io.stacklens.agent.runtime.Pipeline;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.testing.RecordingExporter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A started {@code http_json} receiver on a free port feeding a real logs {@link Pipeline} (small
 * ring) whose exporter records what it gets and can be blocked to fill the pipeline.
 */
final class IngestFixture implements AutoCloseable {
  final MetricsRegistry metrics = new MetricsRegistry();
  final HealthRegistry health = new HealthRegistry();
  final RecordingExporter exporter = new RecordingExporter();
  final ExporterRunner runner;
  final Pipeline pipeline;
  final HttpJsonReceiver receiver;

  final MemoryLimiter memory;

  IngestFixture(HttpJsonReceiverConfig config) throws Exception {
    this(config, MemoryLimiter.unlimited());
  }

  /** A fixture whose receiver counts what it decodes against {@code memory}. */
  IngestFixture(HttpJsonReceiverConfig config, MemoryLimiter memory) throws Exception {
    this.memory = memory;
    ExporterConfig ec = new ExporterConfig();
    ec.batch.enabled = false;
    ec.sendingQueue.queueSize = 1;
    runner =
        new ExporterRunner(
            ComponentContext.of(ComponentId.parse("recording"), ComponentKind.EXPORTER, metrics),
            exporter,
            ec);
    runner.start(health);
    pipeline =
        new Pipeline("logs", 2, 1000, WaitStrategy.PARK, List.of(), List.of(runner), metrics);
    pipeline.start(health);
    ComponentContext context =
        ComponentContext.of(ComponentId.of("http_json"), ComponentKind.RECEIVER, metrics);
    receiver =
        (HttpJsonReceiver)
            new HttpJsonReceiverFactory()
                .createReceiver(context, config, Map.<Signal, Consumer>of(Signal.LOGS, pipeline));
    receiver.start(
        new Host() {
          @Override
          public void reportStatus(
              ComponentId id, ComponentKind kind, ComponentStatus status, String detail) {
            health.reportStatus(id, kind, status, detail);
          }

          @Override
          public MemoryLimiter memoryLimiter() {
            return memory;
          }
        });
  }

  IngestFixture() throws Exception {
    this(config());
  }

  /** A free port, small limits so size tests stay fast. */
  static HttpJsonReceiverConfig config() {
    HttpJsonReceiverConfig config = new HttpJsonReceiverConfig();
    config.endpoint = "127.0.0.1:0";
    config.maxRequestBodySize = new ByteSize(64 * 1024);
    config.retryAfter = Duration.ofMillis(1500);
    return config;
  }

  /** Every record the exporter got, in order. */
  List<LogRecord> records() {
    List<LogRecord> out = new ArrayList<>();
    exporter.pushed().forEach(b -> ((LogsBatch) b).forEachRecord(out::add));
    return out;
  }

  long refused(String reason) {
    return metrics.counterValue(
        IngestMetrics.REFUSED,
        "receiver",
        "http_json",
        "signal",
        "logs",
        "transport",
        "http",
        "reason",
        reason);
  }

  long accepted() {
    return metrics.counterValue(
        IngestMetrics.ACCEPTED, "receiver", "http_json", "signal", "logs", "transport", "http");
  }

  long refusedRequests(String reason) {
    return metrics.counterValue(
        IngestMetrics.REFUSED_REQUESTS,
        "receiver",
        "http_json",
        "transport",
        "http",
        "reason",
        reason);
  }

  @Override
  public void close() {
    exporter.unblock();
    receiver.shutdown(Instant.now().plusSeconds(5));
    pipeline.shutdown(Instant.now().plusSeconds(5));
    runner.shutdown(Instant.now().plusSeconds(5));
  }
}
