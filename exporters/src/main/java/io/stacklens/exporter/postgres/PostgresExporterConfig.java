package io.stacklens.exporter.postgres;

import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ConfigProblems;
import io.stacklens.agent.api.Durations;
import io.stacklens.agent.api.ExporterConfig;
import io.stacklens.agent.api.Secret;
import io.stacklens.agent.api.Secrets;
import io.stacklens.agent.expr.ExpressionException;
import io.stacklens.agent.expr.FieldPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Config of the {@code postgres} exporter (reference: docs/exporters/postgres.md).
 *
 * <pre>
 * endpoint: jdbc:postgresql://127.0.0.1:5432/logs   # required
 * user: stacklens
 * password: ${env:PG_PASSWORD}          # redacted by print-config, never logged
 * connection: { sslmode: verify-full }  # pgjdbc connection properties, passed through
 * pool_size: 2
 * statement_timeout: 30s                # 0 = none
 * schema: auto                          # auto | manual
 * table_kind: logs                      # logs | alerts | dead_letters
 * table: enriched_logs                  # default enriched_logs, alerts or dlq_messages by table_kind
 * write_method: copy                    # copy | insert
 * exactly_once: true
 * columns: { request_id: { from: request_id, type: text } }
 * partitioning: { by: none, create_ahead: 3 }   # none | day | month
 * retention: 0s                         # e.g. 30d; needs partitioning
 * alerts: { fold_window: 0s, fold_key: [] }     # table_kind: alerts only
 * </pre>
 */
public class PostgresExporterConfig extends ExporterConfig {
  /**
   * The exporter helper's defaults for PostgreSQL: a 60 s attempt timeout, longer than the 30 s
   * statement timeout, so the server ends a slow statement before the attempt is abandoned; two
   * sender threads to match the two pooled connections.
   */
  public PostgresExporterConfig() {
    timeout = Duration.ofSeconds(60);
    sendingQueue.numConsumers = 2;
  }

  static final String URL_PREFIX = "jdbc:postgresql://";

  /** Connection properties the exporter sets itself. */
  static final Set<String> MANAGED_PROPERTIES = Set.of("user", "password");

  /** Where to create or check tables. */
  public enum SchemaMode {
    AUTO,
    MANUAL
  }

  /**
   * What kind of table the exporter writes: log rows, alerts (records the rules processor marked),
   * or dead letters (another exporter's permanent failures, handed over by the exporter helper).
   */
  public enum TableKind {
    LOGS,
    ALERTS,
    DEAD_LETTERS
  }

  /** How rows reach the table. */
  public enum WriteMethod {
    COPY,
    INSERT
  }

  /** Types a promoted column can have. */
  public enum ColumnType {
    TEXT("text"),
    BIGINT("bigint"),
    DOUBLE("double precision"),
    BOOLEAN("boolean"),
    TIMESTAMPTZ("timestamp with time zone"),
    JSONB("jsonb");

    /** The type as PostgreSQL names it ({@code format_type}). */
    final String sql;

    ColumnType(String sql) {
      this.sql = sql;
    }
  }

  /** Time partitioning of the logs table. */
  public enum PartitionBy {
    NONE,
    DAY,
    MONTH
  }

  /** JDBC URL {@code jdbc:postgresql://host[:port]/database}. Required. */
  public String endpoint;

  public String user;

  @Secret public String password;

  /**
   * pgjdbc connection properties ({@code sslmode}, {@code sslrootcert}, {@code ApplicationName},
   * ...).
   */
  public Map<String, String> connection = new LinkedHashMap<>();

  /** Connections kept open; at most this many batches are written at once. */
  public int poolSize = 2;

  /** The server-side {@code statement_timeout} of every connection; 0 = none. */
  public Duration statementTimeout = Duration.ofSeconds(30);

  public SchemaMode schema = SchemaMode.AUTO;

  public TableKind tableKind = TableKind.LOGS;

  /**
   * The table written; null = {@code enriched_logs}, {@code alerts} or {@code dlq_messages} by
   * {@link #tableKind}.
   */
  public String table;

  public WriteMethod writeMethod = WriteMethod.COPY;

  /**
   * Deterministic ids and {@code ON CONFLICT DO NOTHING}: retries and replays never duplicate rows.
   */
  public boolean exactlyOnce = true;

  /** Promoted attributes: column name -> where the value comes from and its type. */
  public Map<String, ColumnSettings> columns = new LinkedHashMap<>();

  public PartitioningSettings partitioning = new PartitioningSettings();

