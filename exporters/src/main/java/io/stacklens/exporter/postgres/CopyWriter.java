package io.stacklens.exporter.postgres;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * COPY in text format, straight into the table. With exactly-once, COPY cannot skip rows already in
 * the table, so it runs under a savepoint: a batch with no such row (the usual case) costs a plain
 * COPY; one that meets a row of the same (id, time) (unique violation, 23505: a retry or a replay)
 * is rolled back to the savepoint and written again through a per-connection temporary staging
 * table ({@code ON COMMIT DELETE ROWS}) and {@code INSERT INTO table SELECT ... FROM staging ON
 * CONFLICT (id, time) DO NOTHING}. Replays come in runs, so after a conflict the next {@value
 * #STAGED_AFTER_CONFLICT} batches take the staging table at once instead of failing first.
 */
final class CopyWriter implements RowWriter {
  private static final int FLUSH_CHARS = 256 * 1024;
  static final int STAGED_AFTER_CONFLICT = 64;
  private static final String UNIQUE_VIOLATION = "23505";

  private final LogsTable table;
  private final boolean exactlyOnce;
  private final List<Column> columns;
  private final String staging;
  private final String copySql;
  private final String stageSql;
  private final String moveSql;

  /** Batches left to write through the staging table since the last conflict. */
  private final AtomicInteger stagedBatchesLeft = new AtomicInteger();

  /** Connections whose session has the staging table. */
  private final Map<Connection, Boolean> staged = Collections.synchronizedMap(new WeakHashMap<>());

  CopyWriter(LogsTable table, boolean exactlyOnce) {
    this.table = table;
    this.exactlyOnce = exactlyOnce;
    this.columns = table.writtenColumns();
    this.staging = SqlIdentifiers.quote("stacklens_stage_" + table.name());
    this.copySql =
        "COPY " + SqlIdentifiers.quote(table.name()) + " (" + table.columnList() + ") FROM STDIN";
    this.stageSql = "COPY " + staging + " (" + table.columnList() + ") FROM STDIN";
    this.moveSql =
        "INSERT INTO "
            + SqlIdentifiers.quote(table.name())
            + " ("
            + table.columnList()
            + ") SELECT "
            + table.columnList()
            + " FROM "
            + staging
            + " ON CONFLICT (id, time) DO NOTHING";
  }

  @Override
  public int write(Connection c, List<LogRows.Row> rows) throws SQLException {
    if (rows.isEmpty()) return 0;
    if (!exactlyOnce) return (int) copy(c, copySql, rows);
    // One atomic step, so that senders racing for the last staged batch cannot take it twice.
    if (stagedBatchesLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) return writeStaged(c, rows);
    Savepoint sp = c.setSavepoint();
    long copied;
    try {
      copied = copy(c, copySql, rows);
    } catch (SQLException e) {
      if (!UNIQUE_VIOLATION.equals(e.getSQLState())) throw e;
      c.rollback(sp);
      stagedBatchesLeft.set(STAGED_AFTER_CONFLICT);
      return writeStaged(c, rows);
    }
    c.releaseSavepoint(sp);
    return (int) copied;
  }

  /** COPY into the staging table, then what the table does not have yet into the table. */
  private int writeStaged(Connection c, List<LogRows.Row> rows) throws SQLException {
    if (staged.get(c) == null) {
      try (Statement s = c.createStatement()) {
        // Created in the batch's transaction: a rollback takes it away again, and then so does the
        // flag below.
        s.execute(
            "CREATE TEMP TABLE IF NOT EXISTS "
                + staging
                + " (LIKE "
                + SqlIdentifiers.quote(table.name())
                + " INCLUDING DEFAULTS) ON COMMIT DELETE ROWS");
      }
    }
    copy(c, stageSql, rows);
    int inserted;
    try (Statement s = c.createStatement()) {
      inserted = s.executeUpdate(moveSql);
    }
    staged.put(c, Boolean.TRUE);
    return inserted;
  }

  private long copy(Connection c, String sql, List<LogRows.Row> rows) throws SQLException {
    CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
    try {
      StringBuilder sb = new StringBuilder(Math.min(FLUSH_CHARS * 2, rows.size() * 512 + 64));
      for (LogRows.Row row : rows) {
        appendRow(sb, row.values());
        if (sb.length() >= FLUSH_CHARS) {
          flush(copy, sb);
        }
      }
      flush(copy, sb);
      return copy.endCopy();
    } finally {
      if (copy.isActive()) {
        try {
          copy.cancelCopy();
        } catch (SQLException ignored) {
          // the connection is broken; the caller discards it
        }
      }
    }
  }

  /** Forgets {@code c}'s staging table (after a rollback of the transaction that created it). */
  void forget(Connection c) {
    staged.remove(c);
  }

  private static void flush(CopyIn copy, StringBuilder sb) throws SQLException {
    if (sb.length() == 0) return;
    byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
    copy.writeToCopy(bytes, 0, bytes.length);
    sb.setLength(0);
  }

  private void appendRow(StringBuilder sb, Object[] values) {
    for (int i = 0; i < values.length; i++) {
      if (i > 0) sb.append('\t');
      Object v = values[i];
      if (v == null) {
        sb.append("\\N");
        continue;
      }
      switch (columns.get(i).kind()) {
        case UUID -> sb.append(((UUID) v).toString());
        case TIMESTAMPTZ -> appendTimestamp(sb, (Long) v);
        case SMALLINT, BIGINT -> sb.append(((Number) v).longValue());
        case DOUBLE -> sb.append(((Double) v).doubleValue());
        case BOOLEAN -> sb.append((Boolean) v ? 't' : 'f');
        case TEXT, JSONB -> appendEscaped(sb, (String) v);
      }
    }
    sb.append('\n');
  }

  /**
   * COPY text escapes: backslash, newline, carriage return, tab. (A NUL stays: the server refuses
   * it, 22021.)
   */
  static void appendEscaped(StringBuilder sb, String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> sb.append(ch);
      }
    }
  }

  /** {@code 2024-05-01 12:34:56.123456+00} */
  static void appendTimestamp(StringBuilder sb, long epochMicros) {
    long seconds = Math.floorDiv(epochMicros, 1_000_000L);
    int micros = (int) Math.floorMod(epochMicros, 1_000_000L);
    LocalDateTime t = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
    pad(sb, t.getYear(), 4).append('-');
    pad(sb, t.getMonthValue(), 2).append('-');
    pad(sb, t.getDayOfMonth(), 2).append(' ');
    pad(sb, t.getHour(), 2).append(':');
    pad(sb, t.getMinute(), 2).append(':');
    pad(sb, t.getSecond(), 2).append('.');
    pad(sb, micros, 6).append("+00");
  }

  private static StringBuilder pad(StringBuilder sb, int v, int width) {
    String s = Integer.toString(v);
    for (int i = s.length(); i < width; i++) sb.append('0');
    return sb.append(s);
  }
}
