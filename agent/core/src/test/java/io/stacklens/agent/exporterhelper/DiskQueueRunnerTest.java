package io.stacklens.agent.exporterhelper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.stacklens.agent.admin.HealthRegistry;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.ExportException;
import io.stacklens.agent.api.Exporter;
import io.stacklens.agent.api.ExporterConfig;
import io.stacklens.agent.api.ExporterConfig.QueueSettings.Storage;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.testing.RecordingExporter;
import io.stacklens.agent.testing.TestBatches;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exporter helper over a disk queue ({@code sending_queue.storage: disk}) across restarts. */
class DiskQueueRunnerTest {
  private static final String ID = "otlp/disk";
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dataDir;

  private final List<ExporterRunner> runners = new ArrayList<>();

  @AfterEach
  void shutDownAll() {
    for (ExporterRunner r : runners) r.shutdown(Instant.now().plusSeconds(10));
  }

  private ExporterConfig config(boolean defaultDirectory) {
    ExporterConfig c = new ExporterConfig();
    c.batch.enabled = false;
    c.retryOnFailure.initialInterval = Duration.ofMillis(5);
    c.retryOnFailure.maxInterval = Duration.ofMillis(20);
    c.retryOnFailure.maxElapsedTime = Duration.ZERO; // retry until shutdown
    c.sendingQueue.storage = Storage.DISK;
    if (!defaultDirectory) c.sendingQueue.directory = dataDir.resolve("q").toString();
    return c;
  }

  private ExporterRunner start(Exporter exporter, MetricsRegistry metrics, boolean defaultDir)
      throws Exception {
    ExporterRunner r =
        ExporterRunner.create(
            ComponentContext.of(ComponentId.parse(ID), ComponentKind.EXPORTER, metrics),
            exporter,
            config(defaultDir),
            dataDir);
    runners.add(r);
    assertThat(r.persistentQueue()).isTrue();
    r.start(new HealthRegistry());
    return r;
  }

  private static long replayedRecords(MetricsRegistry m) {
    return m.counterValue("stacklens_exporter_queue_replayed_records_total", "exporter", ID);
  }

  private static long failedRecords(MetricsRegistry m) {
    return m.counterSum("stacklens_exporter_send_failed_records_total", "exporter", ID);
  }

  private static double diskEntries(MetricsRegistry m) {
    return m.gaugeValue("stacklens_exporter_queue_disk_entries", "exporter", ID);
  }

