package io.stacklens.exporter.postgres;

import static io.stacklens.agent.data.AlertAttributes.CONFIDENCE;
import static io.stacklens.agent.data.AlertAttributes.ISSUE_CODE;
import static io.stacklens.agent.data.AlertAttributes.SEVERITY;
import static io.stacklens.agent.data.AlertAttributes.SUGGESTED_FIX;

import io.stacklens.agent.data.AnyValues;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.expr.FieldPath;
import io.stacklens.agent.expr.LogContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The alerts table: one row per log record the rules processor annotated with {@code
 * alert.issue_code}, with a small workflow ({@code status} open → acknowledged → resolved, {@code
 * ticket_key}) for people.
 *
 * <p><b>What a record becomes.</b> {@code issue_code}, {@code severity}, {@code suggested_fix} and
 * {@code confidence} come from the attributes {@code alert.issue_code}, {@code alert.severity},
 * {@code alert.suggested_fix} (an empty fix is stored as NULL) and {@code alert.confidence}; {@code
 * raw_log} is {@link RecordJson#record}; {@code request_id} is attribute {@code request_id} (else
 * {@code request.id}); {@code service_name} is resource attribute {@code service.name}; {@code
 * level} is the record's severity text, else the name of its severity number (ERROR, WARN, ...);
 * {@code fold_key} is the text of the fold key fields (below). A record matched by several rules
 * (rules processor {@code match: all}: the four attributes are lists) becomes one row per issue
 * code. Records without {@code alert.issue_code} are skipped and counted ({@link
 * WriteResult#skipped}).
 *
 * <p><b>Data errors.</b> A record whose {@code alert.severity} is missing or not one of {@code
 * critical}, {@code warning}, {@code info} (compared case-insensitively, stored lower-case), whose
 * issue code is not a non-empty string, or whose match-all lists differ in length is not written:
 * it is returned in {@link WriteResult#rejected} with the reason, for the exporter to dead-letter.
 * Nothing of such a record is written, the rest of the batch is.
 *
 * <p><b>Folding.</b> With a fold window greater than zero, a record whose issue code and fold key
 * equal those of an open alert last seen within the window (by the database clock, {@code now()})
 * does not add a row: that alert's {@code occurrences} goes up by one and its {@code last_seen_at}
 * and {@code updated_at} become {@code now()}. Otherwise a new alert is inserted, so an issue that
 * comes back after a quiet window opens a new alert. Folding is safe with several agents writing
 * the same table: before looking for the alert to fold into, the transaction takes the advisory
 * lock {@code pg_advisory_xact_lock(hashtext('stacklens:alerts:<table>'), hashtext(issue_code ||
 * fold_key))} for each (issue code, fold key) of the batch, in sorted order so two batches cannot
 * deadlock. The locks are held until commit, so a second writer sees the first one's new alert and
 * folds into it. (A partial unique index cannot express this: two open alerts of one key are
 * legitimate once the window has passed.) The fold key is the value of one field as text ({@code
 * ""} when absent, maps and lists as JSON), or with several fields a JSON array of their values.
 *
 * <p>{@link #write} runs in its own transaction when the connection auto-commits, else in the
 * caller's.
 */
public final class AlertsTable {
  /** Attributes the rules processor writes (processors/.../rules/RulesProcessor). */
  private static final List<String> SEVERITIES = List.of("critical", "warning", "info");

  private static final String[] LEVELS = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};

  /** Expected columns: name -> {type as format_type() prints it, "not null" or ""}. */
  private static final Map<String, String[]> COLUMNS = new LinkedHashMap<>();

  static {
    column("id", "uuid", true);
    column("issue_code", "text", true);
    column("severity", "text", true);
    column("suggested_fix", "text", false);
    column("confidence", "double precision", false);
    column("raw_log", "jsonb", true);
    column("status", "text", true);
    column("ticket_key", "text", false);
    column("created_at", "timestamp with time zone", true);
    column("updated_at", "timestamp with time zone", true);
    column("resolved_at", "timestamp with time zone", false);
    column("request_id", "text", false);
    column("service_name", "text", false);
    column("level", "text", false);
    column("occurrences", "integer", true);
    column("fold_key", "text", false);
    column("last_seen_at", "timestamp with time zone", true);
  }

  private static void column(String name, String type, boolean notNull) {
    COLUMNS.put(name, new String[] {type, notNull ? "not null" : ""});
  }

  private final String table;
  private final String indexPrefix; // table name without schema

  /**
   * @param table a lower-case identifier, optionally {@code schema.table}
   */
  public AlertsTable(String table) {
    PartitionManager.requireTableName(table);
    this.table = table;
    this.indexPrefix = table.substring(table.indexOf('.') + 1);
  }

  /** The table name as given. */
  public String table() {
    return table;
  }

  /** The CREATE statements of the table and its indexes, in order; each is idempotent. */
  public List<String> ddl() {
    return List.of(
        "CREATE TABLE IF NOT EXISTS "
            + table
            + " (\n"
            + "  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),\n"
            + "  issue_code text NOT NULL,\n"
            + "  severity text NOT NULL CHECK (severity IN ('critical', 'warning', 'info')),\n"
            + "  suggested_fix text,\n"
            + "  confidence double precision,\n"
            + "  raw_log jsonb NOT NULL,\n"
            + "  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'resolved')),\n"
            + "  ticket_key text,\n"
            + "  created_at timestamptz NOT NULL DEFAULT now(),\n"
            + "  updated_at timestamptz NOT NULL DEFAULT now(),\n"
            + "  resolved_at timestamptz,\n"
            + "  request_id text,\n"
            + "  service_name text,\n"
            + "  level text,\n"
            + "  occurrences int NOT NULL DEFAULT 1,\n"
            + "  fold_key text,\n"
            + "  last_seen_at timestamptz NOT NULL DEFAULT now()\n"
            + ")",
        "CREATE INDEX IF NOT EXISTS "
            + indexPrefix
            + "_status_severity_idx ON "
            + table
            + " (status, severity)",
        "CREATE INDEX IF NOT EXISTS "
            + indexPrefix
            + "_open_issue_fold_idx ON "
            + table
            + " (issue_code, fold_key) WHERE status = 'open'");
  }

  /**
   * Creates the table and its indexes if missing (idempotent). gen_random_uuid() needs PostgreSQL
   * 13+.
   */
  public void create(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String sql : ddl()) s.execute(sql);
    }
  }

  /**
   * For {@code schema: manual}: what keeps {@link #write} from working on the existing table, one
   * message per problem (missing table or column, wrong type, missing NOT NULL, an id without a
   * default, an extra NOT NULL column without a default); empty when the table is fine.
   */
  public List<String> check(Connection c) throws SQLException {
    List<String> problems = new ArrayList<>();
    Map<String, String[]> actual = new LinkedHashMap<>(); // name -> {type, notnull, default}
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid)"
                + " FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                + " WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          actual.put(
              rs.getString(1),
              new String[] {rs.getString(2), rs.getBoolean(3) ? "not null" : "", rs.getString(4)});
        }
      }
    }
    if (actual.isEmpty()) {
      problems.add(
          "table "
              + table
              + " does not exist (schema: manual; create it with the DDL in docs/exporters/postgres.md"
              + " or use schema: auto)");
      return problems;
    }
    for (Map.Entry<String, String[]> e : COLUMNS.entrySet()) {
      String name = e.getKey();
      String type = e.getValue()[0];
      boolean notNull = !e.getValue()[1].isEmpty();
      String[] found = actual.get(name);
      if (found == null) {
        problems.add(
            "table "
                + table
                + " has no column "
                + name
                + " ("
                + type
                + (notNull ? " not null" : "")
                + ")");
        continue;
      }
      if (!found[0].equals(type)) {
        problems.add(
            "column " + table + "." + name + " has type " + found[0] + ", expected " + type);
      }
      if (notNull && found[1].isEmpty()) {
        problems.add("column " + table + "." + name + " must be NOT NULL");
      }
    }
    String[] id = actual.get("id");
    if (id != null && id[2] == null) {
      problems.add("column " + table + ".id has no default (expected DEFAULT gen_random_uuid())");
    }
    for (Map.Entry<String, String[]> e : actual.entrySet()) {
      String[] f = e.getValue();
      if (!COLUMNS.containsKey(e.getKey()) && !f[1].isEmpty() && f[2] == null) {
        problems.add(
            "column "
                + table
                + "."
                + e.getKey()
                + " is NOT NULL without a default: the exporter does not fill it");
      }
    }
    return problems;
  }

  /** A record that was not written, and why. */
  public record Rejected(ResourceLogs resource, ScopeLogs scope, LogRecord record, String reason) {}

  /**
   * What {@link #write} did: {@code inserted} new alert rows, {@code folded} records counted into
   * an open alert, {@code skipped} records without {@code alert.issue_code}, and the {@code
   * rejected} records (data errors) with their reasons.
   */
  public record WriteResult(int inserted, int folded, int skipped, List<Rejected> rejected) {
    /** Alert rows inserted plus folds. */
    public int written() {
      return inserted + folded;
    }
  }

  /**
   * Writes the alerts of {@code batch}; see the class comment. {@code foldWindow} null or zero: no
   * folding, every alert is a new row. {@code foldKey} null or empty: the fold key is {@code ""}
   * (folding by issue code alone). Database errors propagate (the transaction is rolled back when
   * this method owns it); data errors are returned, never thrown.
   */
  public WriteResult write(
      Connection c, LogsBatch batch, Duration foldWindow, List<FieldPath> foldKey)
      throws SQLException {
    List<Row> rows = new ArrayList<>();
    List<Rejected> rejected = new ArrayList<>();
    int[] skipped = {0};
    LogContext ctx = new LogContext();
    batch.forEachRecord(
        (rl, sl, r) -> {
          if (!r.attributes().contains(ISSUE_CODE)) {
            skipped[0]++;
            return;
          }
          ctx.set(rl, sl, r);
          String problem = toRows(rl, sl, r, foldKeyOf(ctx, foldKey), rows);
          if (problem != null) rejected.add(new Rejected(rl, sl, r, problem));
        });
    if (rows.isEmpty()) return new WriteResult(0, 0, skipped[0], rejected);

    boolean fold = foldWindow != null && !foldWindow.isZero() && !foldWindow.isNegative();
    int[] counts =
        PartitionManager.inTransaction(
            c, () -> fold ? writeFolding(c, rows, foldWindow) : insertAll(c, rows));
    return new WriteResult(counts[0], counts[1], skipped[0], rejected);
  }

  /** One alert row to write. */
  private record Row(
      String issueCode,
      String severity,
      String suggestedFix,
      Double confidence,
      String rawLog,
      String requestId,
      String serviceName,
      String level,
      String foldKey) {}

  /**
   * Adds the rows of one record to {@code rows}; returns null, or the reason the record is rejected
   * (nothing added).
   */
  private static String toRows(
      ResourceLogs rl, ScopeLogs sl, LogRecord r, String foldKey, List<Row> rows) {
    Attributes a = r.attributes();
    Object codes = a.get(ISSUE_CODE);
    Object severities = a.get(SEVERITY);
    Object fixes = a.get(SUGGESTED_FIX);
    Object confidences = a.get(CONFIDENCE);
    int n = codes instanceof List<?> list ? list.size() : 1;
    if (n == 0) return ISSUE_CODE + " is an empty list";
    for (Object v : new Object[] {severities, fixes, confidences}) {
      if (v instanceof List<?> list && list.size() != n) {
        return "the alert attributes are lists of different lengths ("
            + ISSUE_CODE
            + " has "
            + n
            + ", another "
            + list.size()
            + ")";
      }
    }
    List<Row> out = new ArrayList<>(n);
    String rawLog = null;
    for (int i = 0; i < n; i++) {
      Object code = element(codes, i);
      if (!(code instanceof String s) || s.isBlank()) {
        return ISSUE_CODE + " must be a non-empty string, got " + describe(code);
      }
      Object sev = element(severities, i);
      if (sev == null) return SEVERITY + " is missing (issue code " + s + ")";
      String severity = sev instanceof String t ? t.trim().toLowerCase(Locale.ROOT) : null;
      if (severity == null || !SEVERITIES.contains(severity)) {
        return SEVERITY
            + " must be one of critical, warning, info; got "
            + describe(sev)
            + " (issue code "
            + s
            + ")";
      }
      if (rawLog == null) rawLog = RecordJson.record(rl, sl, r);
      Object fix = element(fixes, i);
      String fixText =
          fix == null
              ? null
              : RecordJson.cleanText(fix instanceof String t ? t : AnyValues.toDisplayString(fix));
      out.add(
          new Row(
              RecordJson.cleanText(s),
              severity,
              fixText == null || fixText.isEmpty() ? null : fixText,
              confidence(element(confidences, i)),
              rawLog,
              text(requestId(a)),
              text(rl == null ? null : rl.resource().attributes().get("service.name")),
              level(r),
              foldKey));
    }
    rows.addAll(out);
    return null;
  }

  private int[] insertAll(Connection c, List<Row> rows) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(insertSql())) {
      for (Row row : rows) {
        bindInsert(ps, row);
        ps.addBatch();
      }
      ps.executeBatch();
    }
    return new int[] {rows.size(), 0};
  }

  private int[] writeFolding(Connection c, List<Row> rows, Duration window) throws SQLException {
    // lock every (issue code, fold key) of the batch, in one order for all writers: no deadlock
    TreeSet<String> keys = new TreeSet<>();
    for (Row row : rows) keys.add(row.issueCode() + '\u001f' + row.foldKey());
    try (PreparedStatement lock =
        c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?), hashtext(?))")) {
      lock.setString(1, "stacklens:alerts:" + table);
      for (String key : keys) {
        lock.setString(2, key);
        lock.execute();
      }
    }
    int inserted = 0;
    int folded = 0;
    long windowMicros = window.toNanos() / 1000;
    try (PreparedStatement bump =
            c.prepareStatement(
                "UPDATE "
                    + table
                    + " SET occurrences = occurrences + 1, last_seen_at = now(), updated_at = now()"
                    + " WHERE id = (SELECT id FROM "
                    + table
                    + " WHERE status = 'open' AND issue_code = ? AND fold_key = ?"
                    + " AND last_seen_at >= now() - ? * interval '1 microsecond'"
                    + " ORDER BY last_seen_at DESC LIMIT 1 FOR UPDATE)");
        PreparedStatement insert = c.prepareStatement(insertSql())) {
      for (Row row : rows) {
        bump.setString(1, row.issueCode());
        bump.setString(2, row.foldKey());
        bump.setLong(3, windowMicros);
        if (bump.executeUpdate() == 1) {
          folded++;
        } else {
          bindInsert(insert, row);
          insert.executeUpdate(); // now visible to the next record of this batch with the same key
          inserted++;
        }
      }
    }
    return new int[] {inserted, folded};
  }

  private String insertSql() {
    return "INSERT INTO "
        + table
        + " (issue_code, severity, suggested_fix, confidence, raw_log, request_id, service_name,"
        + " level, fold_key, status, occurrences, created_at, updated_at, last_seen_at)"
        + " VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, 'open', 1, now(), now(), now())";
  }

  private static void bindInsert(PreparedStatement ps, Row row) throws SQLException {
    ps.setString(1, row.issueCode());
    ps.setString(2, row.severity());
    ps.setString(3, row.suggestedFix());
    if (row.confidence() == null) ps.setNull(4, Types.DOUBLE);
    else ps.setDouble(4, row.confidence());
    ps.setString(5, row.rawLog());
    ps.setString(6, row.requestId());
    ps.setString(7, row.serviceName());
    ps.setString(8, row.level());
    ps.setString(9, row.foldKey());
  }

  /** The fold key text of a record: one field's text, or a JSON array of several fields' values. */
  static String foldKeyOf(LogContext ctx, List<FieldPath> foldKey) {
    if (foldKey == null || foldKey.isEmpty()) return "";
    if (foldKey.size() == 1) {
      String t = text(foldKey.get(0).get(ctx));
      return t == null ? "" : t;
    }
    List<Object> values = new ArrayList<>(foldKey.size());
    for (FieldPath p : foldKey) values.add(p.get(ctx));
    return RecordJson.value(values);
  }

  private static Object requestId(Attributes a) {
    Object v = a.get("request_id");
    return v != null ? v : a.get("request.id");
  }

  /**
   * A value as column text: strings as they are, maps and lists as JSON, other scalars displayed;
   * null stays null.
   */
  private static String text(Object v) {
    if (v == null) return null;
    if (v instanceof String s) return RecordJson.cleanText(s);
    if (v instanceof Attributes || v instanceof List<?> || v instanceof byte[])
      return RecordJson.value(v);
    return AnyValues.toDisplayString(v);
  }

  private static String level(LogRecord r) {
    if (!r.severityText().isEmpty()) return RecordJson.cleanText(r.severityText());
    int n = r.severityNumber();
    return n >= 1 && n <= LogRecord.SEVERITY_MAX ? LEVELS[(n - 1) / 4] : null;
  }

  private static Double confidence(Object v) {
    if (v instanceof Number n) return n.doubleValue();
    if (v instanceof String s) {
      try {
        return Double.parseDouble(s.trim());
      } catch (NumberFormatException notANumber) {
        return null;
      }
    }
    return null;
  }

  private static Object element(Object v, int i) {
    return v instanceof List<?> list ? list.get(i) : v;
  }

  private static String describe(Object v) {
    if (v == null) return "nothing";
    String kind = FieldPath.kind(v);
    return v instanceof String s
        ? "'" + RecordJson.cleanText(s) + "'"
        : kind + " " + AnyValues.toDisplayString(v);
  }
}