  /** Drop partitions entirely older than this ({@code 30d}, {@code 12h}); 0 = keep everything. */
  public String retention = "0s";

  public AlertsSettings alerts = new AlertsSettings();

  /** One promoted column. */
  public static class ColumnSettings implements ComponentConfig {
    /**
     * A field path: an attribute name, {@code attributes["k"]}, {@code resource.attributes["k"]},
     * {@code body["k"]}...
     */
    public String from;

    public ColumnType type = ColumnType.TEXT;

    @Override
    public void validate(ConfigProblems problems) {
      if (from == null || from.isBlank()) {
        problems.error(
            "from", "is required: the attribute (or field path) to read, e.g. request_id");
      } else {
        try {
          FieldPath.parse(from);
        } catch (ExpressionException e) {
          problems.error("from", "is not a field path: " + e.getMessage());
        }
      }
      if (type == null)
        problems.error("type", "is required: text, bigint, double, boolean, timestamptz or jsonb");
    }
  }

  /** Native range partitions on {@code time}. */
  public static class PartitioningSettings implements ComponentConfig {
    public PartitionBy by = PartitionBy.NONE;

    /** Future partitions kept created ahead of time. */
    public int createAhead = 3;

    @Override
    public void validate(ConfigProblems problems) {
      if (by == null) problems.error("by", "must be none, day or month");
      if (createAhead < 0 || createAhead > 400)
        problems.error("create_ahead", "must be between 0 and 400, got " + createAhead);
    }
  }

  /** Folding of repeated alerts ({@code table_kind: alerts}). */
  public static class AlertsSettings implements ComponentConfig {
    /**
     * Above 0: a repeat of an open alert's issue code and fold key within this window bumps its
     * count.
     */
    public Duration foldWindow = Duration.ZERO;

    /** Field paths whose values, with the issue code, identify "the same" alert. */
    public List<String> foldKey = new ArrayList<>();

    boolean isDefault() {
      return (foldWindow == null || foldWindow.isZero()) && (foldKey == null || foldKey.isEmpty());
    }

    @Override
    public void validate(ConfigProblems problems) {
      if (foldWindow == null || foldWindow.isNegative())
        problems.error("fold_window", "must be 0 or positive");
      if (foldKey != null) {
        for (int i = 0; i < foldKey.size(); i++) {
          try {
            FieldPath.parse(foldKey.get(i));
          } catch (ExpressionException e) {
            problems.error("fold_key[" + i + "]", "is not a field path: " + e.getMessage());
          }
        }
      }
    }
  }

  /** The table this exporter writes. */
  String tableName() {
    if (table != null && !table.isBlank()) return table;
    if (tableKind == null) return "enriched_logs";
    return switch (tableKind) {
      case LOGS -> "enriched_logs";
      case ALERTS -> "alerts";
      case DEAD_LETTERS -> "dlq_messages";
    };
  }

  /** {@link #retention} as a duration; zero when unset or unreadable (validate reports that). */
  Duration retentionDuration() {
    Duration d = parseRetention(retention);
    return d == null ? Duration.ZERO : d;
  }

  private static final Pattern DAYS = Pattern.compile("(\\d{1,5})d");

