package io.stacklens.processor.enrich.lookup;

import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.sql.ConnectionPool;
import io.stacklens.agent.sql.SqlErrors;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeoutException;

/**
 * A {@link LookupTable} that runs a query per key on PostgreSQL.
 *
 * <p>Connections come from the agent's shared {@link ConnectionPool}: at most {@code pool_size},
 * each with {@code statement_timeout} = {@code query_timeout}, auto-commit on. {@link #get} borrows
 * one (waiting at most {@code connect_timeout + query_timeout}), prepares the query on it, binds
 * the key as an untyped parameter (so {@code WHERE id = ?} works on an integer column) and reads at
 * most one row. pgjdbc keeps the prepared query per connection, so it becomes a server-side
 * prepared statement after a few runs on each pooled connection. A connection that fails (server
 * restarted, network cut) is replaced and the lookup retried once on the new one; when connecting
 * fails, further connects are not tried for {@value #RECONNECT_BACKOFF_MS} ms (lookups fail fast
 * with the last error meanwhile), so a database that is down costs no pile-up of connect attempts
 * and is used again as soon as it is back.
 *
 * <p>Column values: {@code smallint/integer/bigint/oid} -> Long, {@code real/double
 * precision/numeric} -> Double, {@code boolean} -> Boolean, {@code timestamptz} -> ISO-8601 UTC
 * string ({@code 2024-05-01T10:00:00Z}), {@code timestamp} -> ISO-8601 local string, {@code date}
 * -> {@code 2024-05-01}, {@code bytea} -> bytes, arrays -> list of converted elements, everything
 * else ({@code text}, {@code json/jsonb}, {@code uuid}, {@code time}, ...) -> its text. SQL NULL
 * columns are left out of the row.
 */
public final class PostgresLookupTable implements LookupTable {
  private static final Logger LOG = System.getLogger(PostgresLookupTable.class.getName());
  static final long RECONNECT_BACKOFF_MS = 500;

  /** The row layout of the query's result. */
  private record Layout(String[] names, ColumnKind[] kinds) {}

  private enum ColumnKind {
    LONG,
    DOUBLE,
    BOOL,
    TIMESTAMPTZ,
    TIMESTAMP,
    DATE,
    BYTES,
    ARRAY,
    TEXT
  }

  private final PostgresTableConfig config;
  private final String description;
  private final long borrowTimeoutMillis;
  private final ConnectionPool pool;

  /** Read from the first result; the same for every connection (one query). */
  private volatile Layout layout;

  private volatile boolean started;
  private volatile boolean closed;

  PostgresLookupTable(PostgresTableConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.description = "postgres query on " + hostAndDatabase(config.endpoint);
    this.borrowTimeoutMillis = config.connectTimeout.plus(config.queryTimeout).toMillis();
    Properties p = new Properties();
    if (config.properties != null) {
      for (Map.Entry<String, String> e : config.properties.entrySet())
        p.setProperty(e.getKey(), e.getValue());
    }
    if (config.user != null) p.setProperty("user", config.user);
    if (config.password != null) p.setProperty("password", config.password);
    long connectSeconds = Math.max(1, ceilSeconds(config.connectTimeout.toMillis()));
    p.putIfAbsent("connectTimeout", String.valueOf(connectSeconds));
    p.putIfAbsent("loginTimeout", String.valueOf(connectSeconds));
    // backstop for a server that stops answering: the statement timeout covers a slow query
    p.putIfAbsent(
        "socketTimeout",
        String.valueOf(ceilSeconds(config.queryTimeout.toMillis()) + connectSeconds));
    p.putIfAbsent("stringtype", "unspecified");
    p.putIfAbsent("ApplicationName", "stacklens-agent");
    this.pool =
        new ConnectionPool(
            new org.postgresql.Driver(),
            config.endpoint,
            p,
            ConnectionPool.Settings.of(config.poolSize)
                .withBorrowTimeout(Duration.ofMillis(borrowTimeoutMillis))
                .withStatementTimeout(
                    Duration.ofMillis(Math.max(1, config.queryTimeout.toMillis())))
                .withReconnectBackoff(Duration.ofMillis(RECONNECT_BACKOFF_MS)));
  }

  @Override
  public void start() throws SQLException, InterruptedException {
    if (started) return;
    started = true;
    // check the query once, if the database is reachable; a database that is down is not an error
    // here
    Connection c;
    try {
      c = borrow();
    } catch (SQLException | TimeoutException e) {
      LOG.log(
          Level.WARNING,
          () ->
              description
                  + ": not usable yet, lookups fail until it is: "
                  + withoutDescription(e.getMessage()));
      return;
    }
    int parameters;
    try (PreparedStatement ps = c.prepareStatement(config.query)) {
      parameters = ps.getParameterMetaData().getParameterCount();
    } catch (SQLException e) {
      if ("42601".equals(e.getSQLState())) {
        pool.discard(c);
        close();
        throw new SQLException(
            description + ": the query is not valid SQL: " + SqlErrors.message(e),
            e.getSQLState(),
            e);
      }
      // down, refusing us, or a table that is not there yet: get() reports it until it is fixed
      giveBack(c, e);
      LOG.log(
          Level.WARNING,
          () ->
              description + ": not usable yet, lookups fail until it is: " + SqlErrors.message(e));
      return;
    }
    if (parameters != 1) {
      pool.discard(c);
      close();
      throw new SQLException(
          description
              + ": the query must take exactly one parameter (the key), it takes "
              + parameters);
    }
    pool.release(c);
  }

