package io.stacklens.agent.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.stacklens.agent.testing.postgres.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shared pool against a real PostgreSQL: bounds, session settings, broken connections, failed
 * connects.
 */
class ConnectionPoolTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final PostgresServer PG = PostgresServer.shared();

  private final List<ConnectionPool> pools = new ArrayList<>();

  @AfterEach
  void closePools() {
    pools.forEach(ConnectionPool::close);
  }

  private ConnectionPool pool(PostgresServer server, ConnectionPool.Settings settings) {
    Properties p = new Properties();
    p.setProperty("user", server.user());
    if (server.password() != null) p.setProperty("password", server.password());
    p.setProperty("ApplicationName", "pool-test");
    p.setProperty("connectTimeout", "10");
    ConnectionPool pool =
        new ConnectionPool(new org.postgresql.Driver(), server.endpointOf("postgres"), p, settings);
    pools.add(pool);
    return pool;
  }

  private static String show(Connection c, String setting) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW " + setting)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void connectionsAreOpenedOnDemandAndReusedOnceReleased() throws Exception {
    ConnectionPool pool = pool(PG, ConnectionPool.Settings.of(2));
    assertThat(pool.openConnections()).isZero();

    Connection a = pool.borrow();
    assertThat(pool.isNew(a)).isTrue();
    assertThat(pool.openConnections()).isEqualTo(1);
    pool.release(a);

    Connection again = pool.borrow();
    assertThat(again).as("the idle connection, not a new one").isSameAs(a);
    assertThat(pool.isNew(again)).isFalse();
    Connection b = pool.borrow();
    assertThat(b).isNotSameAs(a);
    assertThat(pool.openConnections()).isEqualTo(2);
    pool.release(again);
    pool.release(b);
    assertThat(pool.openConnections()).isEqualTo(2);

    pool.close();
    assertThat(pool.openConnections()).isZero();
    assertThat(a.isClosed()).isTrue();
    assertThatThrownBy(pool::borrow)
        .isInstanceOf(SQLException.class)
        .extracting("SQLState")
        .isEqualTo("08003");
  }

  @Test
  void everyNewConnectionGetsTheStatementTimeoutAndAutoCommitMode() throws Exception {
    ConnectionPool writer =
        pool(
            PG,
            ConnectionPool.Settings.of(1)
                // in milliseconds, and long: the SHOW below must never run into it
                .withStatementTimeout(Duration.ofMillis(61_500))
                .withAutoCommit(false));
    Connection c = writer.borrow();
    assertThat(show(c, "statement_timeout")).isEqualTo("61500ms");
    assertThat(c.getAutoCommit()).isFalse();
    c.rollback();
    writer.release(c);

    ConnectionPool reader =
        pool(PG, ConnectionPool.Settings.of(1).withStatementTimeout(Duration.ZERO));
    Connection r = reader.borrow();
    assertThat(show(r, "statement_timeout"))
        .as("0 turns a role's or database's timeout off")
        .isEqualTo("0");
    assertThat(r.getAutoCommit()).isTrue();
    reader.release(r);

    ConnectionPool untouched = pool(PG, ConnectionPool.Settings.of(1));
    Connection u = untouched.borrow();
    assertThat(show(u, "application_name"))
        .as("the caller's driver properties")
        .isEqualTo("pool-test");
    untouched.release(u);
  }

  @Test
  void aStatementTimeoutIsNotAConnectionFailureAndTheConnectionStaysUsable() throws Exception {
    // 2 s: long enough that the statements after the timeout (SHOW) never run into it on a busy
    // machine, far shorter than the sleep that must.
    ConnectionPool pool =
        pool(PG, ConnectionPool.Settings.of(1).withStatementTimeout(Duration.ofSeconds(2)));
    Connection c = pool.borrow();
    SQLException timeout = null;
    try (Statement s = c.createStatement()) {
      s.execute("SELECT pg_sleep(60)");
    } catch (SQLException e) {
      timeout = e;
    }
    assertThat((Throwable) timeout).isNotNull();
    assertThat(timeout.getSQLState()).isEqualTo("57014");
    assertThat(ConnectionPool.isBroken(c, timeout)).isFalse();
    assertThat(SqlErrors.retryReason(timeout)).isEqualTo("statement_timeout");
    pool.release(c);
    Connection same = pool.borrow();
    assertThat(same).isSameAs(c);
    assertThat(show(same, "server_version_num")).isNotEmpty();
    pool.release(same);
  }

  @Test
  void atMostMaxSizeAreOpenAndABorrowWaitsForARelease() throws Exception {
    ConnectionPool pool =
        pool(PG, ConnectionPool.Settings.of(3).withBorrowTimeout(Duration.ofSeconds(60)));
    ExecutorService threads = Executors.newFixedThreadPool(8);
    AtomicInteger most = new AtomicInteger();
    List<Future<Integer>> done = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      done.add(
          threads.submit(
              () -> {
                for (int i = 0; i < 50; i++) {
                  Connection c = pool.borrow();
                  try (Statement s = c.createStatement();
                      ResultSet rs = s.executeQuery("SELECT 1")) {
                    rs.next();
                  }
                  most.accumulateAndGet(pool.openConnections(), Math::max);
                  pool.release(c);
                }
                return 50;
              }));
    }
    int total = 0;
    for (Future<Integer> f : done) total += f.get(2, TimeUnit.MINUTES);
    threads.shutdown();
    assertThat(total).isEqualTo(400);
    assertThat(most.get()).isBetween(1, 3);
    assertThat(pool.openConnections()).isBetween(1, 3);
  }

  @Test
  void aBorrowGivesUpAfterTheBorrowTimeoutWhenAllAreInUse() throws Exception {
    ConnectionPool pool =
        pool(PG, ConnectionPool.Settings.of(1).withBorrowTimeout(Duration.ofMillis(300)));
    Connection held = pool.borrow();
    assertThatThrownBy(pool::borrow)
        .isInstanceOf(ConnectionPool.BusyException.class)
        .hasMessage("no free connection in the pool within 300 ms")
        .extracting("SQLState")
        .isEqualTo("08004");
    pool.release(held);
    Connection next = pool.borrow();
    assertThat(next).isSameAs(held);
    pool.release(next);
  }

  @Test
  void aKilledConnectionIsBrokenAndReopenGivesAFreshOneInItsPlace() throws Exception {
    ConnectionPool pool =
        pool(PG, ConnectionPool.Settings.of(1).withBorrowTimeout(Duration.ofSeconds(5)));
    Connection c = pool.borrow();
    int pid;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      pid = rs.getInt(1);
    }
    pool.release(c);
    try (Connection admin = PG.connection();
        Statement s = admin.createStatement()) {
      s.execute("SELECT pg_terminate_backend(" + pid + ")");
    }

    Connection stale = pool.borrow();
    assertThat(pool.isNew(stale)).isFalse();
    SQLException lost = null;
    try (Statement s = stale.createStatement()) {
      s.execute("SELECT 1");
    } catch (SQLException e) {
      lost = e;
    }
    assertThat((Throwable) lost).as("the server ended the session").isNotNull();
    assertThat(ConnectionPool.isBroken(stale, lost)).isTrue();
    assertThat(SqlErrors.isConnectionFailure(lost)).isTrue();

    Connection fresh = pool.reopen(stale);
    assertThat(stale.isClosed()).isTrue();
    assertThat(pool.isNew(fresh)).isTrue();
    assertThat(pool.openConnections()).isEqualTo(1);
    try (Statement s = fresh.createStatement();
        ResultSet rs = s.executeQuery("SELECT 1")) {
      assertThat(rs.next()).isTrue();
    }
    pool.discard(fresh);
    assertThat(pool.openConnections()).isZero();
    Connection another = pool.borrow(); // the discarded one's place is free again
    pool.release(another);
  }

  @Test
  void afterAFailedConnectBorrowsFailFastUntilTheBackoffHasPassed() throws Exception {
    try (PostgresServer own = PostgresServer.start()) {
      own.stop();
      ConnectionPool down =
          pool(own, ConnectionPool.Settings.of(2).withReconnectBackoff(Duration.ofSeconds(30)));
      SQLException refused = null;
      try {
        down.borrow();
      } catch (SQLException e) {
        refused = e;
      }
      assertThat((Throwable) refused)
          .isNotNull()
          .isNotInstanceOf(ConnectionPool.NotConnectedException.class);
      assertThat(refused.getMessage()).as("the driver's own exception").contains("refused");
      assertThat(SqlErrors.isConnectionFailure(refused)).isTrue();
      assertThatThrownBy(down::borrow)
          .isInstanceOf(ConnectionPool.NotConnectedException.class)
          .hasMessageStartingWith("not connected; connecting failed less than 30 s ago: ")
          .hasMessageContaining("refused");
      assertThat(down.openConnections()).isZero();

      ConnectionPool retrying =
          pool(own, ConnectionPool.Settings.of(1).withReconnectBackoff(Duration.ofMillis(200)));
      assertThatThrownBy(retrying::borrow).isInstanceOf(SQLException.class);
      own.restart();
      Connection back =
          await()
              .atMost(WAIT)
              .pollInterval(Duration.ofMillis(50))
              .ignoreExceptions()
              .until(retrying::borrow, c -> c != null);
      assertThat(back.isValid(5)).isTrue();
      retrying.release(back);
    }
  }

  @Test
  void aQueryPreparedAgainOnTheSamePooledConnectionBecomesServerPrepared() throws Exception {
    ConnectionPool pool = pool(PG, ConnectionPool.Settings.of(1));
    String sql = "SELECT count(*) FROM pg_prepared_statements WHERE ?::text IS NOT NULL";
    long prepared = 0;
    for (int i = 0; i < 8; i++) {
      Connection c = pool.borrow();
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, "k" + i);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          prepared = rs.getLong(1);
        }
      }
      pool.release(c);
    }
    assertThat(prepared)
        .as("pgjdbc's per-connection statement cache kept the query across borrows")
        .isPositive();
  }
}
