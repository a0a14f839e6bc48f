package io.stacklens.exporter.postgres;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.DaemonThreads;
import io.stacklens.agent.api.ExportException;
import io.stacklens.agent.api.Exporter;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.sql.ConnectionPool;
import io.stacklens.agent.sql.JdbcUrls;
import io.stacklens.agent.sql.SqlErrors;
import io.stacklens.agent.telemetry.Counter;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Writes log batches into PostgreSQL, one transaction per batch (reference: docs/exporters/postgres.md).
 *
 * <p><b>Exactly-once.</b> Every row's primary key is (deterministic id, time) and rows are inserted
 * with {@code ON CONFLICT (id, time) DO NOTHING}: a batch retried after a lost commit, or replayed
 * after a crash, adds no row twice (counted in {@code stacklens_exporter_postgres_duplicate_rows_total}).
 *
 * <p><b>Errors.</b> A retryable failure (connection loss, serialization failure, deadlock, timeout,
 * server shutdown, too many connections: {@link SqlErrors}) rolls back and fails the push retryably;
 * the exporter helper retries with backoff. A data error rolls back and writes the batch again,
 * bisecting it under savepoints until each bad record is alone: the good rows are written and each bad
 * record goes to the dead-letter table with its SQLState and the server's message, all in one transaction.
 *
 * <p><b>Schema.</b> Prepared at start ({@link PostgresSchema}); when the database cannot be reached
 * then, start-up still succeeds and the first push prepares it (failing retryably meanwhile). A
 * manual schema that does not match fails start-up.
 */
final class PostgresExporter implements Exporter {
  private static final long MAINTENANCE_MINUTES = 60;
  private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final ComponentContext context;
  private final PostgresExporterConfig config;
  private final String id;
  private final PostgresSchema schema;
  private final LogsTable logsTable;
  private final DeadLetterTable deadLetters;
  private final ThreadLocal<LogRows> rows;
  private final RowWriter fastWriter;
  private final CopyWriter copyWriter;
  private final InsertWriter bisectWriter;
  private final AlertsWriter alertsWriter;
  /** Failed attempts per batch (the helper retries the same batch object), for dlq retry_count. */
  private final Map<Batch, Integer> attempts = Collections.synchronizedMap(new WeakHashMap<>());
  private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();
  private final Counter rowsInserted;
  private final Counter duplicateRows;
  private final Counter bisections;

  private volatile ConnectionPool pool;
  private volatile boolean schemaReady;
  private ScheduledExecutorService maintenance;

  PostgresExporter(ComponentContext context, PostgresExporterConfig config) {
    this.context = context;
    this.config = config;
    this.id = context.id().toString();
    this.schema = new PostgresSchema(config);
    this.logsTable = schema.logsTable();
    this.deadLetters = schema.deadLetterTable();
    boolean logs = config.tableKind == PostgresExporterConfig.TableKind.LOGS;
    this.rows = ThreadLocal.withInitial(() -> new LogRows(logsTable, config.exactlyOnce));
    this.copyWriter = logs && config.writeMethod == PostgresExporterConfig.WriteMethod.COPY
        ? new CopyWriter(logsTable, config.exactlyOnce) : null;
    this.bisectWriter = new InsertWriter(logsTable, config.exactlyOnce);
    this.fastWriter = copyWriter != null ? copyWriter : bisectWriter;
    this.alertsWriter = logs ? null : new AlertsWriter(config);
    var m = context.metrics();
    String table = config.tableName();
    rowsInserted = m.counter("stacklens_exporter_postgres_rows_total", "Rows the exporter inserted", "exporter", id, "table", table);
    duplicateRows = m.counter("stacklens_exporter_postgres_duplicate_rows_total",
        "Records already in the table (a retry or replay; skipped by ON CONFLICT DO NOTHING)", "exporter", id, "table", table);
    bisections = m.counter("stacklens_exporter_postgres_bisected_batches_total",
        "Batches split to isolate records the table refused", "exporter", id, "table", table);
  }

