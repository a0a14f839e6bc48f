package io.stacklens.exporter.postgres;

import io.stacklens.agent.expr.FieldPath;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The logs table: its columns (fixed ones, then the promoted {@code columns:}), its DDL and
 * indexes, and the check of an existing table for {@code schema: manual}. Column names are fixed by
 * the exporter's contract (docs/exporters/postgres.md).
 */
final class LogsTable {
  static final String ID = "id";
  static final String TIME = "time";

  /** Columns before the promoted ones. */
  private static final List<Column> HEAD =
      List.of(
          new Column(ID, Column.Kind.UUID, true),
          new Column(TIME, Column.Kind.TIMESTAMPTZ, true),
          new Column("observed_time", Column.Kind.TIMESTAMPTZ, false),
          new Column("severity_number", Column.Kind.SMALLINT, false),
          new Column("severity_text", Column.Kind.TEXT, false),
          new Column("body", Column.Kind.TEXT, false),
          new Column("body_json", Column.Kind.JSONB, false),
          new Column("trace_id", Column.Kind.TEXT, false),
          new Column("span_id", Column.Kind.TEXT, false),
          new Column("service_name", Column.Kind.TEXT, false),
          new Column("service_version", Column.Kind.TEXT, false),
          new Column("host_name", Column.Kind.TEXT, false),
          new Column("environment", Column.Kind.TEXT, false));

  /** Columns after the promoted ones (ingested_at is filled by the server). */
  private static final List<Column> TAIL =
      List.of(
          new Column("scope_name", Column.Kind.TEXT, false),
          new Column("resource", Column.Kind.JSONB, false),
          new Column("attributes", Column.Kind.JSONB, false));

  private static final Column INGESTED_AT =
      new Column("ingested_at", Column.Kind.TIMESTAMPTZ, true);

  /** Names a promoted column cannot take. */
  static final Set<String> FIXED_COLUMNS;

  static {
    List<String> names = new ArrayList<>();
    HEAD.forEach(c -> names.add(c.name()));
    TAIL.forEach(c -> names.add(c.name()));
    names.add(INGESTED_AT.name());
    FIXED_COLUMNS = Set.copyOf(names);
  }

  /** Promoted columns that get a b-tree index when configured. */
  private static final Set<String> INDEXED_PROMOTED = Set.of("request_id", "error_code");

  private final String name;
  private final List<Column> written;
  private final Map<String, FieldPath> promoted;

  LogsTable(
      String name,
      Map<String, PostgresExporterConfig.ColumnSettings> columns,
      Map<String, FieldPath> sources) {
    this.name = name;
    List<Column> cols = new ArrayList<>(HEAD);
    Map<String, FieldPath> p = new LinkedHashMap<>();
    if (columns != null) {
      columns.forEach(
          (columnName, settings) -> {
            cols.add(new Column(columnName, Column.Kind.of(settings.type), false));
            p.put(columnName, sources.get(columnName));
          });
    }
    cols.addAll(TAIL);
    this.written = List.copyOf(cols);
    this.promoted = Collections.unmodifiableMap(p);
  }

  String name() {
    return name;
  }

  /** The columns rows carry values for, in row order. */
  List<Column> writtenColumns() {
    return written;
  }

  /** Promoted column name -> where its value comes from, in row order (after the fixed head). */
  Map<String, FieldPath> promoted() {
    return promoted;
  }

  static int headSize() {
    return HEAD.size();
  }

  /** Comma-separated quoted names of the written columns. */
  String columnList() {
    StringBuilder sb = new StringBuilder();
    for (Column c : written) {
      if (sb.length() > 0) sb.append(", ");
      sb.append(c.quoted());
    }
    return sb.toString();
  }

  /**
   * CREATE TABLE for a new table; {@code partitionClause} is empty or {@code PARTITION BY RANGE
   * (time)}.
   */
  String createTable(String partitionClause) {
    StringBuilder sb =
        new StringBuilder("CREATE TABLE IF NOT EXISTS ")
            .append(SqlIdentifiers.quote(name))
            .append(" (\n");
    for (Column c : written) sb.append("  ").append(c.ddl()).append(",\n");
    sb.append("  ").append(INGESTED_AT.ddl()).append(" DEFAULT now(),\n");
    sb.append("  PRIMARY KEY (id, time)\n)");
    if (partitionClause != null && !partitionClause.isBlank())
      sb.append(' ').append(partitionClause);
    return sb.toString();
  }

