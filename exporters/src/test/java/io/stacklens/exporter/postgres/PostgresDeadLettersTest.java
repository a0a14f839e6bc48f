package io.stacklens.exporter.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.DeadLetters;
import io.stacklens.agent.api.ExportException;
import io.stacklens.agent.api.Exporter;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.exporterhelper.ExporterRunner;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.testing.postgres.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Records the logs table refuses go through the exporter helper's dead-letter path into a second
 * postgres exporter with {@code table_kind: dead_letters}: the good rows are committed once, the
 * refused ones are never retried and land in {@code dlq_messages} with why.
 */
class PostgresDeadLettersTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final PostgresServer PG = PostgresServer.shared();

  /** The exporter, counting its pushes. */
  private static final class Counting implements Exporter {
    final Exporter delegate;
    final AtomicInteger pushes = new AtomicInteger();

    Counting(Exporter delegate) {
      this.delegate = delegate;
    }

    @Override
    public void start(Host host) throws Exception {
      delegate.start(host);
    }

    @Override
    public void push(Batch batch) throws ExportException {
      pushes.incrementAndGet();
      delegate.push(batch);
    }

    @Override
    public void shutdown(Instant deadline) {
      delegate.shutdown(deadline);
    }
  }

  private static PostgresExporterConfig deadLetters(PostgresExporterConfig logs) {
    PostgresExporterConfig c =
        PgTestData.config(PG, logs.endpoint.substring(logs.endpoint.lastIndexOf('/') + 1), true);
    c.tableKind = PostgresExporterConfig.TableKind.DEAD_LETTERS;
    c.batch.flushTimeout = Duration.ofMillis(20);
    return c;
  }

  @Test
  void dataErrorRowsGoThroughTheHelperIntoADeadLettersExporterAndAreNeverRetried()
      throws Exception {
    PostgresExporterConfig logs = PgTestData.config(PG, "pg_dlq_helper");
    logs.batch.flushTimeout = Duration.ofMillis(20);
    logs.retryOnFailure.initialInterval = Duration.ofMillis(50);
    PostgresExporterConfig dlq = deadLetters(logs);
    MetricsRegistry metrics = new MetricsRegistry();
    ComponentContext mainContext = PgTestData.context(metrics, "main");
    ComponentContext dlqContext = PgTestData.context(metrics, "dlq");
    Counting main = new Counting(new PostgresExporterFactory().createExporter(mainContext, logs));
    ExporterRunner dlqRunner =
        new ExporterRunner(
            dlqContext, new PostgresExporterFactory().createExporter(dlqContext, dlq), dlq);
    ExporterRunner mainRunner = new ExporterRunner(mainContext, main, logs);
    mainRunner.deadLetterTo(dlqRunner);
    PgTestData.RecordingHost host = new PgTestData.RecordingHost();
    dlqRunner.start(host);
    mainRunner.start(host);
    try {
      LogsBatch batch = PgTestData.batch("d", 0, 50);
      List<LogRecord> records = batch.resourceLogs().get(0).scopeLogs().get(0).logRecords();
      records.get(10).setBody("nul \u0000 in the body"); // 22021
      records.get(40).setSeverityNumber(70000); // 22003
      mainRunner.enqueue(batch);

      await()
          .atMost(WAIT)
          .until(() -> PgTestData.count(logs, "SELECT count(*) FROM dlq_messages") == 2);
      await()
          .atMost(WAIT)
          .until(
              () ->
                  metrics.counterValue(
                          "stacklens_exporter_sent_records_total",
                          "exporter",
                          "postgres/dlq",
                          "signal",
                          "logs")
                      == 2);
    } finally {
      mainRunner.shutdown(Instant.now().plusSeconds(30));
      dlqRunner.shutdown(Instant.now().plusSeconds(30));
    }

    assertThat(main.pushes.get()).as("one push: the refused records are not retried").isEqualTo(1);
    assertThat(PgTestData.count(logs, "SELECT count(*) FROM enriched_logs")).isEqualTo(48);
    assertThat(PgTestData.count(logs, "SELECT count(DISTINCT id) FROM enriched_logs"))
        .isEqualTo(48);
    assertThat(
            PgTestData.count(
                logs,
                "SELECT count(*) FROM enriched_logs WHERE attributes->>'seq' IN ('d10', 'd40')"))
        .isZero();
    assertThat(
            metrics.counterValue(
                "stacklens_exporter_sent_records_total",
                "exporter",
                "postgres/main",
                "signal",
                "logs"))
        .isEqualTo(48);
    assertThat(
            metrics.counterValue(
                "stacklens_exporter_send_failed_records_total",
                "exporter",
                "postgres/main",
                "signal",
                "logs",
                "permanent",
                "true",
                "reason",
                PostgresExporter.MIXED_REASONS))
        .isEqualTo(2);
    assertThat(
            metrics.counterValue(
                "stacklens_exporter_dead_letter_records_total",
                "exporter",
                "postgres/main",
                "dead_letter",
                "postgres/dlq"))
        .isEqualTo(2);
    assertThat(
            metrics.counterSum(
                "stacklens_exporter_postgres_refused_records_total", "exporter", "postgres/main"))
        .isEqualTo(2);
    assertThat(metrics.counterSum("stacklens_exporter_postgres_retryable_errors_total")).isZero();
    assertThat(
            metrics.counterValue(
                "stacklens_exporter_postgres_rows_total",
                "exporter",
                "postgres/dlq",
                "table",
                "dlq_messages"))
        .isEqualTo(2);

    try (Connection c = PgTestData.connect(logs);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT record->'attributes'->>'seq', exporter_id, table_name, error_reason, "
                    + "error_detail, retry_count, record->'resource'->'stacklens.error.reason' IS NOT NULL, "
                    + "record->'resource'->>'service.name', record->>'body', created_at IS NOT NULL "
                    + "FROM dlq_messages ORDER BY 1")) {
      List<String> seqs = new ArrayList<>();
      while (rs.next()) {
        seqs.add(rs.getString(1));
        assertThat(rs.getString(2)).isEqualTo("postgres/main");
        assertThat(rs.getString(3)).isEqualTo("enriched_logs");
        assertThat(rs.getString(4)).isEqualTo(PostgresExporter.MIXED_REASONS);
        assertThat(rs.getString(5))
            .startsWith("postgres/main: table enriched_logs refused 2 record(s): ")
            .contains(
                "1 character_not_in_repertoire (22021: ", "1 numeric_value_out_of_range (22003: ");
        assertThat(rs.getInt(6)).isZero();
        assertThat(rs.getBoolean(7))
            .as("the record as it was, without the dead-letter attributes")
            .isFalse();
        assertThat(rs.getString(8)).isEqualTo("checkout");
        assertThat(rs.getBoolean(10)).isTrue();
        if (rs.getString(1).equals("d10"))
          assertThat(rs.getString(9)).isEqualTo("nul \uFFFD in the body");
      }
      assertThat(seqs).containsExactly("d10", "d40");
    }
    try (Connection c = PgTestData.connect(logs);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT exporter_id, table_name, error_reason, messages FROM v_dlq_summary")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("postgres/main");
      assertThat(rs.getString(2)).isEqualTo("enriched_logs");
      assertThat(rs.getString(3)).isEqualTo(PostgresExporter.MIXED_REASONS);
      assertThat(rs.getLong(4)).isEqualTo(2);
      assertThat(rs.next()).isFalse();
    }
  }

  @Test
  void recordsWithoutTheDeadLetterAttributesAreStoredWithAnUnspecifiedReason() throws Exception {
    PostgresExporterConfig c = PgTestData.config(PG, "pg_dlq_plain");
    c.tableKind = PostgresExporterConfig.TableKind.DEAD_LETTERS;
    MetricsRegistry metrics = new MetricsRegistry();
    PostgresExporter exporter = PgTestData.started(c, metrics, "store");
    LogsBatch batch = PgTestData.batch("u", 0, 2);
    Attributes resource = batch.resourceLogs().get(0).resource().attributes();
    resource.put(DeadLetters.ERROR_REASON, "record_too_large");
    resource.put(DeadLetters.ERROR_MESSAGE, "kafka/main: 1 message too large");
    resource.put(DeadLetters.EXPORTER, "kafka/main");
    exporter.push(batch);
    exporter.push(PgTestData.batch("plain", 0, 1));
    exporter.shutdown(Instant.now());

    try (Connection conn = PgTestData.connect(c);
        Statement s = conn.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT record->'attributes'->>'seq', exporter_id, table_name, error_reason, "
                    + "error_detail FROM dlq_messages ORDER BY id")) {
      List<String> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(
            rs.getString(1)
                + " | "
                + rs.getString(2)
                + " | "
                + rs.getString(3)
                + " | "
                + rs.getString(4)
                + " | "
                + rs.getString(5));
      }
      assertThat(rows)
          .containsExactly(
              "u0 | kafka/main | null | record_too_large | kafka/main: 1 message too large",
              "u1 | kafka/main | null | record_too_large | kafka/main: 1 message too large",
              "plain0 | null | null | " + DeadLetterTable.NO_REASON + " | null");
    }
    assertThat(metrics.counterSum("stacklens_exporter_postgres_rows_total")).isEqualTo(3);
  }

  @Test
  void aDeadLetterTableOfAnEarlierVersionIsMigratedAndAManualOneChecked() throws Exception {
    PostgresExporterConfig c = PgTestData.config(PG, "pg_dlq_v1");
    c.tableKind = PostgresExporterConfig.TableKind.DEAD_LETTERS;
    try (Connection conn = PgTestData.connect(c);
        Statement s = conn.createStatement()) {
      // what dead_letter_table created before: version 1, exporter_id and table_name NOT NULL
      s.execute(
          "CREATE TABLE stacklens_schema_migrations (component text NOT NULL, table_name text NOT NULL, "
              + "version int NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), "
              + "PRIMARY KEY (component, table_name, version))");
      s.execute(
          "CREATE TABLE dlq_messages (id bigserial PRIMARY KEY, exporter_id text NOT NULL, "
              + "table_name text NOT NULL, record jsonb NOT NULL, error_reason text NOT NULL, error_detail text, "
              + "retry_count int NOT NULL DEFAULT 0, created_at timestamptz NOT NULL DEFAULT now())");
      s.execute(
          "INSERT INTO stacklens_schema_migrations VALUES ('postgres_exporter', 'dlq_messages', 1, now())");
      s.execute(
          "INSERT INTO dlq_messages (exporter_id, table_name, record, error_reason) "
              + "VALUES ('postgres/logs', 'enriched_logs', '{}', '22021 character_not_in_repertoire')");
    }
    c.schema = PostgresExporterConfig.SchemaMode.MANUAL;
    PgTestData.started(c, new MetricsRegistry(), "manual")
        .shutdown(Instant.now()); // the old table fits the check

    c.schema = PostgresExporterConfig.SchemaMode.AUTO;
    PostgresExporter exporter = PgTestData.started(c, new MetricsRegistry(), "auto");
    exporter.push(
        PgTestData.batch("m", 0, 1)); // no exporter, no table: NULLs the old table refused
    exporter.shutdown(Instant.now());
    assertThat(PgTestData.count(c, "SELECT count(*) FROM dlq_messages")).isEqualTo(2);
    assertThat(
            PgTestData.count(
                c,
                "SELECT max(version) FROM stacklens_schema_migrations WHERE table_name = 'dlq_messages'"))
        .isEqualTo(2);

    PostgresExporterConfig missing = PgTestData.config(PG, "pg_dlq_manual");
    missing.tableKind = PostgresExporterConfig.TableKind.DEAD_LETTERS;
    missing.schema = PostgresExporterConfig.SchemaMode.MANUAL;
    assertThatThrownBy(() -> PgTestData.started(missing, new MetricsRegistry(), "missing"))
        .hasMessageContaining("dead-letter table dlq_messages does not exist");
  }
}
