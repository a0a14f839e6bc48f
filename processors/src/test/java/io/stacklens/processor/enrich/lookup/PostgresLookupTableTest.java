package io.stacklens.processor.enrich.lookup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.testing.postgres.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresLookupTableTest {
  private static PostgresServer server;
  private static String dbUrl;
  private static String endpoint;

  private final List<LookupTable> opened = new ArrayList<>();

  @BeforeAll
  static void createDatabase() throws SQLException {
    server = PostgresServer.shared();
    dbUrl = server.createUniqueDatabase("lookup");
    endpoint = dbUrl.substring(0, dbUrl.indexOf('?') < 0 ? dbUrl.length() : dbUrl.indexOf('?'));
    sql(
        dbUrl,
        "CREATE TABLE products (sku text PRIMARY KEY, name text, qty int, stock bigint, small smallint,"
            + " price numeric(10,2), ratio real, weight double precision, active boolean,"
            + " created timestamptz, local_time timestamp, day date, attrs jsonb, doc json, id uuid,"
            + " raw bytea, tags text[], sizes int[], note varchar(20), code char(4))",
        "SET TIME ZONE 'Europe/Berlin'",
        "INSERT INTO products VALUES ('A1', 'Apple', 3, 9000000000, 7, 1.50, 0.5, 2.25, true,"
            + " '2024-05-01 12:00:00+02', '2024-05-01 10:00:00.123', '2024-05-01', '{\"color\": \"red\"}',"
            + " '[1, 2]', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\\x010203', '{fruit,red}', '{1,2,3}', 'n', 'ab')",
        "INSERT INTO products (sku, name) VALUES ('B2', 'Bare')",
        "CREATE TABLE users (id bigint PRIMARY KEY, login text)",
        "INSERT INTO users VALUES (42, 'ana'), (43, 'bo')",
        "CREATE TABLE events (k text, n int)",
        "INSERT INTO events VALUES ('e', 1), ('e', 2), ('e', 3)");
  }

  @AfterEach
  void closeTables() {
    opened.forEach(LookupTable::close);
  }

  private static void sql(String url, String... statements) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      for (String q : statements) s.execute(q);
    }
  }

  private static PostgresTableConfig config(String endpoint, String query) {
    PostgresTableConfig c = new PostgresTableConfig();
    c.endpoint = endpoint;
    c.user = "postgres";
    c.query = query;
    return c;
  }

  private PostgresLookupTable started(PostgresTableConfig config) throws Exception {
    assertThat(Problems.of(config)).isEmpty();
    PostgresLookupTable t = LookupTables.postgres(config);
    opened.add(t);
    t.start();
    return t;
  }

  @Test
  void columnsBecomeTypedAttributes() throws Exception {
    PostgresLookupTable t = started(config(endpoint, "SELECT * FROM products WHERE sku = ?"));
    Attributes row = t.get("A1");

    assertThat(row.get("sku")).isEqualTo("A1");
    assertThat(row.get("name")).isEqualTo("Apple");
    assertThat(row.get("qty")).isEqualTo(3L);
    assertThat(row.get("stock")).isEqualTo(9_000_000_000L);
    assertThat(row.get("small")).isEqualTo(7L);
    assertThat(row.get("price")).isEqualTo(1.5);
    assertThat(row.get("ratio")).isEqualTo(0.5);
    assertThat(row.get("weight")).isEqualTo(2.25);
    assertThat(row.get("active")).isEqualTo(true);
    assertThat(row.get("created")).isEqualTo("2024-05-01T10:00:00Z");
    assertThat(row.get("local_time")).isEqualTo("2024-05-01T10:00:00.123");
    assertThat(row.get("day")).isEqualTo("2024-05-01");
    assertThat(row.get("attrs")).isEqualTo("{\"color\": \"red\"}");
    assertThat(row.get("doc")).isEqualTo("[1, 2]");
    assertThat(row.get("id")).isEqualTo("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    assertThat((byte[]) row.get("raw")).containsExactly(1, 2, 3);
    assertThat(row.get("tags")).isEqualTo(List.of("fruit", "red"));
    assertThat(row.get("sizes")).isEqualTo(List.of(1L, 2L, 3L));
    assertThat(row.get("note")).isEqualTo("n");
    assertThat(row.get("code")).as("char(n) is padded").isEqualTo("ab  ");
    assertThat(row.key(0)).as("columns in query order").isEqualTo("sku");
    assertThat(row.size()).isEqualTo(20);

    Attributes bare = t.get("B2");
    assertThat(bare)
        .as("NULL columns are left out")
        .isEqualTo(Attributes.of("sku", "B2", "name", "Bare"));
    assertThat(t.get("nope")).isNull();
    assertThat(t.describe())
        .isEqualTo("postgres query on " + endpoint.substring("jdbc:postgresql://".length()));
  }

  @Test
  void keyIsBoundUntypedSoNumericKeysAndAliasesWork() throws Exception {
    PostgresLookupTable t =
        started(config(endpoint, "SELECT login AS user_name, id FROM users WHERE id = ?"));
    assertThat(t.get("42")).isEqualTo(Attributes.of("user_name", "ana", "id", 42L));
    assertThat(t.get("44")).isNull();
    assertThatThrownBy(() -> t.get("abc"))
        .isInstanceOf(SQLException.class)
        .hasMessageStartingWith(t.describe() + ": ")
        .hasMessageContaining("invalid input syntax for type bigint");
    assertThat(t.get("43").get("user_name"))
        .as("the connection is fine after a bad key")
        .isEqualTo("bo");
  }

  @Test
  void lookupsOnAPooledConnectionRunAsAServerPreparedStatement() throws Exception {
    PostgresTableConfig c =
        config(
            endpoint,
            "SELECT count(*) AS prepared FROM pg_prepared_statements WHERE ?::text IS NOT NULL");
    c.poolSize = 1;
    PostgresLookupTable t = started(c);
    Object prepared = null;
    for (int i = 0; i < 8; i++) prepared = t.get("k" + i).get("prepared");
    assertThat((Long) prepared)
        .as("prepared statements of the session after 8 lookups")
        .isPositive();
    assertThat(t.openConnections()).isEqualTo(1);
  }

  @Test
  void moreRowsGiveTheFirst() throws Exception {
    PostgresLookupTable t =
        started(config(endpoint, "SELECT n FROM events WHERE k = ? ORDER BY n DESC"));
    assertThat(t.get("e")).isEqualTo(Attributes.of("n", 3L));
  }

  @Test
  void slowQueryFailsAfterQueryTimeoutAndTheTableStaysUsable() throws Exception {
    PostgresTableConfig c =
        config(
            endpoint,
            "SELECT pg_sleep(CASE WHEN ? = 'slow' THEN 3 ELSE 0 END)::text AS slept, 1 AS one");
    c.queryTimeout = Duration.ofMillis(300);
    c.poolSize = 1;
    PostgresLookupTable t = started(c);

    long start = System.nanoTime();
    assertThatThrownBy(() -> t.get("slow"))
        .isInstanceOf(SQLException.class)
        .hasMessage(t.describe() + ": query timed out after 300 ms (query_timeout)");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
    assertThat(t.get("fast").get("one")).isEqualTo(1L);
    assertThat(t.openConnections()).isEqualTo(1);
  }

  @Test
  void databaseDownAtStartFailsLookupsUntilItIsBack() throws Exception {
    try (PostgresServer own = PostgresServer.start()) {
      String url = own.createDatabase("ops");
      sql(
          url,
          "CREATE TABLE hosts (name text, team text)",
          "INSERT INTO hosts VALUES ('web-1', 'core')");
      own.stop();

      PostgresLookupTable t =
          started(config(own.endpointOf("ops"), "SELECT team FROM hosts WHERE name = ?"));
      assertThatThrownBy(() -> t.get("web-1"))
          .isInstanceOf(SQLException.class)
          .hasMessageStartingWith(t.describe() + ": ")
          .hasMessageContaining("refused");
      assertThat(t.openConnections()).isZero();

      own.restart();
      assertThat(awaitRow(t, "web-1", Duration.ofSeconds(10)))
          .isEqualTo(Attributes.of("team", "core"));
    }
  }

  @Test
  void databaseGoingAwayFailsLookupsAndTheyRecoverWhenItIsBack() throws Exception {
    try (PostgresServer own = PostgresServer.start()) {
      String url = own.createDatabase("ops");
      sql(
          url,
          "CREATE TABLE hosts (name text, team text)",
          "INSERT INTO hosts VALUES ('web-1', 'core')");
      PostgresTableConfig c =
          config(own.endpointOf("ops"), "SELECT team FROM hosts WHERE name = ?");
      c.poolSize = 2;
      PostgresLookupTable t = started(c);
      assertThat(t.get("web-1")).isEqualTo(Attributes.of("team", "core"));

      // restarted between two lookups: the stale connection is replaced within the same get()
      own.stop();
      own.restart();
      assertThat(t.get("web-1")).isEqualTo(Attributes.of("team", "core"));

      // down: every lookup fails, quickly, naming the cause
      own.stop();
      for (int i = 0; i < 5; i++) {
        long start = System.nanoTime();
        assertThatThrownBy(() -> t.get("web-1"))
            .isInstanceOf(SQLException.class)
            .hasMessageStartingWith(t.describe() + ": ")
            .satisfies(
                e -> assertThat(e.getMessage()).containsAnyOf("refused", "connecting failed"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
      }
      assertThat(t.openConnections()).isZero();

      own.restart();
      assertThat(awaitRow(t, "web-1", Duration.ofSeconds(10)))
          .isEqualTo(Attributes.of("team", "core"));
      for (int i = 0; i < 10; i++) assertThat(t.get("web-1")).isNotNull();
    }
  }

  private static Attributes awaitRow(LookupTable t, String key, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        return t.get(key);
      } catch (SQLException e) {
        last = e;
        Thread.sleep(50);
      }
    }
    throw new AssertionError("no row within " + timeout, last);
  }

  @Test
  void concurrentLookupsShareTheFixedPool() throws Exception {
    String url = server.createUniqueDatabase("lookup_conc");
    sql(
        url,
        "CREATE TABLE kv (k text PRIMARY KEY, v bigint)",
        "INSERT INTO kv SELECT 'k' || i, i * 10 FROM generate_series(1, 500) i");
    PostgresTableConfig c =
        config(PostgresServer.withoutParameters(url), "SELECT v FROM kv WHERE k = ?");
    c.poolSize = 3;
    PostgresLookupTable t = started(c);

    ExecutorService pool = Executors.newFixedThreadPool(8);
    AtomicInteger misses = new AtomicInteger();
    List<Future<Integer>> futures = new ArrayList<>();
    for (int thread = 0; thread < 8; thread++) {
      int seed = thread;
      futures.add(
          pool.submit(
              () -> {
                int done = 0;
                for (int i = 0; i < 300; i++) {
                  int k = 1 + (seed * 97 + i) % 510; // some keys beyond 500 miss
                  Attributes row = t.get("k" + k);
                  if (k > 500) {
                    if (row != null)
                      throw new AssertionError("row for missing key k" + k + ": " + row);
                    misses.incrementAndGet();
                  } else if (!Long.valueOf(k * 10L).equals(row.get("v"))) {
                    throw new AssertionError("k" + k + " -> " + row);
                  }
                  if (t.openConnections() > 3)
                    throw new AssertionError(
                        "more connections than pool_size: " + t.openConnections());
                  done++;
                }
                return done;
              }));
    }
    int total = 0;
    for (Future<Integer> f : futures) total += f.get(60, TimeUnit.SECONDS);
    pool.shutdown();
    assertThat(total).isEqualTo(2400);
    assertThat(misses.get()).isPositive();
    assertThat(t.openConnections()).isBetween(1, 3);
    try (Connection conn = DriverManager.getConnection(url);
        Statement s = conn.createStatement();
        var rs =
            s.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'stacklens-agent'"
                    + " AND datname = current_database()")) {
      rs.next();
      assertThat(rs.getInt(1)).as("server-side sessions").isBetween(1, 3);
    }

    t.close();
    assertThat(t.openConnections()).isZero();
    assertThatThrownBy(() -> t.get("k1"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void propertiesArePassedToTheDriver() throws Exception {
    PostgresTableConfig c =
        config(endpoint, "SELECT current_setting('application_name') AS app, ?::text AS key");
    c.properties =
        new LinkedHashMap<>(Map.of("ApplicationName", "lookup-test", "sslmode", "disable"));
    PostgresLookupTable t = started(c);
    assertThat(t.get("x")).isEqualTo(Attributes.of("app", "lookup-test", "key", "x"));

    PostgresTableConfig ssl = config(endpoint, "SELECT 1 AS one WHERE ?::text IS NOT NULL");
    ssl.properties = Map.of("sslmode", "require");
    PostgresLookupTable t2 = started(ssl);
    assertThatThrownBy(() -> t2.get("x"))
        .as("the test server has no TLS, so sslmode=require must fail")
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("SSL");
  }

  @Test
  void invalidSqlFailsStartButAMissingTableOnlyFailsLookups() throws Exception {
    PostgresLookupTable bad =
        LookupTables.postgres(config(endpoint, "SELEC name FROM products WHERE sku = ?"));
    opened.add(bad);
    assertThatThrownBy(bad::start)
        .isInstanceOf(SQLException.class)
        .hasMessageStartingWith(
            bad.describe() + ": the query is not valid SQL: syntax error at or near \"SELEC\"");
    assertThat(bad.openConnections()).isZero();

    PostgresLookupTable missing = started(config(endpoint, "SELECT * FROM not_yet WHERE k = ?"));
    assertThatThrownBy(() -> missing.get("a"))
        .isInstanceOf(SQLException.class)
        .hasMessage(missing.describe() + ": relation \"not_yet\" does not exist");
    sql(dbUrl, "CREATE TABLE not_yet (k text, v int)", "INSERT INTO not_yet VALUES ('a', 1)");
    try {
      assertThat(missing.get("a")).isEqualTo(Attributes.of("k", "a", "v", 1L));
    } finally {
      sql(dbUrl, "DROP TABLE not_yet");
    }
  }

  @Test
  void unknownHostOrDatabaseDoesNotFailStart() throws Exception {
    PostgresTableConfig c =
        config(server.endpointOf("no_such_db"), "SELECT 1 AS one WHERE ?::text IS NOT NULL");
    PostgresLookupTable t = started(c);
    assertThatThrownBy(() -> t.get("x"))
        .isInstanceOf(SQLException.class)
        .hasMessageStartingWith(t.describe() + ": ")
        .satisfies(
            e -> assertThat(e.getMessage()).containsAnyOf("does not exist", "connecting failed"));
  }

  @Test
  void getBeforeStartFails() {
    PostgresLookupTable t = LookupTables.postgres(config(endpoint, "SELECT 1 WHERE ? IS NULL"));
    assertThatThrownBy(() -> t.get("x"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not started");
  }

  @Test
  void describeNeverShowsUrlParameters() {
    PostgresTableConfig c =
        config("jdbc:postgresql://db.internal:5433/inv?password=hunter2&ssl=true", "SELECT ?");
    assertThat(LookupTables.postgres(c).describe())
        .isEqualTo("postgres query on db.internal:5433/inv");
  }

  @Test
  void validationNamesEachBadOption() {
    PostgresTableConfig c = new PostgresTableConfig();
    assertThat(c.poolSize).isEqualTo(4);
    assertThat(c.connectTimeout).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.queryTimeout).isEqualTo(Duration.ofSeconds(2));
    assertThat(Problems.of(c))
        .containsExactly(
            "endpoint: is required: a JDBC URL such as jdbc:postgresql://db.internal:5432/inventory",
            "query: is required: a SELECT with one ? for the key, e.g. SELECT name, price FROM products WHERE sku = ?");

    c.endpoint = "postgres://db/x?password=secret";
    c.query = "SELECT name FROM products";
    c.poolSize = 0;
    c.connectTimeout = Duration.ofMillis(500);
    c.queryTimeout = Duration.ZERO;
    c.properties = new LinkedHashMap<>();
    c.properties.put("password", "x");
    c.properties.put("sslmode", null);
    assertThat(Problems.of(c))
        .containsExactly(
            "endpoint: must be a JDBC URL starting with jdbc:postgresql://, e.g. jdbc:postgresql://db.internal:5432/inventory;"
                + " got 'postgres://db/x?password=<redacted>'",
            "warning endpoint: holds a password; use the password option, which can come from ${env:...} and is never shown",
            "query: must have exactly one ? (the key), found 0, e.g. ... WHERE sku = ?",
            "pool_size: must be between 1 and 256, got 0",
            "connect_timeout: must be at least 1s (the driver counts whole seconds), got 500ms",
            "query_timeout: must be a positive duration (e.g. 2s), got 0s",
            "properties.password: use the password option instead",
            "properties.sslmode: needs a value");

    PostgresTableConfig two =
        config("jdbc:postgresql:///inv", "SELECT * FROM t WHERE a = ? AND b = ?");
    two.user = null;
    two.password = "pw";
    two.poolSize = 1000;
    assertThat(Problems.of(two))
        .containsExactly(
            "endpoint: names no host: 'jdbc:postgresql:///inv'",
            "query: must have exactly one ? (the key), found 2; write ?? for a literal ? operator",
            "warning password: is set, but no user is: the driver will log in as the OS user name",
            "pool_size: must be between 1 and 256, got 1000");
  }

  @Test
  void parameterCountIgnoresLiteralsCommentsAndEscapes() {
    assertThat(PostgresTableConfig.countParameters("SELECT a FROM t WHERE k = ?")).isEqualTo(1);
    assertThat(
            PostgresTableConfig.countParameters(
                "SELECT '?', \"we?rd\" FROM t WHERE k = ? -- what?\n"))
        .isEqualTo(1);
    assertThat(
            PostgresTableConfig.countParameters("SELECT /* ? */ a FROM t WHERE j ?? 'x' AND k = ?"))
        .isEqualTo(1);
    assertThat(
            PostgresTableConfig.countParameters(
                "SELECT $$ ? $$, $tag$ ?? ? $tag$, $1 FROM t WHERE k = ?"))
        .isEqualTo(1);
    assertThat(PostgresTableConfig.countParameters("SELECT 'it''s ?' WHERE k = ?")).isEqualTo(1);
    assertThat(PostgresTableConfig.countParameters("SELECT 1 WHERE a = ? OR b = ?")).isEqualTo(2);
    assertThat(PostgresTableConfig.countParameters("SELECT 'unterminated ?")).isZero();
  }

  @Test
  void passwordIsMarkedSecret() throws Exception {
    assertThat(
            PostgresTableConfig.class
                .getField("password")
                .isAnnotationPresent(io.stacklens.agent.api.Secret.class))
        .isTrue();
  }
}
