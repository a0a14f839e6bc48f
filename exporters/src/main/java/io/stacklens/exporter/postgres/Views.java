package io.stacklens.exporter.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Read-only views over the exporter's tables for people and dashboards (queries in
 * docs/exporters/postgres-queries.md):
 *
 * <ul>
 *   <li>{@code v_logs_by_service}: per service and severity range (TRACE, DEBUG, INFO, WARN, ERROR,
 *       FATAL, UNSPECIFIED) over the last 24 hours: {@code logs}, {@code first_seen}, {@code
 *       last_seen};
 *   <li>{@code v_error_logs}: every column of the logs table for records of severity ERROR or above
 *       ({@code severity_number >= 17});
 *   <li>{@code v_dlq_summary}: per exporter, table and reason: {@code messages}, {@code first_at},
 *       {@code last_at}, {@code max_retry_count};
 *   <li>{@code v_open_alerts}: the open alerts, critical first, then warning, then info, and within
 *       a severity the most recently seen first (a folded alert that keeps firing stays on top).
 * </ul>
 *
 * Views live in the schema of the table they read when it is schema-qualified. {@link #create} is
 * idempotent and replaces views of an earlier version; when the logs table gained columns since
 * ({@code v_error_logs} selects {@code *}), the view is dropped and created again. It runs under
 * the advisory lock {@code pg_advisory_xact_lock(hashtext('stacklens:views'))} so agents starting
 * together do not collide in the catalog.
 */
public final class Views {
  public static final String LOGS_BY_SERVICE = "v_logs_by_service";
  public static final String ERROR_LOGS = "v_error_logs";
  public static final String DLQ_SUMMARY = "v_dlq_summary";
  public static final String OPEN_ALERTS = "v_open_alerts";

  /**
   * SQLSTATEs of CREATE OR REPLACE VIEW refusing a changed column list: invalid_table_definition,
   * datatype_mismatch.
   */
  private static final List<String> COLUMNS_CHANGED = List.of("42P16", "42804");

  private Views() {}

  /**
   * Creates or replaces the views of the given tables; a null table skips its views (an alerts
   * exporter has no logs table). Runs in its own transaction when {@code c} auto-commits, else in
   * the caller's.
   */
  public static void create(Connection c, String logsTable, String alertsTable, String dlqTable)
      throws SQLException {
    List<String[]> views = definitions(logsTable, alertsTable, dlqTable);
    if (views.isEmpty()) return;
    PartitionManager.inTransaction(
        c,
        () -> {
          try (PreparedStatement lock =
              c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext('stacklens:views'))")) {
            lock.execute();
          }
          for (String[] view : views) createOrReplace(c, view[0], view[1]);
          return null;
        });
  }

  /** {name, SELECT} of each view of the given tables. */
  static List<String[]> definitions(String logsTable, String alertsTable, String dlqTable) {
    List<String[]> views = new ArrayList<>();
    if (logsTable != null) {
      PartitionManager.requireTableName(logsTable);
      views.add(
          new String[] {
            schemaOf(logsTable) + LOGS_BY_SERVICE,
            "SELECT service_name,\n"
                + "  CASE WHEN severity_number BETWEEN 1 AND 4 THEN 'TRACE'\n"
                + "       WHEN severity_number BETWEEN 5 AND 8 THEN 'DEBUG'\n"
                + "       WHEN severity_number BETWEEN 9 AND 12 THEN 'INFO'\n"
                + "       WHEN severity_number BETWEEN 13 AND 16 THEN 'WARN'\n"
                + "       WHEN severity_number BETWEEN 17 AND 20 THEN 'ERROR'\n"
                + "       WHEN severity_number BETWEEN 21 AND 24 THEN 'FATAL'\n"
                + "       ELSE 'UNSPECIFIED' END AS severity,\n"
                + "  count(*) AS logs, min(time) AS first_seen, max(time) AS last_seen\n"
                + "FROM "
                + logsTable
                + "\n"
                + "WHERE time >= now() - interval '24 hours'\n"
                + "GROUP BY 1, 2"
          });
      views.add(
          new String[] {
            schemaOf(logsTable) + ERROR_LOGS,
            "SELECT * FROM " + logsTable + " WHERE severity_number >= 17"
          });
    }
    if (dlqTable != null) {
      PartitionManager.requireTableName(dlqTable);
      views.add(
          new String[] {
            schemaOf(dlqTable) + DLQ_SUMMARY,
            "SELECT exporter_id, table_name, error_reason, count(*) AS messages,\n"
                + "  min(created_at) AS first_at, max(created_at) AS last_at, max(retry_count) AS max_retry_count\n"
                + "FROM "
                + dlqTable
                + "\n"
                + "GROUP BY exporter_id, table_name, error_reason"
          });
    }
    if (alertsTable != null) {
      PartitionManager.requireTableName(alertsTable);
      views.add(
          new String[] {
            schemaOf(alertsTable) + OPEN_ALERTS,
            "SELECT id, severity, issue_code, service_name, occurrences, created_at, last_seen_at, suggested_fix,\n"
                + "  confidence, request_id, level, fold_key, ticket_key, raw_log\n"
                + "FROM "
                + alertsTable
                + "\n"
                + "WHERE status = 'open'\n"
                + "ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, last_seen_at DESC"
          });
    }
    return views;
  }

  private static void createOrReplace(Connection c, String name, String select)
      throws SQLException {
    Savepoint before = c.setSavepoint();
    try (Statement s = c.createStatement()) {
      s.execute("CREATE OR REPLACE VIEW " + name + " AS\n" + select);
      c.releaseSavepoint(before);
    } catch (SQLException e) {
      if (!COLUMNS_CHANGED.contains(e.getSQLState())) throw e;
      c.rollback(before);
      try (Statement s = c.createStatement()) {
        s.execute("DROP VIEW " + name); // fails, naming them, when the user built views on this one
        s.execute("CREATE VIEW " + name + " AS\n" + select);
      }
    }
  }

  private static String schemaOf(String table) {
    int dot = table.indexOf('.');
    return dot < 0 ? "" : table.substring(0, dot + 1);
  }
}
