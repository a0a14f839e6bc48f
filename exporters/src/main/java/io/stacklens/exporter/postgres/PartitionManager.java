package io.stacklens.exporter.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Creates and drops the time-range partitions of a table declared {@code PARTITION BY RANGE
 * (time)}.
 *
 * <p>Partitions cover whole UTC days ({@code <table>_pYYYYMMDD}) or UTC months ({@code
 * <table>_pYYYYMM}), plus one DEFAULT partition {@code <table>_default} that takes rows no other
 * partition covers (records from before the first partition, or further ahead than {@code
 * createAhead}).
 *
 * <p>{@link #ensurePartitions} creates the partition of {@code now} and {@code createAhead}
 * following ones. When a partition is first created, rows of its range already in the default
 * partition (they arrived before the partition existed) are moved into it, so creating it never
 * fails on them. Partitions for past ranges are never created: older rows stay in the default
 * partition.
 *
 * <p>{@link #dropExpired} drops every partition named by this scheme (day or month, whatever the
 * current setting) whose whole range ends at or before {@code now - retention}, and deletes the
 * rows older than that from the default partition (a row delete, not a drop: the default partition
 * stays). Partitions with other names are never touched.
 *
 * <p>Both take the transaction-level advisory lock {@code
 * pg_advisory_xact_lock(hashtext('stacklens:' || table))}, the lock schema migrations of the same
 * table hold, so agents sharing a database (and concurrent calls in one agent) create each
 * partition once and never race on the catalog. In the steady state (every partition already there)
 * {@link #ensurePartitions} only reads the catalog and takes no lock. On a connection in
 * auto-commit mode each call runs in its own transaction; on a connection in a transaction it runs
 * inside the caller's transaction and leaves the commit to the caller.
 *
 * <p>Table names are lower-case SQL identifiers, optionally schema-qualified ({@code
 * logs.enriched_logs}).
 */
public final class PartitionManager {
  /** Partitioning by UTC day. */
  public static final String DAY = "day";

  /** Partitioning by UTC month. */
  public static final String MONTH = "month";

  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");
  private static final int MAX_IDENTIFIER = 63;
  private static final DateTimeFormatter DAY_SUFFIX =
      DateTimeFormatter.ofPattern("yyyyMMdd", Locale.ROOT);
  private static final DateTimeFormatter MONTH_SUFFIX =
      DateTimeFormatter.ofPattern("yyyyMM", Locale.ROOT);

  private final String table; // as given, possibly schema-qualified
  private final String schemaPrefix; // "" or "schema."
  private final String baseName; // table without schema
  private final boolean byDay;
  private final int createAhead;
  private final Duration retention;
  private final Pattern partitionName;

  /**
   * @param table the partitioned table, a lower-case identifier, optionally {@code schema.table}
   * @param by {@value #DAY} or {@value #MONTH}
   * @param createAhead how many partitions after the current one to create (0 or more)
   * @param retention rows older than this are dropped by {@link #dropExpired}; zero or null: keep
   *     everything
   */
  public PartitionManager(String table, String by, int createAhead, Duration retention) {
    requireTableName(table);
    int dot = table.indexOf('.');
    String schema = dot < 0 ? null : table.substring(0, dot);
    String name = dot < 0 ? table : table.substring(dot + 1);
    if (name.length() + "_p20240101".length() > MAX_IDENTIFIER) {
      throw new IllegalArgumentException(
          "table name '"
              + name
              + "' is too long for partition names (<table>_pYYYYMMDD): at most "
              + (MAX_IDENTIFIER - "_p20240101".length())
              + " characters");
    }
    if (!DAY.equals(by) && !MONTH.equals(by)) {
      throw new IllegalArgumentException("partitioning must be 'day' or 'month', got '" + by + "'");
    }
    if (createAhead < 0)
      throw new IllegalArgumentException("create_ahead must be 0 or more, got " + createAhead);
    if (retention != null && retention.isNegative()) {
      throw new IllegalArgumentException("retention must not be negative, got " + retention);
    }
    this.table = table;
    this.schemaPrefix = schema == null ? "" : schema + ".";
    this.baseName = name;
    this.byDay = DAY.equals(by);
    this.createAhead = createAhead;
    this.retention = retention == null ? Duration.ZERO : retention;
    this.partitionName = Pattern.compile(Pattern.quote(name) + "_p(\\d{8}|\\d{6})");
  }

  /**
   * Checks that {@code table} is a lower-case SQL identifier, optionally schema-qualified, so it
   * can be written into SQL unquoted; throws IllegalArgumentException naming the problem otherwise.
   */
  static void requireTableName(String table) {
    if (table == null || table.isEmpty()) throw new IllegalArgumentException("table is required");
    int dot = table.indexOf('.');
    String schema = dot < 0 ? null : table.substring(0, dot);
    String name = dot < 0 ? table : table.substring(dot + 1);
    if (schema != null && !IDENTIFIER.matcher(schema).matches()) {
      throw new IllegalArgumentException(
          "schema of table '" + table + "' must be a lower-case identifier matching " + IDENTIFIER);
    }
    if (!IDENTIFIER.matcher(name).matches() || name.length() > MAX_IDENTIFIER) {
      throw new IllegalArgumentException(
          "table '"
              + table
              + "' must be a lower-case identifier matching "
              + IDENTIFIER
              + " of at most "
              + MAX_IDENTIFIER
              + " characters");
    }
  }

  /** The clause that ends the table's CREATE TABLE: {@code PARTITION BY RANGE (time)}. */
  public String partitionClause() {
    return "PARTITION BY RANGE (time)";
  }

  /**
   * The name (without schema) of the partition holding {@code time}: {@code <table>_p20240501} or
   * {@code <table>_p202405}.
   */
  public String partitionNameFor(Instant time) {
    LocalDate d = LocalDate.ofInstant(time, ZoneOffset.UTC);
    return baseName + "_p" + (byDay ? DAY_SUFFIX.format(d) : MONTH_SUFFIX.format(d));
  }

  /** The name (without schema) of the default partition: {@code <table>_default}. */
  public String defaultPartitionName() {
    return baseName + "_default";
  }

  /**
   * Creates, if missing, the partition of {@code now}, the {@code createAhead} following ones and
   * the default partition, moving rows of a new partition's range out of the default partition.
   * Idempotent; safe to call concurrently from several connections and agents.
   */
  public void ensurePartitions(Connection c, Instant now) throws SQLException {
    List<LocalDate> missing = new ArrayList<>();
    LocalDate start = periodStart(LocalDate.ofInstant(now, ZoneOffset.UTC));
    for (int i = 0; i <= createAhead; i++) {
      LocalDate from = byDay ? start.plusDays(i) : start.plusMonths(i);
      if (!exists(c, nameOf(from))) missing.add(from);
    }
    boolean defaultMissing = !exists(c, defaultPartitionName());
    if (missing.isEmpty() && !defaultMissing) return;

    inTransaction(
        c,
        () -> {
          lock(c);
          try (Statement s = c.createStatement()) {
            // the default first: a partition created later then takes its range's rows out of it
            s.execute(
                "CREATE TABLE IF NOT EXISTS "
                    + schemaPrefix
                    + defaultPartitionName()
                    + " PARTITION OF "
                    + table
                    + " DEFAULT");
          }
          for (LocalDate from : missing) {
            if (!exists(c, nameOf(from)))
              create(c, from); // another agent may have made it while we waited for the lock
          }
          return null;
        });
  }

  /**
   * Drops the partitions whose whole range ends at or before {@code now - retention} and deletes
   * the rows older than that from the default partition. Returns the names of the dropped
   * partitions (empty when retention is zero).
   */
  public List<String> dropExpired(Connection c, Instant now) throws SQLException {
    if (retention.isZero()) return List.of();
    Instant cutoff = now.minus(retention);
    return inTransaction(
        c,
        () -> {
          lock(c);
          List<String> expired = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT child.relname FROM pg_inherits i JOIN pg_class child ON child.oid = i.inhrelid"
                      + " WHERE i.inhparent = to_regclass(?) ORDER BY child.relname")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                String name = rs.getString(1);
                Instant end = endOf(name);
                if (end != null && !end.isAfter(cutoff)) expired.add(name);
              }
            }
          }
          try (Statement s = c.createStatement()) {
            for (String name : expired) s.execute("DROP TABLE IF EXISTS " + schemaPrefix + name);
          }
          if (exists(c, defaultPartitionName())) {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "DELETE FROM " + schemaPrefix + defaultPartitionName() + " WHERE time < ?")) {
              ps.setObject(1, cutoff.atOffset(ZoneOffset.UTC));
              ps.executeUpdate();
            }
          }
          return expired;
        });
  }

  /**
   * Partition names this manager created or would create, parsed back to the end of their range;
   * null for other names.
   */
  Instant endOf(String partition) {
    Matcher m = partitionName.matcher(partition);
    if (!m.matches()) return null;
    String digits = m.group(1);
    try {
      if (digits.length() == 8) {
        return LocalDate.parse(digits, DateTimeFormatter.BASIC_ISO_DATE)
            .plusDays(1)
            .atStartOfDay(ZoneOffset.UTC)
            .toInstant();
      }
      int year = Integer.parseInt(digits.substring(0, 4));
      int month = Integer.parseInt(digits.substring(4));
      return LocalDate.of(year, month, 1).plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (RuntimeException notADate) {
      return null;
    }
  }

  private void create(Connection c, LocalDate from) throws SQLException {
    LocalDate to = byDay ? from.plusDays(1) : from.plusMonths(1);
    String partition = schemaPrefix + nameOf(from);
    String bounds = "FOR VALUES FROM ('" + from + " 00:00:00+00') TO ('" + to + " 00:00:00+00')";
    String dflt = schemaPrefix + defaultPartitionName();
    String range = " WHERE time >= '" + from + " 00:00:00+00' AND time < '" + to + " 00:00:00+00'";
    boolean strays;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM " + dflt + range + ")")) {
      rs.next();
      strays = rs.getBoolean(1);
    }
    try (Statement s = c.createStatement()) {
      if (!strays) {
        s.execute("CREATE TABLE " + partition + " PARTITION OF " + table + " " + bounds);
        return;
      }
      // Rows of this range sit in the default partition: PostgreSQL refuses a partition they would
      // belong to. Build the partition beside the table, move them, then attach it.
      s.execute(
          "CREATE TABLE "
              + partition
              + " (LIKE "
              + table
              + " INCLUDING DEFAULTS INCLUDING CONSTRAINTS)");
      s.execute(
          "WITH moved AS (DELETE FROM "
              + dflt
              + range
              + " RETURNING *) INSERT INTO "
              + partition
              + " SELECT * FROM moved");
      s.execute("ALTER TABLE " + table + " ATTACH PARTITION " + partition + " " + bounds);
    }
  }

  private String nameOf(LocalDate from) {
    return baseName + "_p" + (byDay ? DAY_SUFFIX.format(from) : MONTH_SUFFIX.format(from));
  }

  private LocalDate periodStart(LocalDate d) {
    return byDay ? d : d.withDayOfMonth(1);
  }

  private boolean exists(Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      ps.setString(1, schemaPrefix + name);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private void lock(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
      ps.setString(1, "stacklens:" + table);
      ps.execute();
    }
  }

  /** Work done in a transaction: its own when {@code c} auto-commits, else the caller's. */
  @FunctionalInterface
  interface SqlWork<T> {
    T run() throws SQLException;
  }

  static <T> T inTransaction(Connection c, SqlWork<T> work) throws SQLException {
    if (!c.getAutoCommit()) return work.run();
    c.setAutoCommit(false);
    try {
      T result = work.run();
      c.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      try {
        c.rollback();
      } catch (SQLException rollbackFailed) {
        e.addSuppressed(rollbackFailed);
      }
      throw e;
    } finally {
      try {
        c.setAutoCommit(true);
      } catch (SQLException ignored) {
        // the connection is broken; the caller's next use reports it
      }
    }
  }
}
