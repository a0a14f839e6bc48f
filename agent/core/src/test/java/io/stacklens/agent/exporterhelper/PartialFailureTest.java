package io.stacklens.agent.exporterhelper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stacklens.agent.admin.HealthRegistry;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.ExportException;
import io.stacklens.agent.api.Exporter;
import io.stacklens.agent.api.ExporterConfig;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.testing.TestBatches;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An exporter that delivers part of a push reports the rest; the helper retries (or drops) only the
 * rest.
 */
class PartialFailureTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final MetricsRegistry metrics = new MetricsRegistry();
  private ExporterRunner runner;

  /** Delivers at most {@code perPush} records of each push and reports the others as unsent. */
  private static final class TrickleExporter implements Exporter {
    final List<Object> delivered = Collections.synchronizedList(new ArrayList<>());
    final List<Integer> pushSizes = Collections.synchronizedList(new ArrayList<>());
    final int perPush;
    final boolean permanent;

    TrickleExporter(int perPush, boolean permanent) {
      this.perPush = perPush;
      this.permanent = permanent;
    }

    @Override
    public void start(Host host) {}

    @Override
    public void push(Batch batch) throws ExportException {
      List<LogRecord> records = new ArrayList<>();
      ((LogsBatch) batch).forEachRecord(records::add);
      pushSizes.add(records.size());
      int n = Math.min(perPush, records.size());
      for (int i = 0; i < n; i++) delivered.add(records.get(i).body());
      if (n == records.size()) return;
      LogsBatch rest = logsOf(records.subList(n, records.size()));
      ExportException e =
          permanent ? ExportException.permanent("rejected") : ExportException.retryable("busy");
      throw e.withUnsent(rest);
    }

    @Override
    public void shutdown(Instant deadline) {}
  }

  private static LogsBatch logsOf(List<LogRecord> records) {
    ScopeLogs sl = new ScopeLogs();
    sl.logRecords().addAll(records);
    ResourceLogs rl = new ResourceLogs();
    rl.scopeLogs().add(sl);
    LogsBatch b = new LogsBatch();
    b.resourceLogs().add(rl);
    return b;
  }

  private void start(Exporter exporter) throws Exception {
    ExporterConfig c = new ExporterConfig();
    c.batch.enabled = false;
    c.retryOnFailure.initialInterval = Duration.ofMillis(5);
    c.retryOnFailure.maxInterval = Duration.ofMillis(20);
    runner =
        new ExporterRunner(
            ComponentContext.of(ComponentId.of("trickle"), ComponentKind.EXPORTER, metrics),
            exporter,
            c);
    runner.start(new HealthRegistry());
  }

  @AfterEach
  void stop() {
    if (runner != null) runner.shutdown(Instant.now().plusSeconds(5));
  }

  private long counter(String name, String... labels) {
    return metrics.counterSum(name, labels);
  }

  @Test
  void aRetryableFailureRetriesOnlyTheUnsentRecordsAndEachIsDeliveredOnce() throws Exception {
    TrickleExporter exporter = new TrickleExporter(3, false);
    start(exporter);

    runner.enqueue(TestBatches.logs("r", 10));

    await().atMost(WAIT).until(() -> exporter.delivered.size() == 10);
    assertThat(exporter.delivered)
        .containsExactly("r-0", "r-1", "r-2", "r-3", "r-4", "r-5", "r-6", "r-7", "r-8", "r-9");
    assertThat(exporter.pushSizes).containsExactly(10, 7, 4, 1);
    await()
        .atMost(WAIT)
        .until(() -> counter("stacklens_exporter_sent_records_total", "exporter", "trickle") == 10);
    assertThat(counter("stacklens_exporter_send_failed_records_total", "exporter", "trickle"))
        .isZero();
  }

  @Test
  void aPermanentPartialFailureDropsOnlyTheUnsentRecords() throws Exception {
    TrickleExporter exporter = new TrickleExporter(6, true);
    start(exporter);

    runner.enqueue(TestBatches.logs("r", 10));

    await()
        .atMost(WAIT)
        .until(
            () ->
                counter(
                        "stacklens_exporter_send_failed_records_total",
                        "exporter",
                        "trickle",
                        "reason",
                        "permanent_error")
                    == 4);
    assertThat(counter("stacklens_exporter_sent_records_total", "exporter", "trickle"))
        .isEqualTo(6);
    assertThat(exporter.pushSizes).containsExactly(10);
  }

  @Test
  void anEmptyUnsentBatchMeansEverythingWasDelivered() throws Exception {
    Exporter exporter =
        new Exporter() {
          @Override
          public void start(Host host) {}

          @Override
          public void push(Batch batch) throws ExportException {
            throw ExportException.retryable("acknowledgement lost, but nothing left")
                .withUnsent(new LogsBatch());
          }

          @Override
          public void shutdown(Instant deadline) {}
        };
    start(exporter);

    runner.enqueue(TestBatches.logs("r", 5));

    await()
        .atMost(WAIT)
        .until(() -> counter("stacklens_exporter_sent_records_total", "exporter", "trickle") == 5);
    assertThat(counter("stacklens_exporter_send_failed_records_total", "exporter", "trickle"))
        .isZero();
  }
}
