package io.stacklens.exporter.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A small connection pool: at most {@code pool_size} connections, opened on demand, each with the
 * configured {@code statement_timeout} and auto-commit off. A connection that saw a connection-level
 * failure is closed instead of being returned ({@link #discard}), so the next borrower opens a fresh one.
 */
final class PostgresConnections implements AutoCloseable {
  private final String url;
  private final Properties properties;
  private final Duration statementTimeout;
  private final BlockingQueue<Connection> idle;
  private final java.util.concurrent.Semaphore permits;
  private volatile boolean closed;

  PostgresConnections(PostgresExporterConfig config, String applicationName) {
    this.url = config.endpoint;
    this.statementTimeout = config.statementTimeout;
    this.idle = new ArrayBlockingQueue<>(config.poolSize);
    this.permits = new java.util.concurrent.Semaphore(config.poolSize);
    Properties p = new Properties();
    p.setProperty("ApplicationName", applicationName);
    p.setProperty("connectTimeout", "10");
    p.setProperty("tcpKeepAlive", "true");
    if (!statementTimeout.isZero()) {
      // A backstop for a server that stops answering (no RST): well past the server-side timeout.
      p.setProperty("socketTimeout", Long.toString(statementTimeout.toSeconds() * 2 + 30));
    }
    if (config.connection != null) config.connection.forEach(p::setProperty);
    if (config.user != null) p.setProperty("user", config.user);
    if (config.password != null) p.setProperty("password", config.password);
    this.properties = p;
  }

  /** A connection (auto-commit off) for the caller alone; give it back with {@link #release} or {@link #discard}. */
  Connection borrow() throws SQLException, InterruptedException {
    if (closed) throw new SQLException("the exporter is shut down", "08003");
    if (!permits.tryAcquire(60, TimeUnit.SECONDS)) {
      throw new SQLException("no free connection in the pool within 60 s", "08004");
    }
    Connection c = idle.poll();
    if (c != null) return c;
    try {
      return open();
    } catch (SQLException | RuntimeException e) {
      permits.release();
      throw e;
    }
  }

  private Connection open() throws SQLException {
    Connection c = DriverManager.getConnection(url, properties);
    try (Statement s = c.createStatement()) {
      s.execute("SET statement_timeout = " + statementTimeout.toMillis());
      c.setAutoCommit(false);
      c.commit();
    } catch (SQLException e) {
      closeQuietly(c);
      throw e;
    }
    return c;
  }

  /** Returns a healthy connection (outside any transaction) to the pool. */
  void release(Connection c) {
    if (closed || !idle.offer(c)) closeQuietly(c);
    permits.release();
  }

  /** Closes a connection that may be broken instead of pooling it. */
  void discard(Connection c) {
    closeQuietly(c);
    permits.release();
  }

  @Override
  public void close() {
    closed = true;
    Connection c;
    while ((c = idle.poll()) != null) closeQuietly(c);
  }

  static void closeQuietly(Connection c) {
    if (c == null) return;
    try {
      c.close();
    } catch (SQLException ignored) {
      // a broken connection; nothing to do
    }
  }

  /** {@code url} without a password parameter, for messages. */
  static String redactUrl(String url) {
    return url == null ? null : url.replaceAll("(?i)(password=)[^&]*", "$1***");
  }
}
