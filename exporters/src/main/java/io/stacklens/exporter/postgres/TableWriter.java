package io.stacklens.exporter.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Writes the records of one push into the exporter's table, in the caller's transaction (the caller
 * commits). Records the table will never take are added to {@code refused}, never thrown: the rest
 * is written. A database error that is not about the data propagates; the caller rolls back.
 */
interface TableWriter {
  /** What a write did, counted once the transaction is committed. */
  record Written(int rows, int duplicates, int skipped) {}

  Written write(Connection c, List<RecordRef> refs, List<RefusedRecord> refused)
      throws SQLException;

  /** Forgets per-connection state after {@code c} was rolled back or discarded. */
  default void forget(Connection c) {}
}