  @Override
  public void start(Host host) throws Exception {
    pool = openPool(config, "stacklens-" + id);
    try {
      prepareSchema();
    } catch (SQLException e) {
      if (!SqlErrors.isConnectionFailure(e)) {
        throw new IllegalStateException(id + ": cannot prepare the tables: " + SqlErrors.reason(e) + ": " + PgErrors.detail(e), e);
      }
      // The database is unreachable: start anyway, the first push prepares the schema (and retries meanwhile).
      context.logger().log(Level.WARNING, id + ": PostgreSQL unreachable at start-up (" + PgErrors.detail(e)
          + "); tables are prepared on the first write");
    }
    if (schema.partitions() != null) {
      maintenance = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("stacklens-" + id + "-partitions"));
      maintenance.scheduleWithFixedDelay(this::maintainPartitions, MAINTENANCE_MINUTES, MAINTENANCE_MINUTES, TimeUnit.MINUTES);
    }
    context.logger().log(Level.INFO, id + ": writing " + config.tableKind.name().toLowerCase() + " to table "
        + config.tableName() + " at " + JdbcUrls.redact(config.endpoint)
        + (alertsWriter == null ? " (" + config.writeMethod.name().toLowerCase() + (config.exactlyOnce ? ", exactly-once)" : ")") : ""));
  }

  /**
   * The exporter's connections: at most {@code pool_size}, each with the configured {@code statement_timeout}
   * and auto-commit off; a push waits at most 60 s for a free one. A connection that saw a failure is
   * discarded, so the next push opens a fresh one.
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
    return new ConnectionPool(new org.postgresql.Driver(), config.endpoint, p, ConnectionPool.Settings.of(config.poolSize)
        .withBorrowTimeout(Duration.ofSeconds(60))
        .withStatementTimeout(config.statementTimeout)
        .withAutoCommit(false));
  }

  /** Creates/migrates (auto) or checks (manual) the tables; throws IllegalStateException when a manual schema does not fit. */
  private void prepareSchema() throws SQLException, InterruptedException {
    Connection c = pool.borrow();
    boolean ok = false;
    try {
      List<String> problems = schema.prepare(c, Instant.now());
      if (!problems.isEmpty()) {
        throw new IllegalStateException(id + ": schema: manual, but the database does not match: " + String.join("; ", problems));
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
          context.metrics().counter("stacklens_exporter_postgres_partitions_dropped_total",
              "Partitions dropped because all their rows were older than retention", "exporter", id, "table", config.tableName())
              .add(dropped.size());
          context.logger().log(Level.INFO, id + ": dropped expired partitions " + dropped);
        }
        ok = true;
      } finally {
        if (ok) pool.release(c);
        else pool.discard(c);
      }
    } catch (SQLException | RuntimeException e) {
      logOnce("partitions", id + ": partition maintenance failed (retried in an hour): " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void push(Batch batch) throws ExportException {
    if (!(batch instanceof LogsBatch logs)) {
      throw ExportException.permanent(id + ": the postgres exporter takes logs only, got " + batch.signal().id());
    }
    ConnectionPool p = pool;
    if (p == null) throw ExportException.retryable(id + ": not started");
    Connection c = null;
    try {
      if (!schemaReady) prepareSchema();
      c = p.borrow();
      int retries = attempts.getOrDefault(batch, 0);
      if (alertsWriter != null) {
        alertsWriter.write(c, logs, this, retries);
      } else {
        writeLogs(c, logs, retries);
      }
      p.release(c);
      attempts.remove(batch);
    } catch (SQLException e) {
      if (c != null) {
        SchemaMigrations.rollbackQuietly(c);
        if (copyWriter != null) copyWriter.forget(c);
        p.discard(c);
      }
      attempts.merge(batch, 1, Integer::sum);
      String reason = SqlErrors.retryReason(e);
      context.metrics().counter("stacklens_exporter_postgres_retryable_errors_total",
          "Failed batch writes that will be retried, by reason", "exporter", id, "reason", reason).inc();
      logOnce(reason, id + ": writing a batch failed, will retry (" + SqlErrors.reason(e) + "): " + PgErrors.detail(e)
          + " (logged once a minute per reason)");
      throw ExportException.retryable(id + ": " + SqlErrors.reason(e) + ": " + PgErrors.detail(e), e);
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
  }

  private void writeLogs(Connection c, LogsBatch batch, int retries) throws SQLException {
    List<RecordRef> refs = refs(batch);
    LogRows.Encoded encoded = rows.get().encode(refs);
    List<DeadLetterTable.DeadLetter> letters = new ArrayList<>(encoded.failures());
    int inserted;
    try {
      inserted = fastWriter.write(c, encoded.rows());
    } catch (SQLException e) {
      if (!SqlErrors.isDataError(e)) throw e;
      c.rollback();
      if (copyWriter != null) copyWriter.forget(c);
      bisections.inc();
      inserted = bisect(c, encoded.rows(), letters, e);
    }
    deadLetters.write(c, id, logsTable.name(), letters, retries);
    c.commit();
    rowsInserted.add(inserted);
    duplicateRows.add(encoded.rows().size() - inserted - countRows(letters, encoded));
    countDeadLetters(letters);
  }

  /** Dead letters that were rows (data errors), as opposed to conversion failures. */
  private static int countRows(List<DeadLetterTable.DeadLetter> letters, LogRows.Encoded encoded) {
    return letters.size() - encoded.failures().size();
  }

  /**
   * Writes {@code rows} under a savepoint; on a data error, rolls back to it and writes each half
   * the same way, until the bad records are alone: they become dead letters. Returns rows inserted.
   */
  private int bisect(Connection c, List<LogRows.Row> rows, List<DeadLetterTable.DeadLetter> letters, SQLException known)
      throws SQLException {
    if (rows.isEmpty()) return 0;
    if (rows.size() == 1 && known != null) {
      letters.add(new DeadLetterTable.DeadLetter(rows.get(0).ref(), SqlErrors.reason(known), PgErrors.detail(known)));
      return 0;
    }
    if (known == null) {
      Savepoint sp = c.setSavepoint();
      try {
        int n = bisectWriter.write(c, rows);
        c.releaseSavepoint(sp);
        return n;
      } catch (SQLException e) {
        c.rollback(sp);
        if (!SqlErrors.isDataError(e)) throw e;
        if (rows.size() == 1) {
          letters.add(new DeadLetterTable.DeadLetter(rows.get(0).ref(), SqlErrors.reason(e), PgErrors.detail(e)));
          return 0;
        }
      }
    }
    int half = rows.size() / 2;
    return bisect(c, rows.subList(0, half), letters, null) + bisect(c, rows.subList(half, rows.size()), letters, null);
  }

  void countDeadLetters(List<DeadLetterTable.DeadLetter> letters) {
    for (DeadLetterTable.DeadLetter d : letters) {
      context.metrics().counter("stacklens_exporter_postgres_dead_letter_records_total",
          "Records the table refused, written to the dead-letter table, by reason",
          "exporter", id, "table", config.tableName(), "reason", d.reason()).inc();
      logOnce("dlq " + d.reason(), id + ": a record went to " + deadLetters.name() + " (" + d.reason() + "): " + d.detail()
          + " (logged once a minute per reason)");
    }
  }

  DeadLetterTable deadLetters() {
    return deadLetters;
  }

  String exporterId() {
    return id;
  }

  void skipped(int records) {
    if (records > 0) {
      context.metrics().counter("stacklens_exporter_postgres_skipped_records_total",
          "Records not written because they are not alerts (no alert.issue_code)", "exporter", id,
          "table", config.tableName(), "reason", "no_alert_issue_code").add(records);
    }
  }

  Counter rowsInserted() {
    return rowsInserted;
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
