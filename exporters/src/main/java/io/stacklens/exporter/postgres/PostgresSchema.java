package io.stacklens.exporter.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The exporter's table, by {@code table_kind}: the logs table (with its partitions), the alerts
 * table or the dead-letter table, and the views over it. {@code schema: auto} creates and migrates
 * them ({@link SchemaMigrations}); {@code schema: manual} only checks them and reports each problem
 * naming the table and columns.
 */
final class PostgresSchema {
  static final String COMPONENT = "postgres_exporter";

  private final PostgresExporterConfig config;
  private final LogsTable logsTable;
  private final DeadLetterTable deadLetterTable;
  private final PartitionManager partitions;
  private final AlertsTable alertsTable;

  PostgresSchema(PostgresExporterConfig config) {
    this.config = config;
    this.logsTable = new LogsTable(config.tableName(), config.columns, config.columnSources());
    this.deadLetterTable =
        config.tableKind == PostgresExporterConfig.TableKind.DEAD_LETTERS
            ? new DeadLetterTable(config.tableName())
            : null;
    boolean alerts = config.tableKind == PostgresExporterConfig.TableKind.ALERTS;
    this.alertsTable = alerts ? new AlertsTable(config.tableName()) : null;
    boolean partitioned =
        config.tableKind == PostgresExporterConfig.TableKind.LOGS
            && config.partitioning != null
            && config.partitioning.by != PostgresExporterConfig.PartitionBy.NONE;
    this.partitions =
        partitioned
            ? new PartitionManager(
                config.tableName(),
                config.partitioning.by.name().toLowerCase(java.util.Locale.ROOT),
                config.partitioning.createAhead,
                config.retentionDuration())
            : null;
  }

  LogsTable logsTable() {
    return logsTable;
  }

  /** The dead-letter table ({@code table_kind: dead_letters}), else null. */
  DeadLetterTable deadLetterTable() {
    return deadLetterTable;
  }

  PartitionManager partitions() {
    return partitions;
  }

  /**
   * Auto: creates or migrates everything and returns no problems. Manual: returns what does not
   * match (empty when all is fine). Leaves {@code c} outside a transaction.
   */
  List<String> prepare(Connection c, Instant now) throws SQLException {
    if (config.schema == PostgresExporterConfig.SchemaMode.MANUAL) {
      try {
        return check(c);
      } finally {
        SchemaMigrations.rollbackQuietly(c);
      }
    }
    if (deadLetterTable != null) {
      SchemaMigrations.apply(
          c, COMPONENT, deadLetterTable.name(), deadLetterTable.migrations(), List.of());
    } else if (alertsTable != null) {
      SchemaMigrations.apply(
          c,
          COMPONENT,
          alertsTable.table(),
          List.of(new SchemaMigrations.Migration(1, alertsTable.ddl())),
          List.of());
    } else {
      String clause = partitions == null ? "" : partitions.partitionClause();
      List<String> everyStart = new ArrayList<>(logsTable.addPromotedColumns());
      everyStart.addAll(logsTable.createIndexes());
      SchemaMigrations.apply(
          c,
          COMPONENT,
          logsTable.name(),
          List.of(new SchemaMigrations.Migration(1, List.of(logsTable.createTable(clause)))),
          everyStart);
      List<String> problems = checkPartitioning(c);
      if (!problems.isEmpty()) {
        SchemaMigrations.rollbackQuietly(c);
        return problems;
      }
      if (partitions != null) {
        partitions.ensurePartitions(c, now);
        c.commit();
      }
    }
    createViews(c);
    return List.of();
  }

  private void createViews(Connection c) throws SQLException {
    try {
      SchemaMigrations.lock(c, "views");
      Views.create(
          c,
          config.tableKind == PostgresExporterConfig.TableKind.LOGS ? logsTable.name() : null,
          alertsTable == null ? null : alertsTable.table(),
          deadLetterTable == null ? null : deadLetterTable.name());
      c.commit();
    } catch (SQLException | RuntimeException e) {
      SchemaMigrations.rollbackQuietly(c);
      throw e;
    }
  }

  private List<String> check(Connection c) throws SQLException {
    List<String> problems = new ArrayList<>();
    if (deadLetterTable != null) {
      problems.addAll(deadLetterTable.check(c));
    } else if (alertsTable != null) {
      problems.addAll(alertsTable.check(c));
    } else {
      problems.addAll(logsTable.check(c, config.exactlyOnce));
      if (problems.isEmpty()) problems.addAll(checkPartitioning(c));
    }
    return problems;
  }

  /** The table must be partitioned exactly when partitioning is configured. */
  private List<String> checkPartitioning(Connection c) throws SQLException {
    boolean isPartitioned;
    try (PreparedStatement s =
        c.prepareStatement("SELECT relkind FROM pg_class WHERE oid = to_regclass(?)")) {
      s.setString(1, SqlIdentifiers.quote(logsTable.name()));
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) return List.of();
        isPartitioned = "p".equals(rs.getString(1));
      }
    }
    if (partitions != null && !isPartitioned) {
      return List.of(
          "table "
              + logsTable.name()
              + " exists but is not partitioned, while partitioning.by is "
              + config.partitioning.by.name().toLowerCase(java.util.Locale.ROOT)
              + " (a table cannot be partitioned after the fact: rename it and let the exporter create a new one)");
    }
    if (partitions == null && isPartitioned) {
      return List.of(
          "table "
              + logsTable.name()
              + " is partitioned, but partitioning.by is none: set partitioning.by "
              + "to the table's scheme so partitions get created");
    }
    return List.of();
  }

  /** Creates partitions ahead and drops expired ones; returns the names dropped. */
  List<String> maintainPartitions(Connection c, Instant now) throws SQLException {
    if (partitions == null) return List.of();
    try {
      partitions.ensurePartitions(c, now);
      List<String> dropped = partitions.dropExpired(c, now);
      c.commit();
      return dropped;
    } catch (SQLException | RuntimeException e) {
      SchemaMigrations.rollbackQuietly(c);
      throw e;
    }
  }
}