  /** The index statements (idempotent), including those for promoted request_id / error_code. */
  List<String> createIndexes() {
    String t = SqlIdentifiers.quote(name);
    List<String> sql = new ArrayList<>();
    sql.add("CREATE INDEX IF NOT EXISTS " + index("time") + " ON " + t + " (time)");
    sql.add(
        "CREATE INDEX IF NOT EXISTS "
            + index("service_time")
            + " ON "
            + t
            + " (service_name, time)");
    sql.add(
        "CREATE INDEX IF NOT EXISTS "
            + index("severity_time")
            + " ON "
            + t
            + " (severity_number, time)");
    sql.add("CREATE INDEX IF NOT EXISTS " + index("trace_id") + " ON " + t + " (trace_id)");
    sql.add(
        "CREATE INDEX IF NOT EXISTS "
            + index("attributes")
            + " ON "
            + t
            + " USING gin (attributes jsonb_path_ops)");
    for (String column : promoted.keySet()) {
      if (INDEXED_PROMOTED.contains(column)) {
        sql.add(
            "CREATE INDEX IF NOT EXISTS "
                + index(column)
                + " ON "
                + t
                + " ("
                + SqlIdentifiers.quote(column)
                + ")");
      }
    }
    return sql;
  }

  /** Adds promoted columns configured after the table was created. */
  List<String> addPromotedColumns() {
    List<String> sql = new ArrayList<>();
    for (Column c : written) {
      if (promoted.containsKey(c.name())) {
        sql.add(
            "ALTER TABLE " + SqlIdentifiers.quote(name) + " ADD COLUMN IF NOT EXISTS " + c.ddl());
      }
    }
    return sql;
  }

  private String index(String suffix) {
    return SqlIdentifiers.quote(name + "_" + suffix + "_idx");
  }

  /**
   * Problems of an existing table for {@code schema: manual}: missing table, missing columns,
   * columns of another type, no unique key on (id, time) when exactly-once needs one. Empty when
   * fine.
   */
  List<String> check(Connection c, boolean exactlyOnce) throws SQLException {
    List<String> problems = new ArrayList<>();
    Map<String, String> actual = columnTypes(c, name);
    if (actual == null) {
      problems.add(
          "table "
              + name
              + " does not exist (schema: manual does not create it; use schema: auto or create it "
              + "as docs/exporters/postgres.md shows)");
      return problems;
    }
    List<String> missing = new ArrayList<>();
    List<String> mismatched = new ArrayList<>();
    List<Column> expected = new ArrayList<>(written);
    expected.add(INGESTED_AT);
    for (Column col : expected) {
      String type = actual.get(col.name());
      if (type == null) {
        missing.add(col.name() + " " + col.kind().ddl);
      } else if (!compatible(col.kind(), type)) {
        mismatched.add(col.name() + " is " + type + ", expected " + col.kind().reported);
      }
    }
    if (!missing.isEmpty())
      problems.add("table " + name + " lacks column(s): " + String.join(", ", missing));
    if (!mismatched.isEmpty())
      problems.add(
          "table " + name + " has column(s) of the wrong type: " + String.join("; ", mismatched));
    if (exactlyOnce && missing.isEmpty() && !hasUniqueIdTime(c)) {
      problems.add(
          "table "
              + name
              + " has no primary key or unique index on (id, time), which exactly_once needs");
    }
    return problems;
  }

  /** Text columns may also be varchar(n) (values too long then go to the dead-letter table). */
  private static boolean compatible(Column.Kind kind, String reported) {
    if (kind.reported.equals(reported)) return true;
    return kind == Column.Kind.TEXT && reported.startsWith("character varying");
  }

  /**
   * Column name -> format_type of {@code table} (resolved on the search path), or null when there
   * is no such table.
   */
  static Map<String, String> columnTypes(Connection c, String table) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT to_regclass(?)::oid")) {
      s.setString(1, SqlIdentifiers.quote(table));
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        if (rs.getObject(1) == null) return null;
      }
    }
    Map<String, String> types = new LinkedHashMap<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
                + "WHERE attrelid = to_regclass(?) AND attnum > 0 AND NOT attisdropped ORDER BY attnum")) {
      s.setString(1, SqlIdentifiers.quote(table));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) types.put(rs.getString(1), rs.getString(2));
      }
    }
    return types;
  }

  private boolean hasUniqueIdTime(Connection c) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT count(*) FROM pg_index i WHERE i.indrelid = to_regclass(?) AND i.indisunique AND i.indnkeyatts = 2 "
                + "AND (SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_attribute a "
                + "     WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)) = ARRAY['id', 'time']")) {
      s.setString(1, SqlIdentifiers.quote(name));
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1) > 0;
      }
    }
  }

  static void execute(Connection c, List<String> statements) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String sql : statements) s.execute(sql);
    }
  }
}
