package io.stacklens.exporter.postgres;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ExportException;
import io.stacklens.agent.api.Exporter;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.api.Secrets;
import io.stacklens.agent.concurrent.DaemonThreads;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.Resource;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.sql.ConnectionPool;
import io.stacklens.agent.sql.SqlErrors;
import io.stacklens.agent.telemetry.Counter;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Writes log batches into PostgreSQL, one transaction per batch (reference:
 * docs/exporters/postgres.md), into the table of its {@code table_kind}: log rows ({@link
 * LogsWriter}), alerts ({@link AlertsWriter}) or dead letters ({@link DeadLetterTable}).
 *
 * <p><b>Exactly-once.</b> Every log row's primary key is (deterministic id, time) and a row already
 * in the table is skipped ({@code ON CONFLICT (id, time) DO NOTHING}; COPY, which cannot skip,
 * falls back to a staging table when it meets one: {@link CopyWriter}): a batch retried after a
 * lost commit, or replayed after a crash, adds no row twice (counted in {@code
 * stacklens_exporter_postgres_duplicate_rows_total}).
 *
 * <p><b>Errors.</b> A retryable failure (connection loss, serialization failure, deadlock, timeout,
 * server shutdown, too many connections: {@link SqlErrors}) rolls back and fails the push
 * retryably; the exporter helper retries with backoff. Records the table will never take (a data
 * error, found by bisecting under savepoints; a promoted value that does not convert; an invalid
 * alert) are left out: the rest of the batch is committed, then the push fails <em>permanently</em>
 * for those records alone ({@link ExportException#withUnsent}, with their reason), so the exporter
 * helper never retries them and hands them to the {@code dead_letter.exporter} (e.g. a second
 * postgres exporter with {@code table_kind: dead_letters}) or drops them, counted. Such records
 * carry the resource attribute {@value DeadLetterTable#TABLE} naming the table that refused them.
 *
 * <p><b>Schema.</b> Prepared at start ({@link PostgresSchema}); when the database cannot be reached
 * then, start-up still succeeds and the first push prepares it (failing retryably meanwhile). A
 * manual schema that does not match fails start-up.
 */
final class PostgresExporter implements Exporter {
  /** The permanent failure's reason when the refused records of a push have several. */
  static final String MIXED_REASONS = "data_error";

  private static final long MAINTENANCE_MINUTES = 60;
  private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
  private static final int MAX_DETAIL_IN_MESSAGE = 300;

  private final ComponentContext context;
  private final PostgresExporterConfig config;
  private final String id;
  private final PostgresSchema schema;
  private final TableWriter writer;
  private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();
  private final Counter rowsInserted;
  private final Counter duplicateRows;

  private volatile ConnectionPool pool;
  private volatile boolean schemaReady;
  private ScheduledExecutorService maintenance;

  PostgresExporter(ComponentContext context, PostgresExporterConfig config) {
    this.context = context;
    this.config = config;
    this.id = context.id().toString();
    this.schema = new PostgresSchema(config);
    var m = context.metrics();
    String table = config.tableName();
    rowsInserted =
        m.counter(
            "stacklens_exporter_postgres_rows_total",
            "Rows the exporter inserted",
            "exporter",
            id,
            "table",
            table);
    duplicateRows =
        m.counter(
            "stacklens_exporter_postgres_duplicate_rows_total",
            "Records already in the table (a retry or replay; skipped by ON CONFLICT DO NOTHING)",
            "exporter",
            id,
            "table",
            table);
    Counter bisections =
        m.counter(
            "stacklens_exporter_postgres_bisected_batches_total",
            "Batches split to isolate records the table refused",
            "exporter",
            id,
            "table",
            table);
    this.writer =
        switch (config.tableKind) {
          case LOGS -> new LogsWriter(config, schema.logsTable(), bisections);
          case ALERTS -> new AlertsWriter(config);
          case DEAD_LETTERS -> schema.deadLetterTable();
        };
  }

  @Override
  public void start(Host host) throws Exception {
    pool = openPool(config, "stacklens-" + id);
    try {
      prepareSchema();
    } catch (SQLException e) {
      if (!SqlErrors.isConnectionFailure(e)) {
        throw new IllegalStateException(
            id + ": cannot prepare the tables: " + SqlErrors.reason(e) + ": " + PgErrors.detail(e),
            e);
      }
      // The database is unreachable: start anyway, the first push prepares the schema (and retries
      // meanwhile).
      context
          .logger()
          .log(
              Level.WARNING,
              id
                  + ": PostgreSQL unreachable at start-up ("
                  + PgErrors.detail(e)
                  + "); tables are prepared on the first write");
    }
    if (schema.partitions() != null) {
      maintenance =
          Executors.newSingleThreadScheduledExecutor(
              DaemonThreads.named("stacklens-" + id + "-partitions"));
      maintenance.scheduleWithFixedDelay(
          this::maintainPartitions, MAINTENANCE_MINUTES, MAINTENANCE_MINUTES, TimeUnit.MINUTES);
    }
    context
        .logger()
        .log(
            Level.INFO,
            id
                + ": writing "
                + config.tableKind.name().toLowerCase(java.util.Locale.ROOT)
                + " to table "
                + config.tableName()
                + " at "
                + Secrets.redact(config.endpoint)
                + (writer instanceof LogsWriter
                    ? " ("
                        + config.writeMethod.name().toLowerCase(java.util.Locale.ROOT)
                        + (config.exactlyOnce ? ", exactly-once)" : ")")
                    : ""));
  }

  /**
   * The exporter's connections: at most {@code pool_size}, each with the configured {@code
   * statement_timeout} and auto-commit off; a push waits at most 60 s for a free one. A connection
   * that saw a failure is discarded, so the next push opens a fresh one.
   */
  static ConnectionPool openPool(PostgresExporterConfig config, String applicationName) {
    Properties p = new Properties();
    p.setProperty("ApplicationName", applicationName);
    p.setProperty("connectTimeout", "10");
    p.setProperty("tcpKeepAlive", "true");
    if (!config.statementTimeout.isZero()) {
      // A backstop for a server that stops answering (no RST): well past the server-side timeout.
      p.setProperty("socketTimeout", Long.toString(config.statementTimeout.toSeconds() * 2 + 30));
    }
    if (config.connection != null) config.connection.forEach(p::setProperty);
    if (config.user != null) p.setProperty("user", config.user);
    if (config.password != null) p.setProperty("password", config.password);
    return new ConnectionPool(
        new org.postgresql.Driver(),
        config.endpoint,
        p,
        ConnectionPool.Settings.of(config.poolSize)
            .withBorrowTimeout(Duration.ofSeconds(60))
            .withStatementTimeout(config.statementTimeout)
            .withAutoCommit(false));
  }

  /**
   * Creates/migrates (auto) or checks (manual) the tables; throws IllegalStateException when a
   * manual schema does not fit.
   */
  private void prepareSchema() throws SQLException, InterruptedException {
    Connection c = pool.borrow();
    boolean ok = false;
    try {
      List<String> problems = schema.prepare(c, Instant.now());
      if (!problems.isEmpty()) {
        throw new IllegalStateException(
            id
                + ": schema: manual, but the database does not match: "
                + String.join("; ", problems));
      }
      schemaReady = true;
      ok = true;
    } finally {
      if (ok) pool.release(c);
      else pool.discard(c);
    }
  }

  /** Hourly: partitions ahead of time, and dropping expired ones. */
  void maintainPartitions() {
    try {
      Connection c = pool.borrow();
      boolean ok = false;
      try {
        List<String> dropped = schema.maintainPartitions(c, Instant.now());
        if (!dropped.isEmpty()) {
          context
              .metrics()
              .counter(
                  "stacklens_exporter_postgres_partitions_dropped_total",
                  "Partitions dropped because all their rows were older than retention",
                  "exporter",
                  id,
                  "table",
                  config.tableName())
              .add(dropped.size());
          context.logger().log(Level.INFO, id + ": dropped expired partitions " + dropped);
        }
        ok = true;
      } finally {
        if (ok) pool.release(c);
        else pool.discard(c);
      }
    } catch (SQLException | RuntimeException e) {
      logOnce(
          "partitions",
          id + ": partition maintenance failed (retried in an hour): " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void push(Batch batch) throws ExportException {
    if (!(batch instanceof LogsBatch logs)) {
      throw ExportException.permanent(
          id + ": the postgres exporter takes logs only, got " + batch.signal().id());
    }
    ConnectionPool p = pool;
    if (p == null) throw ExportException.retryable(id + ": not started");
    List<RefusedRecord> refused = new ArrayList<>();
    Connection c = null;
    try {
      if (!schemaReady) prepareSchema();
      c = p.borrow();
      TableWriter.Written written = writer.write(c, refs(logs), refused);
      c.commit();
      p.release(c);
      c = null;
      rowsInserted.add(written.rows());
      duplicateRows.add(written.duplicates());
      if (written.skipped() > 0) {
        context
            .metrics()
            .counter(
                "stacklens_exporter_postgres_skipped_records_total",
                "Records not written because they are not alerts (no alert.issue_code)",
                "exporter",
                id,
                "table",
                config.tableName(),
                "reason",
                "no_alert_issue_code")
            .add(written.skipped());
      }
    } catch (SQLException e) {
      if (c != null) {
        SchemaMigrations.rollbackQuietly(c);
        writer.forget(c);
        p.discard(c);
      }
      String reason = SqlErrors.retryReason(e);
      context
          .metrics()
          .counter(
              "stacklens_exporter_postgres_retryable_errors_total",
              "Failed batch writes that will be retried, by reason",
              "exporter",
              id,
              "reason",
              reason)
          .inc();
      logOnce(
          reason,
          id
              + ": writing a batch failed, will retry ("
              + SqlErrors.reason(e)
              + "): "
              + PgErrors.detail(e)
              + " (logged once a minute per reason)");
      throw ExportException.retryable(
          id + ": " + SqlErrors.reason(e) + ": " + PgErrors.detail(e), e);
    } catch (InterruptedException e) {
      if (c != null) p.discard(c);
      Thread.currentThread().interrupt();
      throw ExportException.retryable(id + ": interrupted");
    } catch (RuntimeException e) {
      if (c != null) {
        SchemaMigrations.rollbackQuietly(c);
        p.discard(c);
      }
      throw e;
    }
    if (!refused.isEmpty()) throw refusedForGood(logs, refused);
  }

  /**
   * The permanent failure of the records the table refused (the rest of the batch is committed):
   * their reason when they share one, else {@value #MIXED_REASONS}; the message counts them by
   * reason with an example of each. Counted by reason in {@code
   * stacklens_exporter_postgres_refused_records_total}.
   */
  private ExportException refusedForGood(LogsBatch batch, List<RefusedRecord> refused) {
    Map<String, List<RefusedRecord>> byReason = new TreeMap<>();
    for (RefusedRecord r : refused)
      byReason.computeIfAbsent(r.reason(), k -> new ArrayList<>()).add(r);
    List<String> parts = new ArrayList<>();
    byReason.forEach(
        (reason, records) -> {
          context
              .metrics()
              .counter(
                  "stacklens_exporter_postgres_refused_records_total",
                  "Records the table will never take, reported to the exporter helper as permanent failures, by reason",
                  "exporter",
                  id,
                  "table",
                  config.tableName(),
                  "reason",
                  reason)
              .add(records.size());
          parts.add(records.size() + " " + reason + " (" + shorten(records.get(0).detail()) + ")");
        });
    String reason = byReason.size() == 1 ? byReason.keySet().iterator().next() : MIXED_REASONS;
    return ExportException.permanent(
            id
                + ": table "
                + config.tableName()
                + " refused "
                + refused.size()
                + " record(s): "
                + String.join("; ", parts))
        .withReason(reason)
        .withUnsent(unsent(batch, refused));
  }

  /**
   * The refused records as a batch, in batch order, sharing (never changing) the pushed records;
   * their resources are copies with {@value DeadLetterTable#TABLE} added.
   */
  private LogsBatch unsent(LogsBatch batch, List<RefusedRecord> refused) {
    Set<LogRecord> records = Collections.newSetFromMap(new IdentityHashMap<>());
    for (RefusedRecord r : refused) records.add(r.ref().record());
    LogsBatch selected = batch.selectRecords((rl, sl, r) -> records.contains(r));
    List<ResourceLogs> out = new ArrayList<>(selected.resourceLogs().size());
    for (ResourceLogs rl : selected.resourceLogs()) {
      Resource resource = rl.resource().copy();
      resource.attributes().put(DeadLetterTable.TABLE, config.tableName());
      out.add(new ResourceLogs(resource, rl.scopeLogs()).setSchemaUrl(rl.schemaUrl()));
    }
    return new LogsBatch(out);
  }

  private static String shorten(String s) {
    if (s == null || s.length() <= MAX_DETAIL_IN_MESSAGE) return s;
    return s.substring(0, MAX_DETAIL_IN_MESSAGE) + "...";
  }

  static List<RecordRef> refs(LogsBatch batch) {
    List<RecordRef> refs = new ArrayList<>(batch.recordCount());
    batch.forEachRecord((rl, sl, r) -> refs.add(new RecordRef(rl, sl, r)));
    return refs;
  }

  /** Logs at most once a minute per key. */
  void logOnce(String key, String message) {
    long now = System.nanoTime();
    Long last = lastLogged.get(key);
    if (last != null && now - last < LOG_INTERVAL_NANOS) return;
    lastLogged.put(key, now);
    context.logger().log(Level.ERROR, message);
  }

  @Override
  public void shutdown(Instant deadline) {
    if (maintenance != null) maintenance.shutdownNow();
    ConnectionPool p = pool;
    if (p != null) p.close();
  }
}
