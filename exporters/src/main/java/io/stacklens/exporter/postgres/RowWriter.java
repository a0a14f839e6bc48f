package io.stacklens.exporter.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** Writes rows of the logs table within the caller's transaction; returns how many rows are new. */
interface RowWriter {
  int write(Connection c, List<LogRows.Row> rows) throws SQLException;
}
