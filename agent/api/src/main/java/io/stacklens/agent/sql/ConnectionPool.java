package io.stacklens.agent.sql;

import io.stacklens.agent.api.Secrets;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small, bounded JDBC connection pool: at most {@link Settings#maxSize} connections, opened on
 * demand through the caller's {@link Driver}, each set up once when opened ({@code SET
 * statement_timeout}, then auto-commit as configured). A borrower has its connection to itself
 * until it gives it back: {@link #release} for a healthy connection (outside any transaction),
 * {@link #discard} for one that may be broken, {@link #reopen} to swap a broken one for a fresh one
 * without waiting for a free place.
 *
 * <p><b>Waiting.</b> {@link #borrow} waits at most {@link Settings#borrowTimeout} for a free place,
 * then fails with a {@link BusyException}. <b>Failed connects.</b> When opening a connection fails,
 * the driver's exception is thrown as it is; with a {@link Settings#reconnectBackoff} above zero,
 * borrows that would open a connection fail at once during that pause ({@link
 * NotConnectedException}, naming the last failure), so a database that is down costs no pile-up of
 * connect attempts.
 *
 * <p><b>Prepared statements.</b> A released connection goes back as it is, so a driver that caches
 * prepared statements per connection (pgjdbc turns a statement prepared again on the same
 * connection into a server-side prepared statement after {@code prepareThreshold} runs) keeps that
 * benefit across borrows. Thread-safe.
 */
public final class ConnectionPool implements AutoCloseable {
  private final Driver driver;
  private final String url;
  private final Properties properties;
  private final Settings settings;
  private final BlockingQueue<Connection> idle;
  private final Semaphore places;
  private final AtomicInteger open = new AtomicInteger();

  /** Connections opened for the borrow that has them now, not yet given back once. */
  private final Set<Connection> fresh =
      Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

  private volatile boolean closed;
  private volatile long noConnectBeforeNanos;
  private volatile String lastConnectFailure;

  /**
   * A pool of connections to {@code url}, opened with {@code driver} and {@code properties}
   * (copied; the driver's own names: {@code user}, {@code password}, {@code connectTimeout}, ...).
   */
  public ConnectionPool(Driver driver, String url, Properties properties, Settings settings) {
    this.driver = Objects.requireNonNull(driver, "driver");
    this.url = Objects.requireNonNull(url, "url");
    this.properties = new Properties();
    if (properties != null) this.properties.putAll(properties);
    this.settings = Objects.requireNonNull(settings, "settings");
    this.idle = new ArrayBlockingQueue<>(settings.maxSize());
    this.places = new Semaphore(settings.maxSize());
  }

  /**
   * How the pool behaves.
   *
   * @param maxSize connections at most, at least 1
   * @param borrowTimeout longest wait of {@link #borrow} for a free place
   * @param statementTimeout run {@code SET statement_timeout} with this (in milliseconds; zero
   *     disables a timeout the role or database may set) on every new connection; null leaves the
   *     server's setting
   * @param autoCommit the auto-commit mode of every connection
   * @param reconnectBackoff after a failed connect, borrows that would open a connection fail at
   *     once for this long; zero = always try
   */
  public record Settings(
      int maxSize,
      Duration borrowTimeout,
      Duration statementTimeout,
      boolean autoCommit,
      Duration reconnectBackoff) {
    public Settings {
      if (maxSize < 1)
        throw new IllegalArgumentException("maxSize must be at least 1, got " + maxSize);
      Objects.requireNonNull(borrowTimeout, "borrowTimeout");
      Objects.requireNonNull(reconnectBackoff, "reconnectBackoff");
    }

    /**
     * {@code maxSize} connections, a 60 s wait, the server's statement timeout, auto-commit on, no
     * backoff.
     */
    public static Settings of(int maxSize) {
      return new Settings(maxSize, Duration.ofSeconds(60), null, true, Duration.ZERO);
    }

    public Settings withBorrowTimeout(Duration d) {
      return new Settings(maxSize, d, statementTimeout, autoCommit, reconnectBackoff);
    }

    public Settings withStatementTimeout(Duration d) {
      return new Settings(maxSize, borrowTimeout, d, autoCommit, reconnectBackoff);
    }

    public Settings withAutoCommit(boolean on) {
      return new Settings(maxSize, borrowTimeout, statementTimeout, on, reconnectBackoff);
    }

    public Settings withReconnectBackoff(Duration d) {
      return new Settings(maxSize, borrowTimeout, statementTimeout, autoCommit, d);
    }
  }

  /**
   * No free place within {@link Settings#borrowTimeout}: all connections are in use (SQLState
   * 08004).
   */
  public static final class BusyException extends SQLTransientConnectionException {
    private static final long serialVersionUID = 1L;

    BusyException(String message) {
      super(message, "08004");
    }
  }

  /**
   * A borrow during the pause after a failed connect (SQLState 08001); the message names the last
   * failure.
   */
  public static final class NotConnectedException extends SQLTransientConnectionException {
    private static final long serialVersionUID = 1L;

    NotConnectedException(String message) {
      super(message, "08001");
    }
  }

  /**
   * A connection for the caller alone: an idle one, else a new one while fewer than {@code maxSize}
   * are open, else the first one given back within {@code borrowTimeout}.
   *
   * @throws BusyException when no place became free in time
   * @throws NotConnectedException during the pause after a failed connect
   * @throws SQLException the driver's, when opening a connection failed; SQLState 08003 when the
   *     pool is closed
   */
  public Connection borrow() throws SQLException, InterruptedException {
    if (closed) throw closedException();
    long waitNanos = settings.borrowTimeout().toNanos();
    if (!places.tryAcquire(waitNanos, TimeUnit.NANOSECONDS)) {
      throw new BusyException(
          "no free connection in the pool within " + describe(settings.borrowTimeout()));
    }
    Connection c = idle.poll();
    if (c != null) return c;
    try {
      return open();
    } catch (SQLException | RuntimeException e) {
      places.release();
      throw e;
    }
  }

  /**
   * Closes {@code broken} (borrowed from this pool) and opens a new connection in its place,
   * without waiting for a free place. When opening fails, the place is given back and the exception
   * thrown (as {@link #borrow} would): the caller then holds no connection.
   */
  public Connection reopen(Connection broken) throws SQLException {
    closeConnection(broken);
    if (closed) {
      places.release();
      throw closedException();
    }
    try {
      return open();
    } catch (SQLException | RuntimeException e) {
      places.release();
      throw e;
    }
  }

  /**
   * Gives back a healthy connection, outside any transaction; after {@link #close} it is closed
   * instead.
   */
  public void release(Connection c) {
    fresh.remove(c);
    if (closed || !idle.offer(c)) closeConnection(c);
    places.release();
  }

  /** Closes a connection that may be broken instead of pooling it, and frees its place. */
  public void discard(Connection c) {
    closeConnection(c);
    places.release();
  }

  /**
   * True when {@code c} was opened for the borrow that holds it (never given back since): a new
   * connection.
   */
  public boolean isNew(Connection c) {
    return fresh.contains(c);
  }

  /**
   * True when {@code failure} means {@code c} is no longer usable: a connection failure, or the
   * driver closed it.
   */
  public static boolean isBroken(Connection c, SQLException failure) {
    if (SqlErrors.isConnectionFailure(failure)) return true;
    try {
      return c == null || c.isClosed();
    } catch (SQLException e) {
      return true;
    }
  }

  /** Connections open right now, idle or borrowed. */
  public int openConnections() {
    return open.get();
  }

  public Settings settings() {
    return settings;
  }

  /**
   * Closes the idle connections; borrowed ones are closed when given back. Borrowing fails from now
   * on.
   */
  @Override
  public void close() {
    closed = true;
    Connection c;
    while ((c = idle.poll()) != null) closeConnection(c);
  }

  private Connection open() throws SQLException {
    long wait = noConnectBeforeNanos - System.nanoTime();
    if (wait > 0 && lastConnectFailure != null) {
      throw new NotConnectedException(
          "not connected; connecting failed less than "
              + describe(settings.reconnectBackoff())
              + " ago: "
              + lastConnectFailure);
    }
    Connection c = null;
    try {
      c = driver.connect(url, properties);
      if (c == null)
        throw new SQLException(
            "the driver does not accept the URL " + Secrets.redact(url), "08001");
      open.incrementAndGet();
      if (settings.statementTimeout() != null) {
        try (Statement s = c.createStatement()) {
          s.execute("SET statement_timeout = " + settings.statementTimeout().toMillis());
        }
      }
      if (!settings.autoCommit()) {
        c.setAutoCommit(false);
        c.commit();
      }
    } catch (SQLException | RuntimeException e) {
      if (c != null) closeConnection(c);
      if (!settings.reconnectBackoff().isZero() && e instanceof SQLException sql) {
        lastConnectFailure = SqlErrors.message(sql);
        noConnectBeforeNanos = System.nanoTime() + settings.reconnectBackoff().toNanos();
      }
      throw e;
    }
    fresh.add(c);
    return c;
  }

  private void closeConnection(Connection c) {
    if (c == null) return;
    fresh.remove(c);
    try {
      c.close();
    } catch (SQLException | RuntimeException ignored) {
      // closing a broken connection; nothing to do
    }
    open.decrementAndGet();
  }

  private static SQLException closedException() {
    return new SQLException("the connection pool is closed", "08003");
  }

  /** {@code 60 s} for whole seconds, else {@code 500 ms}. */
  private static String describe(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }
}
