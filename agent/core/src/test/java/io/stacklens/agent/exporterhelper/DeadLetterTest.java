package io.stacklens.agent.exporterhelper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.stacklens.agent.admin.HealthRegistry;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.DeadLetters;
import io.stacklens.agent.api.ExportException;
import io.stacklens.agent.api.Exporter;
import io.stacklens.agent.api.ExporterConfig;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.data.TracesBatch;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.testing.RecordingExporter;
import io.stacklens.agent.testing.TestBatches;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Records an exporter fails permanently go to its dead-letter exporter, marked with why. */
class DeadLetterTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final MetricsRegistry metrics = new MetricsRegistry();
  private final RecordingExporter dlq = new RecordingExporter();
  private final List<ExporterRunner> runners = new ArrayList<>();

  @AfterEach
  void stop() {
    for (ExporterRunner r : runners) r.shutdown(Instant.now().plusSeconds(5));
  }

  /**
   * Rejects every record whose body starts with "bad" for good (reason "too_large"); delivers the
   * rest.
   */
  private static final class PickyExporter implements Exporter {
    final List<Object> delivered = new ArrayList<>();

    @Override
    public void start(Host host) {}

    @Override
    public synchronized void push(Batch batch) throws ExportException {
      if (batch instanceof TracesBatch)
        throw ExportException.permanent("spans are not wanted").withReason("not_wanted");
      List<LogRecord> bad = new ArrayList<>();
      ((LogsBatch) batch)
          .forEachRecord(
              r -> {
                if (String.valueOf(r.body()).startsWith("bad")) bad.add(r);
                else delivered.add(r.body());
              });
      if (bad.isEmpty()) return;
      ScopeLogs sl = new ScopeLogs();
      sl.logRecords().addAll(bad);
      ResourceLogs rl = new ResourceLogs();
      rl.resource().attributes().put("service.name", "picky-test");
      rl.scopeLogs().add(sl);
      LogsBatch rest = new LogsBatch();
      rest.resourceLogs().add(rl);
      throw ExportException.permanent(bad.size() + " records are too large")
          .withReason("too_large")
          .withUnsent(rest);
    }

    @Override
    public void shutdown(Instant deadline) {}
  }

  private ExporterRunner runner(String id, Exporter exporter) {
    ExporterConfig c = new ExporterConfig();
    c.batch.enabled = false;
    ExporterRunner r =
        new ExporterRunner(
            ComponentContext.of(ComponentId.parse(id), ComponentKind.EXPORTER, metrics),
            exporter,
            c);
    runners.add(0, r); // shut down in reverse order of creation: the dead-letter exporter last
    return r;
  }

  @Test
  void permanentlyFailedRecordsGoToTheDeadLetterExporterWithTheReasonAndTheRestIsDelivered()
      throws Exception {
    PickyExporter picky = new PickyExporter();
    ExporterRunner target = runner("debug/dlq", dlq);
    ExporterRunner source = runner("kafka/main", picky);
    source.deadLetterTo(target);
    target.start(new HealthRegistry());
    source.start(new HealthRegistry());

    LogsBatch batch = TestBatches.logs("ok", 3);
    batch.resourceLogs().get(0).scopeLogs().get(0).logRecords().get(1).setBody("bad-1");
    source.enqueue(batch);

    await().atMost(WAIT).until(() -> dlq.recordCount() == 1);
    assertThat(picky.delivered).containsExactly("ok-0", "ok-2");
    LogsBatch dead = (LogsBatch) dlq.pushed().get(0);
    assertThat(dlq.bodies()).containsExactly("bad-1");
    var attributes = dead.resourceLogs().get(0).resource().attributes();
    assertThat(attributes.get(DeadLetters.ERROR_REASON)).isEqualTo("too_large");
    assertThat(String.valueOf(attributes.get(DeadLetters.ERROR_MESSAGE)))
        .contains("1 records are too large");
    assertThat(attributes.get(DeadLetters.EXPORTER)).isEqualTo("kafka/main");
    assertThat(
            metrics.counterSum("stacklens_exporter_sent_records_total", "exporter", "kafka/main"))
        .isEqualTo(2);
    assertThat(
            metrics.counterSum(
                "stacklens_exporter_send_failed_records_total",
                "exporter",
                "kafka/main",
                "permanent",
                "true",
                "reason",
                "too_large"))
        .isEqualTo(1);
    assertThat(
            metrics.counterSum(
                "stacklens_exporter_dead_letter_records_total",
                "exporter",
                "kafka/main",
                "dead_letter",
                "debug/dlq"))
        .isEqualTo(1);
    await()
        .atMost(WAIT)
        .until(
            () ->
                metrics.counterSum("stacklens_exporter_sent_records_total", "exporter", "debug/dlq")
                    == 1);
  }

  @Test
  void theDeadLetterIsACopyAndTheFailedBatchIsLeftAsItWas() throws Exception {
    PickyExporter picky = new PickyExporter();
    ExporterRunner target = runner("debug/dlq", dlq);
    ExporterRunner source = runner("kafka/main", picky);
    source.deadLetterTo(target);
    target.start(new HealthRegistry());
    source.start(new HealthRegistry());
    LogsBatch batch = TestBatches.logs("bad", 2);

    source.enqueue(batch);

    await().atMost(WAIT).until(() -> dlq.recordCount() == 2);
    assertThat(batch.resourceLogs().get(0).resource().attributes().get(DeadLetters.ERROR_REASON))
        .isNull();
  }

  @Test
  void spansFailedPermanentlyGoToTheDeadLetterExporterWithTheReasonOnTheirResource()
      throws Exception {
    ExporterRunner target = runner("debug/dlq", dlq);
    ExporterRunner source = runner("otlp/gateway", new PickyExporter());
    source.deadLetterTo(target);
    target.start(new HealthRegistry());
    source.start(new HealthRegistry());
    Span span = Span.newBuilder().setName("s").build();
    TracesBatch traces =
        new TracesBatch(
            List.of(
                ResourceSpans.newBuilder()
                    .addScopeSpans(ScopeSpans.newBuilder().addSpans(span))
                    .build()));

    source.enqueue(traces);

    await().atMost(WAIT).until(() -> dlq.pushed().size() == 1);
    List<KeyValue> resource =
        ((TracesBatch) dlq.pushed().get(0))
            .resourceSpans()
            .get(0)
            .getResource()
            .getAttributesList();
    assertThat(resource)
        .anySatisfy(
            kv -> {
              assertThat(kv.getKey()).isEqualTo(DeadLetters.ERROR_REASON);
              assertThat(kv.getValue().getStringValue()).isEqualTo("not_wanted");
            });
  }

  @Test
  void withoutADeadLetterExporterPermanentFailuresAreDroppedAndCounted() throws Exception {
    ExporterRunner source = runner("kafka/main", new PickyExporter());
    source.start(new HealthRegistry());

    source.enqueue(TestBatches.logs("bad", 4));

    await()
        .atMost(WAIT)
        .until(
            () ->
                metrics.counterSum(
                        "stacklens_exporter_send_failed_records_total",
                        "exporter",
                        "kafka/main",
                        "permanent",
                        "true",
                        "reason",
                        "too_large")
                    == 4);
    assertThat(metrics.counterSum("stacklens_exporter_dead_letter_records_total")).isZero();
  }
}
