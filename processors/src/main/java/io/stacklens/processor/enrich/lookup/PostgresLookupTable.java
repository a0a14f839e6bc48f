package io.stacklens.processor.enrich.lookup;

import io.stacklens.agent.data.Attributes;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.math.BigDecimal;
import java.net.SocketTimeoutException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link LookupTable} that runs a query per key on PostgreSQL.
 *
 * <p>A fixed pool of {@code pool_size} slots, each holding one connection with the query prepared
 * (pgjdbc turns it into a server-side prepared statement after a few runs). {@link #get} takes a free
 * slot (waiting at most {@code connect_timeout + query_timeout}), connects it if needed, binds the key
 * as an untyped parameter (so {@code WHERE id = ?} works on an integer column) and reads at most
 * one row. A connection that fails (server restarted, network cut) is dropped and the lookup retried
 * once on a new one; when connecting fails, further connects are not tried for {@value #RECONNECT_BACKOFF_MS} ms
 * (lookups fail fast with the last error meanwhile), so a database that is down costs no pile-up of
 * connect attempts and is used again as soon as it is back.
 *
 * <p>Column values: {@code smallint/integer/bigint/oid} -> Long, {@code real/double precision/numeric}
 * -> Double, {@code boolean} -> Boolean, {@code timestamptz} -> ISO-8601 UTC string ({@code
 * 2024-05-01T10:00:00Z}), {@code timestamp} -> ISO-8601 local string, {@code date} -> {@code 2024-05-01},
 * {@code bytea} -> bytes, arrays -> list of converted elements, everything else ({@code text},
 * {@code json/jsonb}, {@code uuid}, {@code time}, ...) -> its text. SQL NULL columns are left out of the row.
 */
public final class PostgresLookupTable implements LookupTable {
  private static final Logger LOG = System.getLogger(PostgresLookupTable.class.getName());
  static final long RECONNECT_BACKOFF_MS = 500;
  private static final org.postgresql.Driver DRIVER = new org.postgresql.Driver();

  /** One pooled connection with its prepared query and the row layout read from its first result. */
  private static final class Slot {
    Connection connection;
    PreparedStatement statement;
    String[] names;
    ColumnKind[] kinds;
  }

  private enum ColumnKind {
    LONG, DOUBLE, BOOL, TIMESTAMPTZ, TIMESTAMP, DATE, BYTES, ARRAY, TEXT
  }

  private final PostgresTableConfig config;
  private final String description;
  private final Properties connectionProperties;
  private final long borrowTimeoutMillis;
  private final ArrayBlockingQueue<Slot> idle;
  private final AtomicInteger openConnections = new AtomicInteger();
  private volatile boolean started;
  private volatile boolean closed;
  private volatile long noConnectBeforeNanos;
  private volatile String lastConnectError;

  PostgresLookupTable(PostgresTableConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.description = "postgres query on " + hostAndDatabase(config.endpoint);
    this.borrowTimeoutMillis = config.connectTimeout.plus(config.queryTimeout).toMillis();
    this.idle = new ArrayBlockingQueue<>(config.poolSize);
    Properties p = new Properties();
    if (config.properties != null) {
      for (Map.Entry<String, String> e : config.properties.entrySet()) p.setProperty(e.getKey(), e.getValue());
    }
    if (config.user != null) p.setProperty("user", config.user);
    if (config.password != null) p.setProperty("password", config.password);
    long connectSeconds = Math.max(1, ceilSeconds(config.connectTimeout.toMillis()));
    p.putIfAbsent("connectTimeout", String.valueOf(connectSeconds));
    p.putIfAbsent("loginTimeout", String.valueOf(connectSeconds));
    // backstop for a server that stops answering: the statement timeout covers a slow query
    p.putIfAbsent("socketTimeout", String.valueOf(ceilSeconds(config.queryTimeout.toMillis()) + connectSeconds));
    p.putIfAbsent("stringtype", "unspecified");
    p.putIfAbsent("ApplicationName", "stacklens-agent");
    this.connectionProperties = p;
  }

  @Override
  public void start() throws SQLException {
    if (started) return;
    for (int i = 0; i < config.poolSize; i++) idle.add(new Slot());
    started = true;
    // check the query once, if the database is reachable; a database that is down is not an error here
    Slot slot = idle.poll();
    int parameters;
    try {
      connect(slot);
      parameters = slot.statement.getParameterMetaData().getParameterCount();
    } catch (SQLException e) {
      if ("42601".equals(e.getSQLState())) {
        close(slot);
        throw new SQLException(description + ": the query is not valid SQL: " + message(e), e.getSQLState(), e);
      }
      // down, refusing us, or a table that is not there yet: get() reports it until it is fixed
      if (isConnectionFailure(e, slot)) discard(slot);
      idle.add(slot);
      LOG.log(Level.WARNING, () -> description + ": not usable yet, lookups fail until it is: "
          + withoutDescription(message(e)));
      return;
    }
    if (parameters != 1) {
      close(slot);
      throw new SQLException(description + ": the query must take exactly one parameter (the key), it takes " + parameters);
    }
    idle.add(slot);
  }

  /** Closes the table during a failed start, with {@code borrowed} out of the pool. */
  private void close(Slot borrowed) {
    discard(borrowed);
    close();
  }

  @Override
  public Attributes get(String key) throws SQLException, TimeoutException, InterruptedException {
    if (!started || closed) throw new IllegalStateException(description + ": " + (closed ? "closed" : "not started"));
    Slot slot = idle.poll(borrowTimeoutMillis, TimeUnit.MILLISECONDS);
    if (slot == null) {
      throw new TimeoutException(description + ": all " + config.poolSize + " connections stayed busy for "
          + borrowTimeoutMillis + " ms");
    }
    try {
      return lookup(slot, key);
    } finally {
      if (closed) {
        discard(slot);
      } else {
        idle.add(slot);
      }
    }
  }

  private Attributes lookup(Slot slot, String key) throws SQLException {
    boolean reused = slot.connection != null;
    connect(slot);
    try {
      return execute(slot, key);
    } catch (SQLException e) {
      if (!isConnectionFailure(e, slot)) throw failure(e);
      discard(slot);
      if (!reused || isSocketTimeout(e)) throw failure(e);
      // the connection went stale (server restarted, idle connection cut): once more on a new one
      LOG.log(Level.DEBUG, () -> description + ": connection lost (" + message(e) + "), reconnecting");
      connect(slot);
      try {
        return execute(slot, key);
      } catch (SQLException again) {
        if (isConnectionFailure(again, slot)) discard(slot);
        throw failure(again);
      }
    }
  }

  private Attributes execute(Slot slot, String key) throws SQLException {
    PreparedStatement ps = slot.statement;
    ps.setString(1, key);
    try (ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) return null;
      if (slot.names == null) readLayout(slot, rs.getMetaData());
      String[] names = slot.names;
      ColumnKind[] kinds = slot.kinds;
      Attributes row = new Attributes(names.length);
      for (int i = 0; i < names.length; i++) {
        Object value = read(rs, i + 1, kinds[i]);
        if (value != null) row.put(names[i], value);
      }
      return row;
    }
  }

  private static void readLayout(Slot slot, ResultSetMetaData md) throws SQLException {
    int n = md.getColumnCount();
    String[] names = new String[n];
    ColumnKind[] kinds = new ColumnKind[n];
    for (int i = 0; i < n; i++) {
      names[i] = md.getColumnLabel(i + 1);
      kinds[i] = kindOf(md.getColumnTypeName(i + 1), md.getColumnType(i + 1));
    }
    slot.names = names;
    slot.kinds = kinds;
  }

  private static ColumnKind kindOf(String typeName, int sqlType) {
    if (sqlType == java.sql.Types.ARRAY) return ColumnKind.ARRAY;
    return switch (typeName) {
      case "int2", "int4", "int8", "oid" -> ColumnKind.LONG;
      case "float4", "float8", "numeric" -> ColumnKind.DOUBLE;
      case "bool" -> ColumnKind.BOOL;
      case "timestamptz" -> ColumnKind.TIMESTAMPTZ;
      case "timestamp" -> ColumnKind.TIMESTAMP;
      case "date" -> ColumnKind.DATE;
      case "bytea" -> ColumnKind.BYTES;
      default -> ColumnKind.TEXT;
    };
  }

  private static Object read(ResultSet rs, int column, ColumnKind kind) throws SQLException {
    switch (kind) {
      case LONG -> {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
      }
      case DOUBLE -> {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
      }
      case BOOL -> {
        boolean v = rs.getBoolean(column);
        return rs.wasNull() ? null : v;
      }
      case TIMESTAMPTZ -> {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        if (t == null) return null;
        if (t.equals(OffsetDateTime.MAX) || t.equals(OffsetDateTime.MIN)) return rs.getString(column);
        return t.toInstant().toString();
      }
      case TIMESTAMP -> {
        LocalDateTime t = rs.getObject(column, LocalDateTime.class);
        if (t == null) return null;
        if (t.equals(LocalDateTime.MAX) || t.equals(LocalDateTime.MIN)) return rs.getString(column);
        return java.time.format.DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t);
      }
      case DATE -> {
        java.time.LocalDate d = rs.getObject(column, java.time.LocalDate.class);
        if (d == null) return null;
        if (d.equals(java.time.LocalDate.MAX) || d.equals(java.time.LocalDate.MIN)) return rs.getString(column);
        return d.toString();
      }
      case BYTES -> {
        return rs.getBytes(column);
      }
      case ARRAY -> {
        Array a = rs.getArray(column);
        if (a == null) return null;
        try {
          return toList(a.getArray());
        } finally {
          a.free();
        }
      }
      default -> {
        return rs.getString(column);
      }
    }
  }

  private static List<Object> toList(Object array) {
    int n = java.lang.reflect.Array.getLength(array);
    List<Object> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Object e = java.lang.reflect.Array.get(array, i);
      if (e == null) {
        list.add(null);
      } else if (e.getClass().isArray() && !(e instanceof byte[])) {
        list.add(toList(e));
      } else if (e instanceof Integer || e instanceof Long || e instanceof Short || e instanceof Byte) {
        list.add(((Number) e).longValue());
      } else if (e instanceof Double || e instanceof Float || e instanceof BigDecimal) {
        list.add(((Number) e).doubleValue());
      } else if (e instanceof Boolean || e instanceof byte[]) {
        list.add(e);
      } else if (e instanceof java.sql.Timestamp ts) {
        list.add(ts.toInstant().toString());
      } else {
        list.add(e.toString());
      }
    }
    return list;
  }

  /** Opens the slot's connection and prepares the query, unless it is open already. */
  private void connect(Slot slot) throws SQLException {
    if (slot.connection != null) return;
    if (System.nanoTime() - noConnectBeforeNanos < 0) {
      throw new SQLException(description + ": not connected; connecting failed less than "
          + RECONNECT_BACKOFF_MS + " ms ago: " + lastConnectError, "08001");
    }
    Connection c = null;
    try {
      c = DRIVER.connect(config.endpoint, connectionProperties);
      if (c == null) throw new SQLException("not a PostgreSQL JDBC URL", "08001");
      openConnections.incrementAndGet();
      try (Statement s = c.createStatement()) {
        s.execute("SET statement_timeout = " + Math.max(1, config.queryTimeout.toMillis()));
      }
      PreparedStatement ps = c.prepareStatement(config.query);
      ps.setMaxRows(1);
      slot.connection = c;
      slot.statement = ps;
      slot.names = null;
      slot.kinds = null;
    } catch (SQLException e) {
      if (c != null) {
        closeQuietly(c);
        openConnections.decrementAndGet();
      }
      String m = message(e);
      lastConnectError = m;
      noConnectBeforeNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RECONNECT_BACKOFF_MS);
      throw new SQLException(description + ": cannot connect: " + m, e.getSQLState(), e);
    }
  }

  private void discard(Slot slot) {
    if (slot.connection != null) {
      closeQuietly(slot.connection);
      openConnections.decrementAndGet();
    }
    slot.connection = null;
    slot.statement = null;
    slot.names = null;
    slot.kinds = null;
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException | RuntimeException ignored) {
      // closing a broken connection; nothing to do
    }
  }

  private boolean isConnectionFailure(SQLException e, Slot slot) {
    String state = e.getSQLState();
    if (state != null && (state.startsWith("08") || state.startsWith("57P"))) return true;
    try {
      return slot.connection == null || slot.connection.isClosed();
    } catch (SQLException ignored) {
      return true;
    }
  }

  private static boolean isSocketTimeout(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SocketTimeoutException) return true;
    }
    return false;
  }

  private SQLException failure(SQLException e) {
    String m;
    if ("57014".equals(e.getSQLState())) {
      m = "query timed out after " + config.queryTimeout.toMillis() + " ms (query_timeout)";
    } else {
      m = message(e);
    }
    if (m.startsWith(description)) return e;
    return new SQLException(description + ": " + m, e.getSQLState(), e);
  }

  /** The driver's message without its "ERROR: " prefix and position/detail lines. */
  private static String message(SQLException e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage().strip();
    if (m.startsWith("ERROR: ")) m = m.substring(7);
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl).strip();
  }

  private String withoutDescription(String m) {
    return m.startsWith(description + ": ") ? m.substring(description.length() + 2) : m;
  }

  /** Connections open right now. */
  public int openConnections() {
    return openConnections.get();
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    closed = true;
    Slot slot;
    while ((slot = idle.poll()) != null) discard(slot);
  }

  private static long ceilSeconds(long millis) {
    return (millis + 999) / 1000;
  }

  /** {@code host:port/database} of a JDBC URL (no parameters, which may hold credentials). */
  static String hostAndDatabase(String url) {
    String s = url == null ? "" : url;
    if (s.startsWith("jdbc:postgresql://")) s = s.substring("jdbc:postgresql://".length());
    int q = s.indexOf('?');
    return q < 0 ? s : s.substring(0, q);
  }

  /** The URL with any password parameter masked, for messages. */
  static String redactUrl(String url) {
    return url.replaceAll("(?i)(password=)[^&]*", "$1***");
  }
}
