package io.stacklens.exporter.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * Multi-row {@code INSERT ... VALUES (...), (...) [ON CONFLICT (id, time) DO NOTHING]} with bound
 * parameters, up to {@value #MAX_ROWS} rows (and under PostgreSQL's 65535 parameters) per
 * statement. Also the writer of the bisection that isolates bad records, whatever {@code
 * write_method} is.
 */
final class InsertWriter implements RowWriter {
  static final int MAX_ROWS = 500;

  private final LogsTable table;
  private final boolean skipConflicts;
  private final List<Column> columns;
  private final int rowsPerStatement;

  InsertWriter(LogsTable table, boolean skipConflicts) {
    this.table = table;
    this.skipConflicts = skipConflicts;
    this.columns = table.writtenColumns();
    this.rowsPerStatement = Math.max(1, Math.min(MAX_ROWS, 65535 / columns.size()));
  }

  private String sql(int rows) {
    StringBuilder one = new StringBuilder("(");
    for (int i = 0; i < columns.size(); i++) {
      if (i > 0) one.append(", ");
      one.append("?::").append(columns.get(i).kind().ddl);
    }
    one.append(')');
    StringBuilder sb =
        new StringBuilder("INSERT INTO ")
            .append(SqlIdentifiers.quote(table.name()))
            .append(" (")
            .append(table.columnList())
            .append(") VALUES ");
    for (int r = 0; r < rows; r++) {
      if (r > 0) sb.append(", ");
      sb.append(one);
    }
    if (skipConflicts) sb.append(" ON CONFLICT (id, time) DO NOTHING");
    return sb.toString();
  }

  @Override
  public int write(Connection c, List<LogRows.Row> rows) throws SQLException {
    int inserted = 0;
    String fullSql = null;
    for (int from = 0; from < rows.size(); from += rowsPerStatement) {
      int n = Math.min(rowsPerStatement, rows.size() - from);
      String sql;
      if (n == rowsPerStatement) {
        if (fullSql == null)
          fullSql = sql(n); // the same text each time: pgjdbc prepares it on the server once
        sql = fullSql;
      } else {
        sql = sql(n);
      }
      try (PreparedStatement s = c.prepareStatement(sql)) {
        int p = 1;
        for (int r = from; r < from + n; r++) {
          Object[] values = rows.get(r).values();
          for (int i = 0; i < values.length; i++) bind(s, p++, columns.get(i).kind(), values[i]);
        }
        inserted += s.executeUpdate();
      }
    }
    return inserted;
  }

  static void bind(PreparedStatement s, int p, Column.Kind kind, Object v) throws SQLException {
    if (v == null) {
      s.setNull(p, Types.VARCHAR);
      return;
    }
    switch (kind) {
      case UUID -> s.setObject(p, (UUID) v);
      case TIMESTAMPTZ -> s.setObject(p, offsetDateTime((Long) v));
      case SMALLINT -> s.setInt(p, ((Number) v).intValue());
      case BIGINT -> s.setLong(p, (Long) v);
      case DOUBLE -> s.setDouble(p, (Double) v);
      case BOOLEAN -> s.setBoolean(p, (Boolean) v);
      case TEXT, JSONB -> s.setString(p, (String) v);
    }
  }

  static OffsetDateTime offsetDateTime(long epochMicros) {
    return OffsetDateTime.ofInstant(
        Instant.ofEpochSecond(
            Math.floorDiv(epochMicros, 1_000_000L), Math.floorMod(epochMicros, 1_000_000L) * 1000L),
        ZoneOffset.UTC);
  }
}
