package io.stacklens.exporter.postgres;

import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.expr.FieldPath;
import io.stacklens.agent.sql.SqlErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code table_kind: alerts}: one transaction per batch through {@link AlertsTable#write}. Records the
 * table rejects (no valid severity, ...) and records the server refuses (a data error, found by
 * bisecting under savepoints) go to the dead-letter table; records without {@code alert.issue_code}
 * are not alerts and are counted as skipped.
 */
final class AlertsWriter {
  static final String INVALID_ALERT = "invalid_alert";

  private final AlertsTable table;
  private final Duration foldWindow;
  private final List<FieldPath> foldKey;

  AlertsWriter(PostgresExporterConfig config) {
    this.table = new AlertsTable(config.tableName());
    this.foldWindow = config.alerts == null ? Duration.ZERO : config.alerts.foldWindow;
    this.foldKey = config.foldKeyPaths();
  }

  void write(Connection c, LogsBatch batch, PostgresExporter exporter, int retries) throws SQLException {
    List<DeadLetterTable.DeadLetter> letters = new ArrayList<>();
    int[] counts = new int[2]; // written, skipped
    writeBisecting(c, PostgresExporter.refs(batch), letters, counts, true);
    exporter.deadLetters().write(c, exporter.exporterId(), table.table(), letters, retries);
    c.commit();
    exporter.rowsInserted().add(counts[0]);
    exporter.skipped(counts[1]);
    exporter.countDeadLetters(letters);
  }

  private void writeBisecting(Connection c, List<RecordRef> refs, List<DeadLetterTable.DeadLetter> letters, int[] counts,
      boolean whole) throws SQLException {
    if (refs.isEmpty()) return;
    Savepoint sp = c.setSavepoint();
    AlertsTable.WriteResult result;
    try {
      result = table.write(c, batchOf(refs), foldWindow, foldKey);
      c.releaseSavepoint(sp);
    } catch (SQLException e) {
      c.rollback(sp);
      if (!SqlErrors.isDataError(e)) throw e;
      if (refs.size() == 1) {
        letters.add(new DeadLetterTable.DeadLetter(refs.get(0), SqlErrors.reason(e), PgErrors.detail(e)));
        return;
      }
      int half = refs.size() / 2;
      writeBisecting(c, refs.subList(0, half), letters, counts, false);
      writeBisecting(c, refs.subList(half, refs.size()), letters, counts, false);
      return;
    }
    counts[0] += result.written();
    counts[1] += result.skipped();
    for (AlertsTable.Rejected r : result.rejected()) {
      letters.add(new DeadLetterTable.DeadLetter(new RecordRef(r.resource(), r.scope(), r.record()), INVALID_ALERT, r.reason()));
    }
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
