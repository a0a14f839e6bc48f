package io.stacklens.exporter.postgres;

import io.stacklens.agent.sql.SqlErrors;
import java.sql.SQLException;

/**
 * A record the table will never take, and why: {@code reason} is a short label ({@code
 * conversion_failed}, {@code invalid_alert}, or the SQLState's name such as {@code
 * character_not_in_repertoire}) and {@code detail} the specifics (the server's message with its
 * SQLState, the column that did not convert).
 */
record RefusedRecord(RecordRef ref, String reason, String detail) {
  /** A record the server refused with a data error. */
  static RefusedRecord of(RecordRef ref, SQLException dataError) {
    String state = dataError.getSQLState();
    return new RefusedRecord(ref, SqlErrors.name(state), state + ": " + PgErrors.detail(dataError));
  }
}