  @Override
  public Attributes get(String key) throws SQLException, TimeoutException, InterruptedException {
    if (!started || closed)
      throw new IllegalStateException(description + ": " + (closed ? "closed" : "not started"));
    Connection c = borrow();
    boolean reused = !pool.isNew(c);
    try {
      Attributes row = execute(c, key);
      pool.release(c);
      return row;
    } catch (SQLException e) {
      if (!ConnectionPool.isBroken(c, e) || !reused || SqlErrors.isSocketTimeout(e)) {
        giveBack(c, e);
        throw failure(e);
      }
      // the connection went stale (server restarted, idle connection cut): once more on a new one
      LOG.log(
          Level.DEBUG,
          () -> description + ": connection lost (" + SqlErrors.message(e) + "), reconnecting");
      return onNewConnection(c, key);
    } catch (RuntimeException | Error e) {
      pool.discard(c);
      throw e;
    }
  }

  /** The lookup again, on a connection opened in place of {@code stale}. */
  private Attributes onNewConnection(Connection stale, String key) throws SQLException {
    Connection c;
    try {
      c = pool.reopen(stale);
    } catch (SQLException e) {
      throw cannotConnect(e);
    }
    try {
      Attributes row = execute(c, key);
      pool.release(c);
      return row;
    } catch (SQLException e) {
      giveBack(c, e);
      throw failure(e);
    } catch (RuntimeException | Error e) {
      pool.discard(c);
      throw e;
    }
  }

  /** A connection from the pool; connect failures and a busy pool as the table reports them. */
  private Connection borrow() throws SQLException, TimeoutException, InterruptedException {
    try {
      return pool.borrow();
    } catch (ConnectionPool.BusyException e) {
      throw new TimeoutException(
          description
              + ": all "
              + config.poolSize
              + " connections stayed busy for "
              + borrowTimeoutMillis
              + " ms");
    } catch (SQLException e) {
      throw cannotConnect(e);
    }
  }

  private SQLException cannotConnect(SQLException e) {
    if (e instanceof ConnectionPool.NotConnectedException) {
      return new SQLException(description + ": " + e.getMessage(), e.getSQLState(), e);
    }
    return new SQLException(
        description + ": cannot connect: " + SqlErrors.message(e), e.getSQLState(), e);
  }

  /** Returns {@code c} after a failed statement: pooled again when healthy, else closed. */
  private void giveBack(Connection c, SQLException failure) {
    if (ConnectionPool.isBroken(c, failure)) {
      pool.discard(c);
    } else {
      pool.release(c);
    }
  }

  private Attributes execute(Connection c, String key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(config.query)) {
      ps.setMaxRows(1);
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return null;
        Layout l = layout;
        if (l == null) {
          l = readLayout(rs.getMetaData());
          layout = l;
        }
        String[] names = l.names();
        ColumnKind[] kinds = l.kinds();
        Attributes row = new Attributes(names.length);
        for (int i = 0; i < names.length; i++) {
          Object value = read(rs, i + 1, kinds[i]);
          if (value != null) row.put(names[i], value);
        }
        return row;
      }
    }
  }

  private static Layout readLayout(ResultSetMetaData md) throws SQLException {
    int n = md.getColumnCount();
    String[] names = new String[n];
    ColumnKind[] kinds = new ColumnKind[n];
    for (int i = 0; i < n; i++) {
      names[i] = md.getColumnLabel(i + 1);
      kinds[i] = kindOf(md.getColumnTypeName(i + 1), md.getColumnType(i + 1));
    }
    return new Layout(names, kinds);
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
        if (t.equals(OffsetDateTime.MAX) || t.equals(OffsetDateTime.MIN))
          return rs.getString(column);
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
        if (d.equals(java.time.LocalDate.MAX) || d.equals(java.time.LocalDate.MIN))
          return rs.getString(column);
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
      } else if (e instanceof Integer
          || e instanceof Long
          || e instanceof Short
          || e instanceof Byte) {
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

  private SQLException failure(SQLException e) {
    layout =
        null; // read it again from the next result: the columns may have changed (SELECT * of an
    // altered table)
    String m;
    if ("57014".equals(e.getSQLState())) {
      m = "query timed out after " + config.queryTimeout.toMillis() + " ms (query_timeout)";
    } else {
      m = SqlErrors.message(e);
    }
    if (m.startsWith(description)) return e;
    return new SQLException(description + ": " + m, e.getSQLState(), e);
  }

  private String withoutDescription(String m) {
    return m.startsWith(description + ": ") ? m.substring(description.length() + 2) : m;
  }

  /** Connections open right now. */
  public int openConnections() {
    return pool.openConnections();
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    closed = true;
    pool.close();
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
}
