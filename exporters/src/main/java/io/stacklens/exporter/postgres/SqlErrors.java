package io.stacklens.exporter.postgres;

import java.sql.SQLException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Sorts a failed write by SQLState. <b>Data errors</b> (class 22 data exception, class 23 integrity
 * violation, 54000 program limit such as an index row too large) belong to some record of the batch:
 * the batch is bisected to find it, and it goes to the dead-letter table. Everything else is
 * <b>retryable</b>: connection loss (08), serialization failure (40001), deadlock (40P01), statement
 * timeout or cancel (57014), administrator shutdown (57P), too many connections (53300), and
 * anything unknown (a wrong guess costs a bounded retry; the other mistake would lose records).
 */
final class SqlErrors {
  private SqlErrors() {}

  static boolean isDataError(SQLException e) {
    String state = e.getSQLState();
    if (state == null) return false;
    return state.startsWith("22") || state.startsWith("23") || state.equals("54000");
  }

  /** True when the server could not be reached or went away (as opposed to refusing a statement). */
  static boolean isConnectionProblem(SQLException e) {
    String state = e.getSQLState();
    return state == null || state.startsWith("08") || state.startsWith("57P") || state.equals("53300");
  }

  /** A short metric/dead-letter reason: the SQLState and its name, e.g. {@code 22021 character_not_in_repertoire}. */
  static String reason(SQLException e) {
    String state = e.getSQLState();
    if (state == null) return "io_error";
    return state + " " + name(state);
  }

  /** A metric label for a retryable failure. */
  static String retryReason(SQLException e) {
    String state = e.getSQLState();
    if (state == null) return "io_error";
    if (state.startsWith("08")) return "connection_lost";
    return switch (state) {
      case "40001" -> "serialization_failure";
      case "40P01" -> "deadlock";
      case "57014" -> "statement_timeout";
      case "53300" -> "too_many_connections";
      case "57P01", "57P02", "57P03" -> "server_shutdown";
      default -> "sqlstate_" + state;
    };
  }

  /** The server's message (without the "ERROR:" prefix and hints), else the driver's. */
  static String detail(SQLException e) {
    if (e instanceof PSQLException p) {
      ServerErrorMessage m = p.getServerErrorMessage();
      if (m != null && m.getMessage() != null) {
        return m.getDetail() == null ? m.getMessage() : m.getMessage() + " (" + m.getDetail() + ")";
      }
    }
    return e.getMessage();
  }

  /** Names of the SQLStates a log writer meets; others are named by their class. */
  static String name(String state) {
    return switch (state) {
      case "22001" -> "string_data_right_truncation";
      case "22003" -> "numeric_value_out_of_range";
      case "22007" -> "invalid_datetime_format";
      case "22008" -> "datetime_field_overflow";
      case "22021" -> "character_not_in_repertoire";
      case "22023" -> "invalid_parameter_value";
      case "22P02" -> "invalid_text_representation";
      case "22P05" -> "untranslatable_character";
      case "23502" -> "not_null_violation";
      case "23503" -> "foreign_key_violation";
      case "23505" -> "unique_violation";
      case "23514" -> "check_violation";
      case "54000" -> "program_limit_exceeded";
      default -> state.startsWith("08") ? "connection_exception" : state.startsWith("22") ? "data_exception" : state.startsWith("23") ? "integrity_constraint_violation" : "error";
    };
  }
}
