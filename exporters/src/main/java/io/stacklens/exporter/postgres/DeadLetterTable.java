package io.stacklens.exporter.postgres;

import io.stacklens.agent.api.DeadLetters;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.Resource;
import io.stacklens.agent.data.ResourceLogs;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code table_kind: dead_letters}: the dead-letter table ({@code dlq_messages} by default), one
 * row per record received. It is meant as another exporter's {@code dead_letter.exporter}: the
 * exporter helper hands it the records that exporter failed permanently, with resource attributes
 * saying why ({@link DeadLetters}). Columns: {@code exporter_id} ({@code stacklens.exporter}),
 * {@code table_name} ({@value #TABLE}: the table that refused the record, set by postgres
 * exporters), {@code record} (the record as jsonb, {@link RecordJson#record}, without those
 * attributes), {@code error_reason} ({@code stacklens.error.reason}, else {@value #NO_REASON}),
 * {@code error_detail} ({@code stacklens.error.message}, at most {@value #MAX_DETAIL} characters),
 * {@code retry_count} (0: kept for tables written by earlier versions) and {@code created_at}. A
 * column without its attribute is NULL. Rows are plain inserts: a batch retried after a lost commit
 * acknowledgement is written again.
 */
final class DeadLetterTable implements TableWriter {
  /**
   * The table that refused a record: set by the postgres exporter on the records it fails
   * permanently.
   */
  static final String TABLE = "stacklens.error.table";

  static final String NO_REASON = "unspecified";
  private static final int MAX_DETAIL = 2000;
  private static final List<String> ANNOTATIONS =
      List.of(DeadLetters.ERROR_REASON, DeadLetters.ERROR_MESSAGE, DeadLetters.EXPORTER, TABLE);

  private final String name;

  DeadLetterTable(String name) {
    this.name = name;
  }

  String name() {
    return name;
  }

  /**
   * Version 1 is the table earlier versions wrote refused records to (with {@code
   * dead_letter_table}); version 2 lets {@code exporter_id} and {@code table_name} be NULL, for
   * dead letters that do not say.
   */
  List<SchemaMigrations.Migration> migrations() {
    String t = SqlIdentifiers.quote(name);
    return List.of(
        new SchemaMigrations.Migration(
            1,
            List.of(
                "CREATE TABLE IF NOT EXISTS "
                    + t
                    + " (id bigserial PRIMARY KEY, exporter_id text NOT NULL, "
                    + "table_name text NOT NULL, record jsonb NOT NULL, error_reason text NOT NULL, error_detail text, "
                    + "retry_count int NOT NULL DEFAULT 0, created_at timestamptz NOT NULL DEFAULT now())",
                "CREATE INDEX IF NOT EXISTS "
                    + SqlIdentifiers.quote(name + "_created_at_idx")
                    + " ON "
                    + t
                    + " (created_at)")),
        new SchemaMigrations.Migration(
            2,
            List.of(
                "ALTER TABLE "
                    + t
                    + " ALTER COLUMN exporter_id DROP NOT NULL, ALTER COLUMN table_name DROP NOT NULL")));
  }

  /** Problems of an existing table for {@code schema: manual}; empty when fine. */
  List<String> check(Connection c) throws SQLException {
    Map<String, String> actual = LogsTable.columnTypes(c, name);
    List<String> problems = new ArrayList<>();
    if (actual == null) {
      problems.add(
          "dead-letter table " + name + " does not exist (schema: manual does not create it)");
      return problems;
    }
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("exporter_id", "text");
    expected.put("table_name", "text");
    expected.put("record", "jsonb");
    expected.put("error_reason", "text");
    expected.put("error_detail", "text");
    expected.put("retry_count", "integer");
    expected.put("created_at", "timestamp with time zone");
    List<String> missing = new ArrayList<>();
    List<String> mismatched = new ArrayList<>();
    expected.forEach(
        (col, type) -> {
          String t = actual.get(col);
          if (t == null) missing.add(col + " " + type);
          else if (!t.equals(type)) mismatched.add(col + " is " + t + ", expected " + type);
        });
    if (!missing.isEmpty()) {
      problems.add("dead-letter table " + name + " lacks column(s): " + String.join(", ", missing));
    }
    if (!mismatched.isEmpty()) {
      problems.add(
          "dead-letter table "
              + name
              + " has column(s) of the wrong type: "
              + String.join("; ", mismatched));
    }
    return problems;
  }

  @Override
  public Written write(Connection c, List<RecordRef> refs, List<RefusedRecord> refused)
      throws SQLException {
    int rows = Bisection.write(c, refs, this::insert, ref -> ref, refused, null);
    return new Written(rows, 0, 0);
  }

  private int insert(Connection c, List<RecordRef> refs) throws SQLException {
    Map<ResourceLogs, ResourceLogs> plain = new IdentityHashMap<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO "
                + SqlIdentifiers.quote(name)
                + " (exporter_id, table_name, record, error_reason, error_detail) VALUES (?, ?, ?::jsonb, ?, ?)")) {
      for (RecordRef ref : refs) {
        Attributes why =
            ref.resource() == null ? new Attributes() : ref.resource().resource().attributes();
        String reason = text(why.get(DeadLetters.ERROR_REASON));
        s.setString(1, text(why.get(DeadLetters.EXPORTER)));
        s.setString(2, text(why.get(TABLE)));
        s.setString(
            3,
            RecordJson.record(
                plain.computeIfAbsent(ref.resource(), DeadLetterTable::withoutAnnotations),
                ref.scope(),
                ref.record()));
        s.setString(4, reason == null ? NO_REASON : reason);
        s.setString(5, shorten(text(why.get(DeadLetters.ERROR_MESSAGE))));
        s.addBatch();
      }
      s.executeBatch();
    }
    return refs.size();
  }

  /** The resource as the record had it before it failed: without the dead-letter attributes. */
  private static ResourceLogs withoutAnnotations(ResourceLogs rl) {
    if (rl == null) return null;
    Resource r = rl.resource().copy();
    ANNOTATIONS.forEach(r.attributes()::remove);
    return new ResourceLogs(r, List.of());
  }

  private static String text(Object v) {
    return v == null ? null : RecordJson.cleanText(v instanceof String s ? s : String.valueOf(v));
  }

  private static String shorten(String s) {
    if (s == null || s.length() <= MAX_DETAIL) return s;
    return s.substring(0, MAX_DETAIL) + "...";
  }
}
