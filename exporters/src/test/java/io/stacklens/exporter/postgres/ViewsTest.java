package io.stacklens.exporter.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.data.AlertAttributes;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.Resource;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.testing.postgres.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ViewsTest {
  /** The logs table of the contract (docs/exporters/postgres.md) with request_id promoted. */
  private static final String LOGS_DDL =
      "CREATE TABLE enriched_logs (\n"
          + "  id uuid NOT NULL, time timestamptz NOT NULL, observed_time timestamptz, severity_number smallint,\n"
          + "  severity_text text, body text, body_json jsonb, trace_id text, span_id text, service_name text,\n"
          + "  service_version text, host_name text, environment text, request_id text, scope_name text,\n"
          + "  resource jsonb, attributes jsonb, ingested_at timestamptz NOT NULL DEFAULT now(),\n"
          + "  PRIMARY KEY (id, time)) PARTITION BY RANGE (time)";

  private static final String DLQ_DDL =
      "CREATE TABLE dlq_messages (id bigserial PRIMARY KEY, exporter_id text NOT NULL,"
          + " table_name text NOT NULL, record jsonb NOT NULL, error_reason text NOT NULL, error_detail text,"
          + " retry_count int NOT NULL DEFAULT 0, created_at timestamptz NOT NULL DEFAULT now())";

  private Connection db;

  @BeforeEach
  void database() throws SQLException {
    db = DriverManager.getConnection(PostgresServer.shared().createUniqueDatabase("views"));
    exec(LOGS_DDL);
    new PartitionManager("enriched_logs", "day", 1, Duration.ZERO)
        .ensurePartitions(db, Instant.now());
    exec(DLQ_DDL);
    new AlertsTable("alerts").create(db);
  }

  @AfterEach
  void close() throws SQLException {
    db.close();
  }

  @Test
  void createsTheFourViewsIdempotently() throws SQLException {
    Views.create(db, "enriched_logs", "alerts", "dlq_messages");
    Views.create(db, "enriched_logs", "alerts", "dlq_messages");
    assertThat(rows("SELECT viewname FROM pg_views WHERE schemaname = 'public' ORDER BY 1"))
        .containsExactly(
            List.of("v_dlq_summary"),
            List.of("v_error_logs"),
            List.of("v_logs_by_service"),
            List.of("v_open_alerts"));
  }

  @Test
  void logsViewsCountByServiceAndSeverityAndListErrors() throws SQLException {
    Views.create(db, "enriched_logs", null, null);
    log("checkout", 17, "ERROR", "payment failed", "req-1", Duration.ofMinutes(5));
    log("checkout", 21, "FATAL", "crash", "req-2", Duration.ofMinutes(50));
    log("checkout", 9, "INFO", "ok", "req-3", Duration.ofMinutes(1));
    log("checkout", 9, "INFO", "ok again", "req-4", Duration.ofMinutes(2));
    log("billing", 13, "WARN", "slow", "req-5", Duration.ofHours(3));
    log("billing", 0, "", "no severity", null, Duration.ofMinutes(1));
    log("billing", 17, "ERROR", "too old for the 24 h view", "req-6", Duration.ofHours(30));

    assertThat(
            rows(
                "SELECT service_name, severity, logs, first_seen <= last_seen FROM v_logs_by_service"
                    + " ORDER BY service_name, severity"))
        .containsExactly(
            List.of("billing", "UNSPECIFIED", "1", "t"),
            List.of("billing", "WARN", "1", "t"),
            List.of("checkout", "ERROR", "1", "t"),
            List.of("checkout", "FATAL", "1", "t"),
            List.of("checkout", "INFO", "2", "t"));
    assertThat(
            rows(
                "SELECT service_name, severity_text, body, request_id FROM v_error_logs ORDER BY time DESC"))
        .containsExactly(
            List.of("checkout", "ERROR", "payment failed", "req-1"),
            List.of("checkout", "FATAL", "crash", "req-2"),
            List.of("billing", "ERROR", "too old for the 24 h view", "req-6"));
  }

  @Test
  void errorViewFollowsColumnsAddedToTheLogsTable() throws SQLException {
    Views.create(db, "enriched_logs", null, null);
    exec("ALTER TABLE enriched_logs ADD COLUMN user_id text");
    log("checkout", 17, "ERROR", "boom", "req-1", Duration.ofMinutes(1));
    exec("UPDATE enriched_logs SET user_id = 'u-7'");
    Views.create(db, "enriched_logs", null, null);
    assertThat(rows("SELECT body, user_id FROM v_error_logs"))
        .containsExactly(List.of("boom", "u-7"));
  }

  @Test
  void replacesAViewOfAnEarlierShape() throws SQLException {
    // CREATE OR REPLACE cannot rename or drop view columns: the view is dropped and made again
    exec(
        "CREATE VIEW v_dlq_summary AS SELECT exporter_id AS exporter, count(*) AS n FROM dlq_messages GROUP BY 1");
    Views.create(db, null, null, "dlq_messages");
    dlq("postgres/logs", "enriched_logs", "invalid_value", 0, "2030-01-01T00:00:00Z");
    assertThat(rows("SELECT exporter_id, messages FROM v_dlq_summary"))
        .containsExactly(List.of("postgres/logs", "1"));
  }

  @Test
  void dlqSummaryGroupsByExporterTableAndReason() throws SQLException {
    Views.create(db, null, null, "dlq_messages");
    dlq("postgres/logs", "enriched_logs", "invalid_value", 0, "2030-01-01T00:00:00Z");
    dlq("postgres/logs", "enriched_logs", "invalid_value", 2, "2030-01-01T01:00:00Z");
    dlq("postgres/logs", "enriched_logs", "too_large", 0, "2030-01-02T00:00:00Z");
    dlq("postgres/alerts", "alerts", "invalid_severity", 1, "2030-01-03T00:00:00Z");
    exec("SET TIME ZONE 'UTC'");
    assertThat(
            rows(
                "SELECT exporter_id, table_name, error_reason, messages, first_at, last_at, max_retry_count"
                    + " FROM v_dlq_summary ORDER BY exporter_id, error_reason"))
        .containsExactly(
            List.of(
                "postgres/alerts",
                "alerts",
                "invalid_severity",
                "1",
                "2030-01-03 00:00:00+00",
                "2030-01-03 00:00:00+00",
                "1"),
            List.of(
                "postgres/logs",
                "enriched_logs",
                "invalid_value",
                "2",
                "2030-01-01 00:00:00+00",
                "2030-01-01 01:00:00+00",
                "2"),
            List.of(
                "postgres/logs",
                "enriched_logs",
                "too_large",
                "1",
                "2030-01-02 00:00:00+00",
                "2030-01-02 00:00:00+00",
                "0"));
  }

  @Test
  void openAlertsBySeverityThenMostRecentlySeen() throws SQLException {
    Views.create(db, null, "alerts", null);
    AlertsTable alerts = new AlertsTable("alerts");
    alerts.write(
        db,
        batch(
            alert("INFO_OLD", "info"),
            alert("WARN_NEW", "warning"),
            alert("CRIT_OLD", "critical"),
            alert("CRIT_NEW", "critical"),
            alert("DONE", "critical")),
        Duration.ZERO,
        List.of());
    exec(
        "UPDATE alerts SET last_seen_at = now() - interval '1 hour' WHERE issue_code IN ('INFO_OLD', 'CRIT_OLD')");
    exec(
        "UPDATE alerts SET status = 'resolved', resolved_at = now(), ticket_key = 'OPS-1' WHERE issue_code = 'DONE'");
    exec(
        "UPDATE alerts SET status = 'acknowledged', ticket_key = 'OPS-2' WHERE issue_code = 'WARN_NEW'");
    alerts.write(db, batch(alert("WARN_OTHER", "warning")), Duration.ZERO, List.of());
    assertThat(rows("SELECT issue_code, severity, service_name FROM v_open_alerts"))
        .containsExactly(
            List.of("CRIT_NEW", "critical", "svc"),
            List.of("CRIT_OLD", "critical", "svc"),
            List.of("WARN_OTHER", "warning", "svc"),
            List.of("INFO_OLD", "info", "svc"));
  }

  @Test
  void viewsFollowTheSchemaOfTheirTable() throws SQLException {
    exec("CREATE SCHEMA ops");
    exec(DLQ_DDL.replace("dlq_messages", "ops.dlq"));
    Views.create(db, null, null, "ops.dlq");
    assertThat(rows("SELECT schemaname, viewname FROM pg_views WHERE viewname LIKE 'v\\_%'"))
        .containsExactly(List.of("ops", "v_dlq_summary"));
  }

  // ---- helpers

  private static LogRecord alert(String code, String severity) {
    return new LogRecord(
        Attributes.of(AlertAttributes.ISSUE_CODE, code, AlertAttributes.SEVERITY, severity));
  }

  private static LogsBatch batch(LogRecord... records) {
    ScopeLogs scope = new ScopeLogs();
    scope.logRecords().addAll(List.of(records));
    return new LogsBatch(
        new ArrayList<>(
            List.of(
                new ResourceLogs(
                    new Resource(Attributes.of("service.name", "svc")),
                    new ArrayList<>(List.of(scope))))));
  }

  private void log(
      String service, int severity, String text, String body, String requestId, Duration ago)
      throws SQLException {
    try (PreparedStatement ps =
        db.prepareStatement(
            "INSERT INTO enriched_logs (id, time, severity_number, severity_text,"
                + " body, service_name, request_id, attributes) VALUES (?, now() - ? * interval '1 second', ?, ?, ?, ?, ?, '{}')")) {
      ps.setObject(1, UUID.randomUUID());
      ps.setLong(2, ago.toSeconds());
      ps.setInt(3, severity);
      ps.setString(4, text);
      ps.setString(5, body);
      ps.setString(6, service);
      ps.setString(7, requestId);
      ps.executeUpdate();
    }
  }

  private void dlq(String exporter, String table, String reason, int retries, String at)
      throws SQLException {
    try (PreparedStatement ps =
        db.prepareStatement(
            "INSERT INTO dlq_messages (exporter_id, table_name, record,"
                + " error_reason, retry_count, created_at) VALUES (?, ?, '{}', ?, ?, ?::timestamptz)")) {
      ps.setString(1, exporter);
      ps.setString(2, table);
      ps.setString(3, reason);
      ps.setInt(4, retries);
      ps.setString(5, at);
      ps.executeUpdate();
    }
  }

  private void exec(String sql) throws SQLException {
    try (Statement s = db.createStatement()) {
      s.execute(sql);
    }
  }

  private List<List<String>> rows(String sql) throws SQLException {
    List<List<String>> out = new ArrayList<>();
    try (Statement s = db.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) row.add(String.valueOf(rs.getString(i)));
        out.add(row);
      }
    }
    return out;
  }
}
