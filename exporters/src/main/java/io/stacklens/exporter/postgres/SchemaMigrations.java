package io.stacklens.exporter.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Versioned, idempotent schema changes for {@code schema: auto}. The versions applied are kept in
 * {@code stacklens_schema_migrations(component, table_name, version, applied_at)}; each table's
 * migrations run in one transaction that holds {@code pg_advisory_xact_lock(hashtext('stacklens:'
 * || table))}, so agents starting at once apply them one after the other and the later ones find
 * nothing to do.
 */
final class SchemaMigrations {
  static final String TABLE = "stacklens_schema_migrations";

  /** One numbered step: statements run once per table. */
  record Migration(int version, List<String> statements) {}

  private SchemaMigrations() {}

  /**
   * Applies the migrations of {@code table} not yet recorded, then {@code everyStart} (idempotent
   * statements that depend on the config, such as promoted columns and their indexes), and commits.
   * Returns the versions applied now.
   */
  static List<Integer> apply(
      Connection c,
      String component,
      String table,
      List<Migration> migrations,
      List<String> everyStart)
      throws SQLException {
    ensureVersionTable(c);
    try {
      lock(c, table);
      Set<Integer> done = new HashSet<>();
      try (PreparedStatement s =
          c.prepareStatement(
              "SELECT version FROM " + TABLE + " WHERE component = ? AND table_name = ?")) {
        s.setString(1, component);
        s.setString(2, table);
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) done.add(rs.getInt(1));
        }
      }
      List<Integer> applied = new java.util.ArrayList<>();
      for (Migration m : migrations) {
        if (done.contains(m.version())) continue;
        LogsTable.execute(c, m.statements());
        try (PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO "
                    + TABLE
                    + " (component, table_name, version, applied_at) VALUES (?, ?, ?, now())")) {
          s.setString(1, component);
          s.setString(2, table);
          s.setInt(3, m.version());
          s.executeUpdate();
        }
        applied.add(m.version());
      }
      LogsTable.execute(c, everyStart);
      c.commit();
      return applied;
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(c);
      throw e;
    }
  }

  /**
   * The version table itself, created under its own lock (two tables' migrations may start at
   * once).
   */
  private static void ensureVersionTable(Connection c) throws SQLException {
    try {
      lock(c, TABLE);
      try (Statement s = c.createStatement()) {
        s.execute(
            "CREATE TABLE IF NOT EXISTS "
                + TABLE
                + " (component text NOT NULL, table_name text NOT NULL, "
                + "version int NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), "
                + "PRIMARY KEY (component, table_name, version))");
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(c);
      throw e;
    }
  }

  /** Takes the transaction-scoped advisory lock of {@code table}. */
  static void lock(Connection c, String table) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext('stacklens:' || ?))")) {
      s.setString(1, table);
      s.execute();
    }
  }

  static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the connection is broken; its transaction is gone with it
    }
  }
}
