package io.stacklens.exporter.postgres;

import io.stacklens.agent.sql.SqlErrors;
import io.stacklens.agent.telemetry.Counter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code table_kind: logs}: the records become rows ({@link LogRows}); a promoted value that does
 * not convert refuses its record before anything is sent. The rows are written with the fast writer
 * (COPY, or multi-row INSERT); when the server refuses one for its data, the transaction is rolled
 * back and the rows are written again with INSERT, bisected under savepoints ({@link Bisection})
 * until each refused row is alone. Rows already in the table (same deterministic id) are skipped
 * and counted as duplicates.
 */
final class LogsWriter implements TableWriter {
  private final ThreadLocal<LogRows> rows;
  private final CopyWriter copyWriter;
  private final InsertWriter bisectWriter;
  private final RowWriter fastWriter;
  private final Counter bisections;

  LogsWriter(PostgresExporterConfig config, LogsTable table, Counter bisections) {
    this.rows = ThreadLocal.withInitial(() -> new LogRows(table, config.exactlyOnce));
    this.copyWriter =
        config.writeMethod == PostgresExporterConfig.WriteMethod.COPY
            ? new CopyWriter(table, config.exactlyOnce)
            : null;
    this.bisectWriter = new InsertWriter(table, config.exactlyOnce);
    this.fastWriter = copyWriter != null ? copyWriter : bisectWriter;
    this.bisections = bisections;
  }

  @Override
  public Written write(Connection c, List<RecordRef> refs, List<RefusedRecord> refused)
      throws SQLException {
    LogRows.Encoded encoded = rows.get().encode(refs);
    refused.addAll(encoded.failures());
    List<RefusedRecord> refusedRows = new ArrayList<>();
    int inserted;
    try {
      inserted = fastWriter.write(c, encoded.rows());
    } catch (SQLException e) {
      if (!SqlErrors.isDataError(e)) throw e;
      c.rollback();
      forget(c);
      bisections.inc();
      inserted =
          Bisection.write(c, encoded.rows(), bisectWriter::write, LogRows.Row::ref, refusedRows, e);
    }
    refused.addAll(refusedRows);
    return new Written(inserted, encoded.rows().size() - inserted - refusedRows.size(), 0);
  }

  @Override
  public void forget(Connection c) {
    if (copyWriter != null) copyWriter.forget(c);
  }
}