  /** Days ({@code 30d}) or any agent duration ({@code 12h}); null when neither. */
  static Duration parseRetention(String text) {
    if (text == null || text.isBlank()) return Duration.ZERO;
    String t = text.trim();
    Matcher m = DAYS.matcher(t);
    if (m.matches()) return Duration.ofDays(Long.parseLong(m.group(1)));
    try {
      return Durations.parse(t);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The parsed promoted-column sources, in configured order. */
  Map<String, FieldPath> columnSources() {
    Map<String, FieldPath> sources = new LinkedHashMap<>();
    if (columns == null) return sources;
    columns.forEach(
        (name, c) -> {
          try {
            sources.put(name, FieldPath.parse(c.from));
          } catch (ExpressionException e) {
            throw new IllegalStateException(
                "column " + name + ": " + e.getMessage(), e); // validate refused it already
          }
        });
    return sources;
  }

  List<FieldPath> foldKeyPaths() {
    List<FieldPath> paths = new ArrayList<>();
    if (alerts == null || alerts.foldKey == null) return paths;
    for (String k : alerts.foldKey) {
      try {
        paths.add(FieldPath.parse(k));
      } catch (ExpressionException e) {
        throw new IllegalStateException("alerts.fold_key: " + e.getMessage(), e);
      }
    }
    return paths;
  }

  @Override
  public void validate(ConfigProblems problems) {
    super.validate(problems);
    if (endpoint == null || endpoint.isBlank()) {
      problems.error(
          "endpoint", "is required: a JDBC URL such as jdbc:postgresql://127.0.0.1:5432/logs");
    } else if (!endpoint.startsWith(URL_PREFIX)) {
      problems.error(
          "endpoint",
          "must be a JDBC URL starting with jdbc:postgresql://, e.g. "
              + "jdbc:postgresql://127.0.0.1:5432/logs; got '"
              + Secrets.redact(endpoint)
              + "'");
    } else if (endpoint.length() <= URL_PREFIX.length()
        || endpoint.charAt(URL_PREFIX.length()) == '/') {
      problems.error("endpoint", "names no host: '" + Secrets.redact(endpoint) + "'");
    } else if (endpoint.matches("(?i).*[?&]password=.*")) {
      problems.warning(
          "endpoint",
          "holds a password; use the password option, which can come from ${env:...} and is never shown");
    }
    if (connection != null) {
      for (String key : connection.keySet()) {
        if (MANAGED_PROPERTIES.contains(key.toLowerCase(Locale.ROOT))) {
          problems.error("connection." + key, "is set with the " + key + " option");
        }
      }
    }
    if (poolSize < 1 || poolSize > 64)
      problems.error("pool_size", "must be between 1 and 64, got " + poolSize);
    if (statementTimeout == null || statementTimeout.isNegative()) {
      problems.error("statement_timeout", "must be 0 (none) or positive");
    } else if (!statementTimeout.isZero()
        && timeout != null
        && timeout.compareTo(statementTimeout) <= 0) {
      problems.warning(
          "timeout",
          "("
              + Durations.format(timeout)
              + ") should be longer than statement_timeout ("
              + Durations.format(statementTimeout)
              + "), so the server ends a slow statement before the attempt is abandoned");
    }
    if (schema == null) problems.error("schema", "must be auto or manual");
    if (tableKind == null) problems.error("table_kind", "must be logs, alerts or dead_letters");
    if (writeMethod == null) problems.error("write_method", "must be copy or insert");
    String tableProblem = SqlIdentifiers.problem(tableName(), SqlIdentifiers.MAX_TABLE_LENGTH);
    if (tableProblem != null) problems.error("table", tableProblem);
    validateColumns(problems);
    boolean partitioned =
        partitioning != null && partitioning.by != null && partitioning.by != PartitionBy.NONE;
    Duration retained = parseRetention(retention);
    if (retained == null) {
      problems.error(
          "retention",
          "must be a duration such as 30d, 12h or 0s (keep everything), got '" + retention + "'");
    } else if (retained.isNegative()) {
      problems.error("retention", "must not be negative");
    } else if (!retained.isZero() && !partitioned) {
      problems.error(
          "retention",
          "needs partitioning (partitioning.by: day or month): retention drops whole partitions");
    } else if (!retained.isZero()
        && partitioning.by == PartitionBy.MONTH
        && retained.compareTo(Duration.ofDays(31)) < 0) {
      problems.warning(
          "retention",
          "is shorter than a month, but partitions are monthly: a partition is dropped only "
              + "once all of it is older than "
              + retention);
    }
    if (tableKind == TableKind.ALERTS) {
      if (partitioned)
        problems.error(
            "partitioning.by", "applies to table_kind: logs only (alerts are updated in place)");
      if (columns != null && !columns.isEmpty())
        problems.error("columns", "applies to table_kind: logs only");
    } else if (alerts != null && !alerts.isDefault()) {
      problems.error("alerts", "applies to table_kind: alerts only");
    }
    if (tableKind == TableKind.DEAD_LETTERS) {
      if (partitioned) problems.error("partitioning.by", "applies to table_kind: logs only");
      if (columns != null && !columns.isEmpty())
        problems.error("columns", "applies to table_kind: logs only");
    }
  }

  private void validateColumns(ConfigProblems problems) {
    if (columns == null) return;
    for (String name : columns.keySet()) {
      String path = "columns." + name;
      String problem = SqlIdentifiers.problem(name, 63);
      if (problem != null) {
        problems.error(path, "column name " + problem);
      } else if (LogsTable.FIXED_COLUMNS.contains(name)) {
        problems.error(
            path,
            "duplicates the fixed column '" + name + "' of the logs table; choose another name");
      }
      if (columns.get(name) == null) problems.error(path, "needs from: and type:");
    }
  }
}