  private static List<Object> expectedBodies(String prefix, int batches, int perBatch) {
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < batches; i++) {
      for (int j = 0; j < perBatch; j++) out.add(prefix + i + "-" + j);
    }
    return out;
  }

  /**
   * Proves that a freshly started runner had nothing left to send: a sentinel batch enqueued now is
   * the first thing it pushes (one sender, so replayed entries would come before it).
   */
  private static void assertPushesOnlyNewData(ExporterRunner r, RecordingExporter e)
      throws Exception {
    r.enqueue(TestBatches.logs("sentinel", 1));
    await().atMost(WAIT).until(() -> e.recordCount() >= 1);
    assertThat(e.bodies()).containsExactly("sentinel-0");
  }

  @Test
  void everythingEnqueuedIsPushedAndNothingIsPushedAgainAfterARestart() throws Exception {
    MetricsRegistry m1 = new MetricsRegistry();
    RecordingExporter first = new RecordingExporter();
    ExporterRunner r1 = start(first, m1, true);
    assertThat(ExporterRunner.queueDirectory(ComponentId.parse(ID), config(true), dataDir))
        .isEqualTo(dataDir.resolve("queue").resolve("otlp_disk"))
        .isDirectory();
    for (int i = 0; i < 10; i++) assertThat(r1.enqueue(TestBatches.logs("a" + i, 3))).isTrue();
    await().atMost(WAIT).until(() -> first.recordCount() == 30);
    r1.shutdown(Instant.now().plusSeconds(10));
    assertThat(first.bodies()).isEqualTo(expectedBodies("a", 10, 3));
    assertThat(r1.lostAtShutdown()).isZero();
    assertThat(failedRecords(m1)).isZero();

    MetricsRegistry m2 = new MetricsRegistry();
    RecordingExporter second = new RecordingExporter();
    ExporterRunner r2 = start(second, m2, true);
    assertThat(replayedRecords(m2)).isZero();
    assertPushesOnlyNewData(r2, second);
  }

  @Test
  void whatAnExporterThatIsDownCouldNotTakeStaysOnDiskAndIsDeliveredAfterARestart()
      throws Exception {
    MetricsRegistry m1 = new MetricsRegistry();
    RecordingExporter down = new RecordingExporter();
    down.failNext(Integer.MAX_VALUE, ExportException.retryable("down"));
    ExporterRunner r1 = start(down, m1, false);
    for (int i = 0; i < 5; i++) assertThat(r1.enqueue(TestBatches.logs("k" + i, 4))).isTrue();
    await().atMost(WAIT).until(() -> down.attempts.get() >= 3); // it is retrying
    r1.shutdown(Instant.now().plusSeconds(10));
    assertThat(down.pushed()).isEmpty();
    assertThat(r1.lostAtShutdown()).isZero();
    assertThat(failedRecords(m1)).isZero();
    assertThat(m1.counterSum("stacklens_exporter_sent_records_total", "exporter", ID)).isZero();

    MetricsRegistry m2 = new MetricsRegistry();
    RecordingExporter up = new RecordingExporter();
    ExporterRunner r2 = start(up, m2, false);
    assertThat(replayedRecords(m2)).isEqualTo(20);
    await().atMost(WAIT).until(() -> up.recordCount() == 20);
    assertThat(up.bodies()).isEqualTo(expectedBodies("k", 5, 4));
    await().atMost(WAIT).until(() -> diskEntries(m2) == 0);
    r2.shutdown(Instant.now().plusSeconds(10));

    MetricsRegistry m3 = new MetricsRegistry();
    RecordingExporter third = new RecordingExporter();
    ExporterRunner r3 = start(third, m3, false);
    assertThat(replayedRecords(m3)).isZero();
    assertPushesOnlyNewData(r3, third);
  }

  @Test
  void entriesAreConfirmedOnlyAfterTheExporterFlushedThem() throws Exception {
    MetricsRegistry m1 = new MetricsRegistry();
    FlakyFlushExporter noFlush = new FlakyFlushExporter(m1, false);
    ExporterRunner r1 = start(noFlush, m1, false);
    for (int i = 0; i < 3; i++) assertThat(r1.enqueue(TestBatches.logs("f" + i, 2))).isTrue();
    // Pushed, but its flush keeps failing: the helper retries the flush and confirms nothing.
    await().atMost(WAIT).until(() -> noFlush.recordCount() >= 2 && noFlush.flushCalls.get() >= 3);
    assertThat(diskEntries(m1)).isEqualTo(3.0);
    r1.shutdown(Instant.now().plusSeconds(10));
    assertThat(r1.lostAtShutdown()).isZero();

    // Sent again after the restart: nothing was confirmed while flush failed.
    MetricsRegistry m2 = new MetricsRegistry();
    FlakyFlushExporter flushes = new FlakyFlushExporter(m2, true);
    ExporterRunner r2 = start(flushes, m2, false);
    assertThat(replayedRecords(m2)).isEqualTo(6);
    await().atMost(WAIT).until(() -> flushes.recordCount() == 6);
    assertThat(flushes.bodies()).isEqualTo(expectedBodies("f", 3, 2));
    await().atMost(WAIT).until(() -> diskEntries(m2) == 0);
    // The first flush came after the first push and before its entry was confirmed.
    assertThat(flushes.pendingAtFirstFlush).isEqualTo(3.0);
    r2.shutdown(Instant.now().plusSeconds(10));

    MetricsRegistry m3 = new MetricsRegistry();
    FlakyFlushExporter last = new FlakyFlushExporter(m3, true);
    start(last, m3, false);
    assertThat(replayedRecords(m3)).isZero();
  }

  /** Pushes always succeed; flush throws a retryable error unless {@code flushWorks}. */
  private static final class FlakyFlushExporter implements Exporter {
    private final MetricsRegistry metrics;
    private final boolean flushWorks;
    private final List<Batch> pushed = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger flushCalls = new AtomicInteger();
    volatile double pendingAtFirstFlush = Double.NaN;

    FlakyFlushExporter(MetricsRegistry metrics, boolean flushWorks) {
      this.metrics = metrics;
      this.flushWorks = flushWorks;
    }

    @Override
    public void start(Host host) {}

    @Override
    public void push(Batch batch) {
      pushed.add(batch);
    }

    @Override
    public void flush() throws ExportException {
      if (flushCalls.getAndIncrement() == 0) pendingAtFirstFlush = diskEntries(metrics);
      if (!flushWorks) throw ExportException.retryable("buffer not written: disk full");
    }

    @Override
    public void shutdown(Instant deadline) {}

    int recordCount() {
      synchronized (pushed) {
        return pushed.stream().mapToInt(Batch::recordCount).sum();
      }
    }

    List<Object> bodies() {
      List<Object> out = new ArrayList<>();
      synchronized (pushed) {
        for (Batch b : pushed) ((LogsBatch) b).forEachRecord(r -> out.add(r.body()));
      }
      return out;
    }
  }

  @Test
  void theQueueDirectoryOfARunningRunnerCannotBeOpenedTwice() throws Exception {
    start(new RecordingExporter(), new MetricsRegistry(), false);
    Path dir = dataDir.resolve("q");
    assertThat(Files.isDirectory(dir)).isTrue();
    assertThatThrownBy(
            () ->
                ExporterRunner.create(
                    ComponentContext.of(
                        ComponentId.parse("otlp/other"),
                        ComponentKind.EXPORTER,
                        new MetricsRegistry()),
                    new RecordingExporter(),
                    config(false),
                    dataDir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(dir.toString());
  }
}
