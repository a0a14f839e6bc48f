package io.stacklens.agent.sql;

import java.net.SocketTimeoutException;
import java.sql.SQLException;

/**
 * Sorts a failed statement by its SQLState (PostgreSQL's codes), the one classification every
 * database user of the agent shares.
 *
 * <ul>
 *   <li><b>Connection failures</b> ({@link #isConnectionFailure}): the server could not be reached
 *       or went away — no SQLState (an I/O error), class 08 (connection exception), 57P
 *       (administrator or crash shutdown, cannot connect now), 53300 (too many connections). The
 *       connection is useless: discard it.
 *   <li><b>Data errors</b> ({@link #isDataError}): the statement was refused because of the values
 *       it carried — class 22 (data exception: a value too long, a NUL byte, a number out of
 *       range), class 23 (integrity constraint violation) and 54000 (program limit exceeded, e.g.
 *       an index row too large). Writing the same values again fails again; the records concerned
 *       are refused for good.
 *   <li>Everything else (serialization failure 40001, deadlock 40P01, statement timeout or cancel
 *       57014, unknown codes) is neither: the connection is fine and a writer may retry.
 * </ul>
 *
 * <p>Reasons are short labels for metrics and dead letters: {@link #retryReason} for a failure
 * worth retrying ({@code connection_lost}, {@code deadlock}, {@code statement_timeout}, ...),
 * {@link #name} for a SQLState ({@code character_not_in_repertoire}).
 */
public final class SqlErrors {
  private SqlErrors() {}

  /**
   * True when the server could not be reached or went away (as opposed to refusing a statement).
   */
  public static boolean isConnectionFailure(SQLException e) {
    String state = e.getSQLState();
    return state == null
        || state.startsWith("08")
        || state.startsWith("57P")
        || state.equals("53300");
  }

  /** True when the values of the statement were refused: writing them again can never succeed. */
  public static boolean isDataError(SQLException e) {
    String state = e.getSQLState();
    if (state == null) return false;
    return state.startsWith("22") || state.startsWith("23") || state.equals("54000");
  }

  /**
   * True when {@code e} or one of its causes is a client-side socket timeout (the server stopped
   * answering).
   */
  public static boolean isSocketTimeout(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SocketTimeoutException) return true;
    }
    return false;
  }

  /**
   * The SQLState and its name, e.g. {@code 22021 character_not_in_repertoire}; {@code io_error}
   * without a SQLState.
   */
  public static String reason(SQLException e) {
    String state = e.getSQLState();
    if (state == null) return "io_error";
    return state + " " + name(state);
  }

  /** A metric label for a failure a writer retries. */
  public static String retryReason(SQLException e) {
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

  /**
   * The name of a SQLState a log writer meets ({@code 22001 -> string_data_right_truncation}), else
   * of its class.
   */
  public static String name(String state) {
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
      default ->
          state.startsWith("08")
              ? "connection_exception"
              : state.startsWith("22")
                  ? "data_exception"
                  : state.startsWith("23") ? "integrity_constraint_violation" : "error";
    };
  }

  /**
   * The driver's message without the server's {@code ERROR: } prefix and its further lines (detail,
   * position).
   */
  public static String message(SQLException e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage().strip();
    if (m.startsWith("ERROR: ")) m = m.substring(7);
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl).strip();
  }
}
