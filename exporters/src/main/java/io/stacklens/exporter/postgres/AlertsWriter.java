package io.stacklens.exporter.postgres;

import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.expr.FieldPath;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code table_kind: alerts}: one transaction per batch through {@link AlertsTable#write}. Records
 * the table rejects (no valid severity, ...: reason {@value #INVALID_ALERT}) and records the server
 * refuses (a data error, found by bisecting under savepoints) are refused; records without {@code
 * alert.issue_code} are not alerts and are counted as skipped.
 */
final class AlertsWriter implements TableWriter {
  static final String INVALID_ALERT = "invalid_alert";

  private final AlertsTable table;
  private final Duration foldWindow;
  private final List<FieldPath> foldKey;

  AlertsWriter(PostgresExporterConfig config) {
    this.table = new AlertsTable(config.tableName());
    this.foldWindow = config.alerts == null ? Duration.ZERO : config.alerts.foldWindow;
    this.foldKey = config.foldKeyPaths();
  }

  @Override
  public Written write(Connection c, List<RecordRef> refs, List<RefusedRecord> refused)
      throws SQLException {
    int[] skipped = {0};
    int written =
        Bisection.write(
            c,
            refs,
            (conn, chunk) -> {
              AlertsTable.WriteResult result =
                  table.write(conn, batchOf(chunk), foldWindow, foldKey);
              skipped[0] += result.skipped();
              for (AlertsTable.Rejected r : result.rejected()) {
                refused.add(
                    new RefusedRecord(
                        new RecordRef(r.resource(), r.scope(), r.record()),
                        INVALID_ALERT,
                        r.reason()));
              }
              return result.written();
            },
            ref -> ref,
            refused,
            null);
    return new Written(written, 0, skipped[0]);
  }

  /** A batch of {@code refs}, sharing their resources and scopes (read only). */
  private static LogsBatch batchOf(List<RecordRef> refs) {
    List<ResourceLogs> resources = new ArrayList<>();
    ResourceLogs lastResource = null;
    ScopeLogs lastScope = null;
    ResourceLogs outResource = null;
    ScopeLogs outScope = null;
    for (RecordRef ref : refs) {
      if (ref.resource() != lastResource) {
        lastResource = ref.resource();
        outResource = new ResourceLogs(ref.resource().resource(), new ArrayList<>());
        resources.add(outResource);
        lastScope = null;
      }
      if (ref.scope() != lastScope) {
        lastScope = ref.scope();
        outScope = new ScopeLogs(ref.scope().scope(), new ArrayList<>());
        outResource.scopeLogs().add(outScope);
      }
      outScope.logRecords().add(ref.record());
    }
    return new LogsBatch(resources);
  }
}
