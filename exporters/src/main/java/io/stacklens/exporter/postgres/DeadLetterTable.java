package io.stacklens.exporter.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The dead-letter table ({@code dlq_messages} by default): records the table will never take, as
 * jsonb, with the SQLState or conversion reason, the server's message, the exporter id and how many
 * times the batch had been retried. Rows go in within the batch's own transaction, so a batch lands
 * whole (good rows and dead letters) or not at all.
 */
final class DeadLetterTable {
  private static final int MAX_DETAIL = 2000;

  /** A record refused for good, and why. */
  record DeadLetter(RecordRef ref, String reason, String detail) {}

  private final String name;

  DeadLetterTable(String name) {
    this.name = name;
  }

  String name() {
    return name;
  }

  List<SchemaMigrations.Migration> migrations() {
    String t = SqlIdentifiers.quote(name);
    return List.of(new SchemaMigrations.Migration(1, List.of(
        "CREATE TABLE IF NOT EXISTS " + t + " (id bigserial PRIMARY KEY, exporter_id text NOT NULL, "
            + "table_name text NOT NULL, record jsonb NOT NULL, error_reason text NOT NULL, error_detail text, "
            + "retry_count int NOT NULL DEFAULT 0, created_at timestamptz NOT NULL DEFAULT now())",
        "CREATE INDEX IF NOT EXISTS " + SqlIdentifiers.quote(name + "_created_at_idx") + " ON " + t + " (created_at)")));
  }

  /** Problems of an existing table for {@code schema: manual}; empty when fine. */
  List<String> check(Connection c) throws SQLException {
    Map<String, String> actual = LogsTable.columnTypes(c, name);
    List<String> problems = new ArrayList<>();
    if (actual == null) {
      problems.add("dead-letter table " + name + " does not exist (schema: manual does not create it)");
      return problems;
    }
    Map<String, String> expected = new java.util.LinkedHashMap<>();
    expected.put("exporter_id", "text");
    expected.put("table_name", "text");
    expected.put("record", "jsonb");
    expected.put("error_reason", "text");
    expected.put("error_detail", "text");
    expected.put("retry_count", "integer");
    expected.put("created_at", "timestamp with time zone");
    List<String> missing = new ArrayList<>();
    List<String> mismatched = new ArrayList<>();
    expected.forEach((col, type) -> {
      String t = actual.get(col);
      if (t == null) missing.add(col + " " + type);
      else if (!t.equals(type)) mismatched.add(col + " is " + t + ", expected " + type);
    });
    if (!missing.isEmpty()) problems.add("dead-letter table " + name + " lacks column(s): " + String.join(", ", missing));
    if (!mismatched.isEmpty()) {
      problems.add("dead-letter table " + name + " has column(s) of the wrong type: " + String.join("; ", mismatched));
    }
    return problems;
  }

  /** Inserts the dead letters (in the caller's transaction). */
  void write(Connection c, String exporterId, String table, List<DeadLetter> letters, int retryCount) throws SQLException {
    if (letters.isEmpty()) return;
    try (PreparedStatement s = c.prepareStatement("INSERT INTO " + SqlIdentifiers.quote(name)
        + " (exporter_id, table_name, record, error_reason, error_detail, retry_count) VALUES (?, ?, ?::jsonb, ?, ?, ?)")) {
      for (DeadLetter d : letters) {
        s.setString(1, exporterId);
        s.setString(2, table);
        s.setString(3, RecordJson.record(d.ref().resource(), d.ref().scope(), d.ref().record()));
        s.setString(4, d.reason());
        s.setString(5, shorten(RecordJson.cleanText(d.detail())));
        s.setInt(6, retryCount);
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  private static String shorten(String s) {
    if (s == null || s.length() <= MAX_DETAIL) return s;
    return s.substring(0, MAX_DETAIL) + "...";
  }
}
