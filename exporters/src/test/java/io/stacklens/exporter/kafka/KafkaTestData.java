package io.stacklens.exporter.kafka;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.ComponentStatus;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.InstrumentationScope;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.Resource;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.telemetry.MetricsRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Batches, configs and a recording host for the kafka exporter tests. */
final class KafkaTestData {
  static final long T0 = 1_714_566_896_123_456_789L;
  private static final AtomicLong TOPICS = new AtomicLong();

  private KafkaTestData() {}

  /** A topic name no other test uses. */
  static String uniqueTopic(String prefix) {
    return prefix + "-" + System.nanoTime() + "-" + TOPICS.incrementAndGet();
  }

  static KafkaExporterConfig config(String brokers, String topic) {
    KafkaExporterConfig c = new KafkaExporterFactory().createDefaultConfig();
    c.brokers = List.of(brokers);
    c.topic = topic;
    return c;
  }

  static ComponentContext context(MetricsRegistry metrics) {
    return context(metrics, "kafka/test");
  }

  static ComponentContext context(MetricsRegistry metrics, String id) {
    return ComponentContext.of(ComponentId.parse(id), ComponentKind.EXPORTER, metrics);
  }

  /** A host that keeps the last status each component reported. */
  static final class RecordingHost implements Host {
    final Map<ComponentId, ComponentStatus> statuses = new ConcurrentHashMap<>();
    final List<ComponentStatus> history = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public void reportStatus(
        ComponentId id, ComponentKind kind, ComponentStatus status, String detail) {
      statuses.put(id, status);
      history.add(status);
    }
  }

  /**
   * {@code n} records over two resources (service a / b) and two scopes, with varied fields: every
   * record has attributes {@code id} (its index) and {@code tenant} (t0..t4), a trace id, a body.
   */
  static LogsBatch varied(int n, String idPrefix) {
    ResourceLogs a =
        new ResourceLogs(
            new Resource(Attributes.of("service.name", "a", "host.cpu", 8L)), new ArrayList<>());
    ResourceLogs b =
        new ResourceLogs(new Resource(Attributes.of("service.name", "b")), new ArrayList<>());
    ScopeLogs a1 = scope(a, "io.http", "1.2.3");
    ScopeLogs a2 = scope(a, "io.db", "");
    ScopeLogs b1 = scope(b, "worker", "9");
    ScopeLogs[] scopes = {a1, a2, b1};
    for (int i = 0; i < n; i++) {
      byte[] trace = new byte[16];
      trace[0] = (byte) (i % 7 + 1);
      trace[15] = (byte) i;
      LogRecord r =
          new LogRecord(
                  Attributes.of(
                      "id",
                      idPrefix + i,
                      "tenant",
                      "t" + (i % 5),
                      "n",
                      (long) i,
                      "ratio",
                      i / 4.0,
                      "ok",
                      i % 2 == 0,
                      "nested",
                      Attributes.of("k", Attributes.listOf("x", (long) i))))
              .setTimeUnixNano(T0 + i)
              .setObservedTimeUnixNano(T0 + i + 1)
              .setSeverityNumber(1 + i % 24)
              .setSeverityText("S" + i)
              .setBody(
                  i % 3 == 0
                      ? Attributes.of("msg", "structured é ✓ " + i)
                      : "line \"" + i + "\"\n\ttab")
              .setTraceId(trace)
              .setSpanId(new byte[] {1, 2, 3, 4, 5, 6, 7, (byte) i})
              .setFlags(1)
              .setEventName(i % 4 == 0 ? "ev" : "");
      scopes[i % 3].logRecords().add(r);
    }
    return new LogsBatch(new ArrayList<>(List.of(a, b)));
  }

  static ScopeLogs scope(ResourceLogs rl, String name, String version) {
    ScopeLogs sl =
        new ScopeLogs(
            new InstrumentationScope().setName(name).setVersion(version), new ArrayList<>());
    rl.scopeLogs().add(sl);
    return sl;
  }

  /** One record with a body of {@code bodyBytes} ASCII characters. */
  static LogsBatch oneRecord(String id, int bodyBytes) {
    ResourceLogs rl =
        new ResourceLogs(new Resource(Attributes.of("service.name", "big")), new ArrayList<>());
    scope(rl, "s", "")
        .logRecords()
        .add(
            new LogRecord(Attributes.of("id", id))
                .setTimeUnixNano(T0)
                .setBody("x".repeat(bodyBytes)));
    return new LogsBatch(new ArrayList<>(List.of(rl)));
  }

  static Instant soon() {
    return Instant.now().plusSeconds(20);
  }
}
