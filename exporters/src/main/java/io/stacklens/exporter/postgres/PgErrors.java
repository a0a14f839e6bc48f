package io.stacklens.exporter.postgres;

import java.sql.SQLException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * The server's own words for a failed statement, read from pgjdbc's error fields. Which failures
 * are retried and which refuse records is decided by the shared {@link
 * io.stacklens.agent.sql.SqlErrors}.
 */
final class PgErrors {
  private PgErrors() {}

  /**
   * The server's message with its detail in parentheses (no "ERROR:" prefix, no hint), else the
   * driver's message.
   */
  static String detail(SQLException e) {
    if (e instanceof PSQLException p) {
      ServerErrorMessage m = p.getServerErrorMessage();
      if (m != null && m.getMessage() != null) {
        return m.getDetail() == null ? m.getMessage() : m.getMessage() + " (" + m.getDetail() + ")";
      }
    }
    return e.getMessage();
  }
}
