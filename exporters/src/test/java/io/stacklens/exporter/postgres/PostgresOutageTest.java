package io.stacklens.exporter.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stacklens.agent.exporterhelper.ExporterRunner;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.testing.postgres.PostgresServer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Through the exporter helper under steady load, PostgreSQL stopped (immediate mode: connections
 * die mid-transaction) for 20 s and started again: every record sent is in the table exactly once.
 */
class PostgresOutageTest {
  private static final int RECORDS_PER_BATCH = 50;

  @Test
  void noRecordLostAndNoDuplicateAcrossA20sOutage() throws Exception {
    try (PostgresServer pg = PostgresServer.start()) {
      PostgresExporterConfig c = PgTestData.config(pg, "pg_outage");
      c.sendingQueue.queueSize = 8;
      c.batch.minSize = 200;
      c.batch.maxSize = 1000;
      c.batch.flushTimeout = Duration.ofMillis(50);
      c.retryOnFailure.initialInterval = Duration.ofMillis(200);
      c.retryOnFailure.maxInterval = Duration.ofSeconds(2);
      c.retryOnFailure.maxElapsedTime = Duration.ZERO; // retry until shutdown
      c.timeout = Duration.ofSeconds(20);
      MetricsRegistry metrics = new MetricsRegistry();
      var context = PgTestData.context(metrics, "outage");
      ExporterRunner runner =
          new ExporterRunner(context, new PostgresExporterFactory().createExporter(context, c), c);
      runner.start(new PgTestData.RecordingHost());

      AtomicLong next = new AtomicLong();
      AtomicBoolean loading = new AtomicBoolean(true);
      Thread loader =
          new Thread(
              () -> {
                try {
                  while (loading.get()) {
                    long from = next.get();
                    runner.enqueue(PgTestData.batch("o", (int) from, RECORDS_PER_BATCH));
                    next.addAndGet(RECORDS_PER_BATCH);
                    Thread.sleep(10);
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "pg-outage-loader");
      loader.start();

      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> metrics.counterSum("stacklens_exporter_postgres_rows_total") > 3_000);
      pg.stop();
      long stoppedAt = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> metrics.counterSum("stacklens_exporter_postgres_retryable_errors_total") > 0);
      long remaining = Duration.ofSeconds(20).toNanos() - (System.nanoTime() - stoppedAt);
      if (remaining > 0) Thread.sleep(remaining / 1_000_000); // keep the server down 20 s in all
      long sentDuringOutage = next.get();
      pg.restart();

      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  metrics.counterSum("stacklens_exporter_postgres_rows_total")
                      > sentDuringOutage + 1_000);
      loading.set(false);
      loader.join(30_000);
      runner.shutdown(Instant.now().plusSeconds(60));

      long total = next.get();
      assertThat(metrics.counterSum("stacklens_exporter_send_failed_records_total")).isZero();
      long rows = PgTestData.count(c, "SELECT count(*) FROM enriched_logs");
      long distinctIds = PgTestData.count(c, "SELECT count(DISTINCT id) FROM enriched_logs");
      long distinctSeq =
          PgTestData.count(c, "SELECT count(DISTINCT attributes->>'seq') FROM enriched_logs");
      System.out.printf(
          "postgres outage test: %d records sent, %d rows, %d distinct ids, %d retryable errors, %d duplicates skipped%n",
          total,
          rows,
          distinctIds,
          metrics.counterSum("stacklens_exporter_postgres_retryable_errors_total"),
          metrics.counterSum("stacklens_exporter_postgres_duplicate_rows_total"));
      assertThat(rows).as("rows").isEqualTo(total);
      assertThat(distinctIds).as("distinct ids").isEqualTo(total);
      assertThat(distinctSeq).as("distinct records").isEqualTo(total);
      assertThat(metrics.counterSum("stacklens_exporter_postgres_refused_records_total")).isZero();
    }
  }
}
