package io.stacklens.exporter.postgres;

/**
 * One column the exporter writes: its name, its type as PostgreSQL reports it ({@code format_type})
 * and how values are handed over (text COPY and bound parameters).
 */
record Column(String name, Kind kind, boolean notNull) {
  /** The kinds of values the exporter writes. */
  enum Kind {
    UUID("uuid", "uuid"),
    TIMESTAMPTZ("timestamptz", "timestamp with time zone"),
    SMALLINT("smallint", "smallint"),
    TEXT("text", "text"),
    JSONB("jsonb", "jsonb"),
    BIGINT("bigint", "bigint"),
    DOUBLE("double precision", "double precision"),
    BOOLEAN("boolean", "boolean");

    /** The type in DDL. */
    final String ddl;

    /** The type as {@code format_type()} names it, for checking an existing table. */
    final String reported;

    Kind(String ddl, String reported) {
      this.ddl = ddl;
      this.reported = reported;
    }

    static Kind of(PostgresExporterConfig.ColumnType type) {
      return switch (type) {
        case TEXT -> TEXT;
        case BIGINT -> BIGINT;
        case DOUBLE -> DOUBLE;
        case BOOLEAN -> BOOLEAN;
        case TIMESTAMPTZ -> TIMESTAMPTZ;
        case JSONB -> JSONB;
      };
    }
  }

  String quoted() {
    return SqlIdentifiers.quote(name);
  }

  String ddl() {
    return quoted() + " " + kind.ddl + (notNull ? " NOT NULL" : "");
  }
}
