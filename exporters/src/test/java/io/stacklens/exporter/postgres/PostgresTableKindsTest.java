package io.stacklens.exporter.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.stacklens.agent.api.ExportException;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.InstrumentationScope;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.Resource;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.testing.postgres.PostgresServer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The exporter with pg-tables' parts: partitioned logs tables, retention, views, the alerts table.
 */
class PostgresTableKindsTest {
  private static final PostgresServer PG = PostgresServer.shared();

  @Test
  void partitionedTableGetsItsPartitionsAndRowsLandInThem() throws Exception {
    PostgresExporterConfig c = PgTestData.config(PG, "pg_parts");
    c.partitioning.by = PostgresExporterConfig.PartitionBy.DAY;
    c.partitioning.createAhead = 2;
    c.retention = "3d";
    MetricsRegistry metrics = new MetricsRegistry();
    PostgresExporter exporter = PgTestData.started(c, metrics, "parts");
    String today = LocalDate.now(ZoneOffset.UTC).format(DateTimeFormatter.BASIC_ISO_DATE);
    assertThat(
            PgTestData.count(
                c, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'enriched_logs'::regclass"))
        .isEqualTo(4); // today, 2 ahead, default
    LogsBatch batch = PgTestData.batch("n", 0, 10);
    long now = Instant.now().toEpochMilli() * 1_000_000L;
    batch.forEachRecord(r -> r.setTimeUnixNano(now));
    exporter.push(batch);
    exporter.push(PgTestData.batch("old", 0, 5)); // 2024: the default partition
    assertThat(PgTestData.count(c, "SELECT count(*) FROM enriched_logs_p" + today)).isEqualTo(10);
    assertThat(PgTestData.count(c, "SELECT count(*) FROM enriched_logs_default")).isEqualTo(5);
    exporter
        .maintainPartitions(); // retention 3d: the 2024 rows are deleted from the default partition
    assertThat(PgTestData.count(c, "SELECT count(*) FROM enriched_logs")).isEqualTo(10);
    assertThat(PgTestData.count(c, "SELECT count(*) FROM v_logs_by_service")).isGreaterThan(0);
    exporter.shutdown(Instant.now());

    // The same table configured without partitioning: a precise start-up error.
    c.partitioning.by = PostgresExporterConfig.PartitionBy.NONE;
    c.retention = "0s";
    assertThatThrownBy(() -> PgTestData.started(c, new MetricsRegistry(), "parts2"))
        .hasMessageContaining("table enriched_logs is partitioned, but partitioning.by is none");
  }

  @Test
  void alertsGoToTheAlertsTableAndInvalidOnesFailPermanently() throws Exception {
    PostgresExporterConfig c = PgTestData.config(PG, "pg_alerts");
    c.tableKind = PostgresExporterConfig.TableKind.ALERTS;
    c.alerts.foldWindow = Duration.ofMinutes(5);
    c.alerts.foldKey = List.of("resource.attributes[\"service.name\"]");
    MetricsRegistry metrics = new MetricsRegistry();
    PostgresExporter exporter = PgTestData.started(c, metrics, "alerts");
    ResourceLogs rl =
        new ResourceLogs(
            new Resource(Attributes.of("service.name", "checkout")), new ArrayList<>());
    ScopeLogs sl = new ScopeLogs(new InstrumentationScope(), new ArrayList<>());
    rl.scopeLogs().add(sl);
    for (int i = 0; i < 3; i++) {
      sl.logRecords()
          .add(
              new LogRecord(
                      Attributes.of(
                          "alert.issue_code",
                          "DB_DOWN",
                          "alert.severity",
                          "critical",
                          "request_id",
                          "r" + i))
                  .setTimeUnixNano(PgTestData.T0)
                  .setBody("db down " + i));
    }
    sl.logRecords()
        .add(
            new LogRecord(Attributes.of("alert.issue_code", "X", "alert.severity", "urgent"))
                .setBody("bad"));
    sl.logRecords().add(new LogRecord(Attributes.of("user", "no alert")).setBody("plain"));
    ExportException failure =
        catchThrowableOfType(
            ExportException.class,
            () -> exporter.push(new LogsBatch(new ArrayList<>(List.of(rl)))));
    exporter.shutdown(Instant.now());

    assertThat(failure.isPermanent()).isTrue();
    assertThat(failure.reason()).isEqualTo("invalid_alert");
    assertThat(failure.getMessage())
        .contains(
            "table alerts refused 1 record(s): 1 invalid_alert (alert.severity must be one of");
    assertThat(failure.unsent().recordCount()).isEqualTo(1);
    assertThat(
            ((LogsBatch) failure.unsent())
                .resourceLogs()
                .get(0)
                .scopeLogs()
                .get(0)
                .logRecords()
                .get(0)
                .body())
        .isEqualTo("bad");
    assertThat(PgTestData.count(c, "SELECT count(*) FROM alerts WHERE status = 'open'"))
        .isEqualTo(1);
    assertThat(PgTestData.count(c, "SELECT occurrences FROM alerts WHERE issue_code = 'DB_DOWN'"))
        .isEqualTo(3);
    assertThat(metrics.counterSum("stacklens_exporter_postgres_skipped_records_total"))
        .isEqualTo(1);
    assertThat(
            metrics.counterValue(
                "stacklens_exporter_postgres_refused_records_total",
                "exporter",
                "postgres/alerts",
                "table",
                "alerts",
                "reason",
                "invalid_alert"))
        .isEqualTo(1);
    assertThat(PgTestData.count(c, "SELECT count(*) FROM v_open_alerts")).isEqualTo(1);
    assertThat(
            PgTestData.count(c, "SELECT count(*) FROM pg_tables WHERE tablename = 'dlq_messages'"))
        .as("an alerts exporter has no dead-letter table of its own")
        .isZero();
  }
}
