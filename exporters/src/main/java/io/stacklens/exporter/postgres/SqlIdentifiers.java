package io.stacklens.exporter.postgres;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The table and column names the exporter accepts: lower-case SQL identifiers that need no quoting
 * and are not reserved words, so users can write them in queries exactly as configured.
 */
final class SqlIdentifiers {
  private SqlIdentifiers() {}

  /**
   * Partition suffixes ({@code _p20240131}) and index suffixes must still fit PostgreSQL's 63
   * bytes.
   */
  static final int MAX_TABLE_LENGTH = 48;

  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  /**
   * PostgreSQL's reserved key words (SQL Key Words appendix: "reserved" and "reserved (can be
   * function or type)").
   */
  static final Set<String> RESERVED =
      Set.of(
          "all",
          "analyse",
          "analyze",
          "and",
          "any",
          "array",
          "as",
          "asc",
          "asymmetric",
          "authorization",
          "binary",
          "both",
          "case",
          "cast",
          "check",
          "collate",
          "collation",
          "column",
          "concurrently",
          "constraint",
          "create",
          "cross",
          "current_catalog",
          "current_date",
          "current_role",
          "current_schema",
          "current_time",
          "current_timestamp",
          "current_user",
          "default",
          "deferrable",
          "desc",
          "distinct",
          "do",
          "else",
          "end",
          "except",
          "false",
          "fetch",
          "for",
          "foreign",
          "freeze",
          "from",
          "full",
          "grant",
          "group",
          "having",
          "ilike",
          "in",
          "initially",
          "inner",
          "intersect",
          "into",
          "is",
          "isnull",
          "join",
          "lateral",
          "leading",
          "left",
          "like",
          "limit",
          "localtime",
          "localtimestamp",
          "natural",
          "not",
          "notnull",
          "null",
          "offset",
          "on",
          "only",
          "or",
          "order",
          "outer",
          "overlaps",
          "placing",
          "primary",
          "references",
          "returning",
          "right",
          "select",
          "session_user",
          "similar",
          "some",
          "symmetric",
          "system_user",
          "table",
          "tablesample",
          "then",
          "to",
          "trailing",
          "true",
          "union",
          "unique",
          "user",
          "using",
          "variadic",
          "verbose",
          "when",
          "where",
          "window",
          "with");

  /** Null when {@code name} is a usable identifier, else what is wrong with it. */
  static String problem(String name, int maxLength) {
    if (name == null || name.isEmpty()) return "must not be empty";
    if (!IDENTIFIER.matcher(name).matches()) {
      String hint = name.toLowerCase(Locale.ROOT).equals(name) ? "" : " (write it in lower case)";
      return "must be a SQL identifier: a-z, 0-9 and _, not starting with a digit, got '"
          + name
          + "'"
          + hint;
    }
    if (name.length() > maxLength)
      return "must be at most " + maxLength + " characters, got " + name.length();
    if (RESERVED.contains(name)) return "is a reserved SQL word: '" + name + "'";
    if (name.startsWith("pg_"))
      return "must not start with pg_ (reserved for PostgreSQL's system catalogs): '" + name + "'";
    return null;
  }

  /**
   * {@code name} as a quoted identifier (names are validated; quoting guards against surprises
   * anyway).
   */
  static String quote(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }
}
