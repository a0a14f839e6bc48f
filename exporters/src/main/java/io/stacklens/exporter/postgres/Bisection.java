package io.stacklens.exporter.postgres;

import io.stacklens.agent.sql.SqlErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;
import java.util.function.Function;

/**
 * Finds the records the server refuses: writes a list under a savepoint and, on a data error
 * ({@link SqlErrors#isDataError}), rolls back to it and writes each half the same way, until every
 * refused item is alone. One bad record costs about 2·log2(n) extra statements; the good ones are
 * written in the caller's transaction. Other errors propagate (the caller rolls back and retries).
 */
final class Bisection {
  private Bisection() {}

  /**
   * Writes a chunk of items in the caller's transaction; returns what it counts (e.g. rows
   * inserted).
   */
  interface Writer<T> {
    int write(Connection c, List<T> items) throws SQLException;
  }

  /**
   * Writes {@code items}, adding the refused ones to {@code refused}; returns the sum of what the
   * writes returned. With {@code known} (the data error {@code items} as a whole already met, its
   * transaction rolled back by the caller) the list is split at once.
   */
  static <T> int write(
      Connection c,
      List<T> items,
      Writer<T> writer,
      Function<T, RecordRef> refOf,
      List<RefusedRecord> refused,
      SQLException known)
      throws SQLException {
    if (items.isEmpty()) return 0;
    SQLException dataError = known;
    if (dataError == null) {
      Savepoint sp = c.setSavepoint();
      try {
        int n = writer.write(c, items);
        c.releaseSavepoint(sp);
        return n;
      } catch (SQLException e) {
        c.rollback(sp);
        if (!SqlErrors.isDataError(e)) throw e;
        dataError = e;
      }
    }
    if (items.size() == 1) {
      refused.add(RefusedRecord.of(refOf.apply(items.get(0)), dataError));
      return 0;
    }
    int half = items.size() / 2;
    return write(c, items.subList(0, half), writer, refOf, refused, null)
        + write(c, items.subList(half, items.size()), writer, refOf, refused, null);
  }
}
