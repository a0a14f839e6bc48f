package io.stacklens.exporter.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacklens.agent.data.AlertAttributes;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.Resource;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.expr.FieldPath;
import io.stacklens.agent.testing.postgres.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AlertsTableTest {
  private static final List<FieldPath> BY_SERVICE =
      List.of(parse("resource.attributes[\"service.name\"]"));
  private static final Duration WINDOW = Duration.ofMinutes(10);

  private String url;
  private Connection db;
  private final AlertsTable alerts = new AlertsTable("alerts");

  @BeforeEach
  void database() throws SQLException {
    url = PostgresServer.shared().createUniqueDatabase("alerts");
    db = DriverManager.getConnection(url);
  }

  @AfterEach
  void close() throws SQLException {
    db.close();
  }

  @Test
  void createIsIdempotentAndMakesTheIndexes() throws SQLException {
    alerts.create(db);
    alerts.create(db);
    assertThat(alerts.check(db)).isEmpty();
    assertThat(
            strings(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'alerts' ORDER BY indexname"))
        .containsExactly(
            "CREATE INDEX alerts_open_issue_fold_idx ON public.alerts USING btree (issue_code, fold_key) WHERE (status = 'open'::text)",
            "CREATE UNIQUE INDEX alerts_pkey ON public.alerts USING btree (id)",
            "CREATE INDEX alerts_status_severity_idx ON public.alerts USING btree (status, severity)");
    // the constraints hold
    assertThatThrownBy(
            () ->
                exec(
                    "INSERT INTO alerts (issue_code, severity, raw_log) VALUES ('X', 'fatal', '{}')"))
        .hasMessageContaining("alerts_severity_check");
    exec("INSERT INTO alerts (issue_code, severity, raw_log) VALUES ('X', 'info', '{}')");
    assertThatThrownBy(() -> exec("UPDATE alerts SET status = 'closed'"))
        .hasMessageContaining("alerts_status_check");
  }

  @Test
  void checkOfAMissingTable() throws SQLException {
    assertThat(alerts.check(db))
        .singleElement()
        .asString()
        .startsWith("table alerts does not exist");
  }

  @Test
  void checkNamesEveryProblemOfAManualTable() throws SQLException {
    exec(
        "CREATE TABLE alerts (id uuid PRIMARY KEY, issue_code text NOT NULL, severity varchar(10) NOT NULL,"
            + " suggested_fix text, confidence real, raw_log json NOT NULL, status text NOT NULL, ticket_key text,"
            + " created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL, resolved_at timestamptz,"
            + " request_id text, service_name text, level text, occurrences int, fold_key text,"
            + " owner text NOT NULL)");
    assertThat(alerts.check(db))
        .containsExactly(
            "column alerts.severity has type character varying(10), expected text",
            "column alerts.confidence has type real, expected double precision",
            "column alerts.raw_log has type json, expected jsonb",
            "column alerts.occurrences must be NOT NULL",
            "table alerts has no column last_seen_at (timestamp with time zone not null)",
            "column alerts.id has no default (expected DEFAULT gen_random_uuid())",
            "column alerts.owner is NOT NULL without a default: the exporter does not fill it");
  }

  @Test
  void writesOneRowPerAlertRecordAndSkipsOrRejectsTheRest() throws SQLException {
    alerts.create(db);
    LogRecord good =
        alert("DB_DOWN", "critical", "restart the pool", 0.9)
            .setSeverityText("ERROR")
            .setBody("connection refused");
    good.attributes().put("request_id", "req-1");
    LogRecord plain = new LogRecord().setBody("nothing to see");
    LogRecord badSeverity = alert("DISK", "urgent", "", 1.0);
    LogRecord noSeverity = new LogRecord(Attributes.of(AlertAttributes.ISSUE_CODE, "X"));
    LogRecord numericCode =
        new LogRecord(
            Attributes.of(AlertAttributes.ISSUE_CODE, 5L, AlertAttributes.SEVERITY, "info"));
    LogRecord upperCase = alert("SLOW", "Warning", "", 1.0).setSeverityNumber(13);
    upperCase.attributes().put("request.id", "req-2");
    LogsBatch batch =
        batch("checkout", good, plain, badSeverity, noSeverity, numericCode, upperCase);

    AlertsTable.WriteResult result = alerts.write(db, batch, Duration.ZERO, BY_SERVICE);

    assertThat(result.inserted()).isEqualTo(2);
    assertThat(result.folded()).isZero();
    assertThat(result.written()).isEqualTo(2);
    assertThat(result.skipped()).isEqualTo(1);
    assertThat(result.rejected())
        .extracting(AlertsTable.Rejected::record)
        .containsExactly(badSeverity, noSeverity, numericCode);
    assertThat(result.rejected())
        .extracting(AlertsTable.Rejected::reason)
        .containsExactly(
            "alert.severity must be one of critical, warning, info; got 'urgent' (issue code DISK)",
            "alert.severity is missing (issue code X)",
            "alert.issue_code must be a non-empty string, got int 5");
    assertThat(result.rejected().get(0).resource()).isSameAs(batch.resourceLogs().get(0));

    assertThat(
            rows(
                "SELECT issue_code, severity, suggested_fix, confidence, request_id, service_name, level, status,"
                    + " occurrences, fold_key, ticket_key, resolved_at, raw_log->>'body', raw_log#>>'{resource,service.name}',"
                    + " created_at = last_seen_at AND created_at = updated_at FROM alerts ORDER BY issue_code"))
        .containsExactly(
            List.of(
                "DB_DOWN",
                "critical",
                "restart the pool",
                "0.9",
                "req-1",
                "checkout",
                "ERROR",
                "open",
                "1",
                "checkout",
                "null",
                "null",
                "connection refused",
                "checkout",
                "t"),
            List.of(
                "SLOW",
                "warning",
                "null",
                "1",
                "req-2",
                "checkout",
                "WARN",
                "open",
                "1",
                "checkout",
                "null",
                "null",
                "null",
                "checkout",
                "t"));
  }

  @Test
  void aRecordMatchedBySeveralRulesGivesOneRowPerIssue() throws SQLException {
    alerts.create(db);
    LogRecord r =
        new LogRecord(
            Attributes.of(
                AlertAttributes.ISSUE_CODE, Attributes.listOf("A", "B"),
                AlertAttributes.SEVERITY, Attributes.listOf("critical", "info"),
                AlertAttributes.SUGGESTED_FIX, Attributes.listOf("fix a", ""),
                AlertAttributes.CONFIDENCE, Attributes.listOf(1.0, 0.5)));
    LogRecord uneven =
        new LogRecord(
            Attributes.of(
                AlertAttributes.ISSUE_CODE, Attributes.listOf("A", "B"),
                AlertAttributes.SEVERITY, Attributes.listOf("critical")));
    LogRecord oneBad =
        new LogRecord(
            Attributes.of(
                AlertAttributes.ISSUE_CODE, Attributes.listOf("A", "B"),
                AlertAttributes.SEVERITY, Attributes.listOf("critical", "nope")));
    AlertsTable.WriteResult result = alerts.write(db, batch("svc", r, uneven, oneBad), null, null);
    assertThat(result.inserted()).isEqualTo(2);
    assertThat(result.rejected())
        .extracting(AlertsTable.Rejected::reason)
        .containsExactly(
            "the alert attributes are lists of different lengths (alert.issue_code has 2, another 1)",
            "alert.severity must be one of critical, warning, info; got 'nope' (issue code B)");
    assertThat(
            rows(
                "SELECT issue_code, severity, suggested_fix, confidence, fold_key FROM alerts ORDER BY issue_code"))
        .containsExactly(
            List.of("A", "critical", "fix a", "1", ""), List.of("B", "info", "null", "0.5", ""));
  }

  @Test
  void foldsRepeatsWithinTheWindowIntoTheOpenAlert() throws SQLException {
    alerts.create(db);
    AlertsTable.WriteResult first =
        alerts.write(
            db,
            merge(
                batch(
                    "checkout",
                    alert("DB_DOWN", "critical", "", 1.0),
                    alert("DB_DOWN", "critical", "", 1.0),
                    alert("DB_DOWN", "critical", "", 1.0),
                    alert("OTHER", "info", "", 1.0)),
                batch("billing", alert("DB_DOWN", "critical", "", 1.0))),
            WINDOW,
            BY_SERVICE);
    assertThat(first.inserted()).isEqualTo(3);
    assertThat(first.folded()).isEqualTo(2);
    assertThat(openAlerts())
        .isEqualTo(Map.of("DB_DOWN/checkout", 3, "OTHER/checkout", 1, "DB_DOWN/billing", 1));

    // a later batch folds in too, and moves last_seen_at / updated_at on
    exec(
        "UPDATE alerts SET last_seen_at = now() - interval '9 minutes', updated_at = now() - interval '9 minutes'");
    AlertsTable.WriteResult second =
        alerts.write(
            db, batch("checkout", alert("DB_DOWN", "critical", "", 1.0)), WINDOW, BY_SERVICE);
    assertThat(second.folded()).isEqualTo(1);
    assertThat(openAlerts()).containsEntry("DB_DOWN/checkout", 4);
    assertThat(
            rows(
                "SELECT last_seen_at > now() - interval '1 minute', updated_at > now() - interval '1 minute',"
                    + " created_at < last_seen_at FROM alerts WHERE issue_code = 'DB_DOWN' AND fold_key = 'checkout'"))
        .containsExactly(List.of("t", "t", "t"));

    // quiet for longer than the window: a new alert
    exec("UPDATE alerts SET last_seen_at = now() - interval '11 minutes'");
    assertThat(
            alerts
                .write(
                    db,
                    batch("checkout", alert("DB_DOWN", "critical", "", 1.0)),
                    WINDOW,
                    BY_SERVICE)
                .inserted())
        .isEqualTo(1);
    // an acknowledged or resolved alert is not folded into
    exec("UPDATE alerts SET status = 'resolved', resolved_at = now() WHERE fold_key = 'billing'");
    assertThat(
            alerts
                .write(
                    db, batch("billing", alert("DB_DOWN", "critical", "", 1.0)), WINDOW, BY_SERVICE)
                .inserted())
        .isEqualTo(1);
    assertThat(
            rows(
                "SELECT fold_key, status, occurrences FROM alerts WHERE issue_code = 'DB_DOWN' ORDER BY fold_key, created_at, occurrences"))
        .containsExactlyInAnyOrder(
            List.of("billing", "resolved", "1"), List.of("billing", "open", "1"),
            List.of("checkout", "open", "4"), List.of("checkout", "open", "1"));
  }

  @Test
  void withoutAWindowEveryRecordIsARow() throws SQLException {
    alerts.create(db);
    alerts.write(
        db,
        batch("checkout", alert("A", "info", "", 1.0), alert("A", "info", "", 1.0)),
        Duration.ZERO,
        BY_SERVICE);
    assertThat(rows("SELECT occurrences FROM alerts")).containsExactly(List.of("1"), List.of("1"));
  }

  @Test
  void foldKeyOfSeveralFieldsIsAJsonArray() throws SQLException {
    alerts.create(db);
    LogRecord r = alert("A", "info", "", 1.0);
    r.attributes().put("region", "eu-1");
    alerts.write(
        db,
        batch("checkout", r, alert("A", "info", "", 1.0)),
        WINDOW,
        List.of(parse("resource.attributes[\"service.name\"]"), parse("region")));
    assertThat(rows("SELECT fold_key, occurrences FROM alerts ORDER BY fold_key"))
        .containsExactly(
            List.of("[\"checkout\",\"eu-1\"]", "1"), List.of("[\"checkout\",null]", "1"));
  }

  @Test
  void concurrentWritersFoldIntoOneAlert() throws Exception {
    alerts.create(db);
    int threads = 4;
    int batches = 10;
    CyclicBarrier barrier = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        boolean reversed = t % 2 == 1;
        results.add(
            pool.submit(
                () -> {
                  int written = 0;
                  try (Connection c = DriverManager.getConnection(url)) {
                    for (int b = 0; b < batches; b++) {
                      barrier.await(30, TimeUnit.SECONDS);
                      // two keys per batch, in opposite orders on half the threads: the sorted
                      // locks keep it deadlock-free
                      LogsBatch batch =
                          reversed
                              ? batch(
                                  "checkout",
                                  alert("B", "warning", "", 1.0),
                                  alert("A", "critical", "", 1.0))
                              : batch(
                                  "checkout",
                                  alert("A", "critical", "", 1.0),
                                  alert("B", "warning", "", 1.0));
                      written += alerts.write(c, batch, WINDOW, BY_SERVICE).written();
                    }
                  }
                  return written;
                }));
      }
      int total = 0;
      for (Future<Integer> f : results) total += f.get(120, TimeUnit.SECONDS);
      assertThat(total).isEqualTo(threads * batches * 2);
    } finally {
      pool.shutdownNow();
    }
    assertThat(openAlerts())
        .isEqualTo(Map.of("A/checkout", threads * batches, "B/checkout", threads * batches));
  }

  @Test
  void writesInsideTheCallersTransaction() throws SQLException {
    alerts.create(db);
    db.setAutoCommit(false);
    alerts.write(db, batch("svc", alert("A", "info", "", 1.0)), WINDOW, BY_SERVICE);
    db.rollback();
    db.setAutoCommit(true);
    assertThat(rows("SELECT * FROM alerts")).isEmpty();
  }

  @Test
  void nulInAttributesIsStoredReplaced() throws SQLException {
    alerts.create(db);
    LogRecord r = alert("A\u0000", "info", "fix\u0000it", 1.0).setBody("b\u0000");
    alerts.write(db, batch("s\u0000vc", r), WINDOW, BY_SERVICE);
    assertThat(
            rows(
                "SELECT issue_code, suggested_fix, service_name, fold_key, raw_log->>'body' FROM alerts"))
        .containsExactly(List.of("A\uFFFD", "fix\uFFFDit", "s\uFFFDvc", "s\uFFFDvc", "b\uFFFD"));
  }

  @Test
  void rejectsBadTableNames() {
    assertThatThrownBy(() -> new AlertsTable("alerts; drop table x"))
        .hasMessageContaining("lower-case identifier");
    assertThat(new AlertsTable("ops.alerts").table()).isEqualTo("ops.alerts");
  }

  // ---- helpers

  private static FieldPath parse(String path) {
    try {
      return FieldPath.parse(path);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static LogRecord alert(String code, String severity, String fix, double confidence) {
    return new LogRecord(
        Attributes.of(
            AlertAttributes.ISSUE_CODE,
            code,
            AlertAttributes.SEVERITY,
            severity,
            AlertAttributes.SUGGESTED_FIX,
            fix,
            AlertAttributes.CONFIDENCE,
            confidence));
  }

  private static LogsBatch batch(String service, LogRecord... records) {
    ScopeLogs scope = new ScopeLogs();
    scope.logRecords().addAll(List.of(records));
    ResourceLogs rl =
        new ResourceLogs(
            new Resource(Attributes.of("service.name", service)), new ArrayList<>(List.of(scope)));
    return new LogsBatch(new ArrayList<>(List.of(rl)));
  }

  private static LogsBatch merge(LogsBatch a, LogsBatch b) {
    a.appendAll(b);
    return a;
  }

  private void exec(String sql) throws SQLException {
    try (Statement s = db.createStatement()) {
      s.execute(sql);
    }
  }

  private List<String> strings(String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    for (List<String> row : rows(sql)) out.add(row.get(0));
    return out;
  }

  /** Rows as lists of column text ("null" for SQL NULL). */
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

  /**
   * "issue_code/fold_key" -> occurrences of the open alerts (fails on two open alerts of one key).
   */
  private Map<String, Integer> openAlerts() throws SQLException {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (List<String> row :
        rows(
            "SELECT issue_code || '/' || fold_key, occurrences FROM alerts WHERE status = 'open'")) {
      Integer before = out.put(row.get(0), Integer.parseInt(row.get(1)));
      assertThat(before).as("second open alert for " + row.get(0)).isNull();
    }
    return out;
  }
}
