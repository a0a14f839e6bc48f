package io.stacklens.exporter.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacklens.agent.testing.postgres.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PartitionManagerTest {
  private String url;
  private Connection db;

  @BeforeEach
  void database() throws SQLException {
    url = PostgresServer.shared().createUniqueDatabase("partitions");
    db = DriverManager.getConnection(url);
    exec(
        "CREATE TABLE logs (id uuid NOT NULL, time timestamptz NOT NULL, body text, PRIMARY KEY (id, time))"
            + " PARTITION BY RANGE (time)");
    exec("CREATE INDEX ON logs (time)");
  }

  @AfterEach
  void close() throws SQLException {
    db.close();
  }

  @Test
  void createsTodayAndAheadByDayPlusDefault() throws SQLException {
    PartitionManager pm = new PartitionManager("logs", "day", 3, Duration.ZERO);
    assertThat(pm.partitionClause()).isEqualTo("PARTITION BY RANGE (time)");
    pm.ensurePartitions(db, Instant.parse("2030-01-30T23:59:59Z"));
    assertThat(partitions("logs"))
        .containsExactly(
            Map.entry("logs_default", "DEFAULT"),
            Map.entry(
                "logs_p20300130",
                "FOR VALUES FROM ('2030-01-30 00:00:00+00') TO ('2030-01-31 00:00:00+00')"),
            Map.entry(
                "logs_p20300131",
                "FOR VALUES FROM ('2030-01-31 00:00:00+00') TO ('2030-02-01 00:00:00+00')"),
            Map.entry(
                "logs_p20300201",
                "FOR VALUES FROM ('2030-02-01 00:00:00+00') TO ('2030-02-02 00:00:00+00')"),
            Map.entry(
                "logs_p20300202",
                "FOR VALUES FROM ('2030-02-02 00:00:00+00') TO ('2030-02-03 00:00:00+00')"));
    assertThat(db.getAutoCommit()).isTrue();
  }

  @Test
  void createsThisMonthAndAheadByMonth() throws SQLException {
    new PartitionManager("logs", "month", 2, null)
        .ensurePartitions(db, Instant.parse("2030-11-15T12:00:00Z"));
    assertThat(partitions("logs"))
        .containsExactly(
            Map.entry("logs_default", "DEFAULT"),
            Map.entry(
                "logs_p203011",
                "FOR VALUES FROM ('2030-11-01 00:00:00+00') TO ('2030-12-01 00:00:00+00')"),
            Map.entry(
                "logs_p203012",
                "FOR VALUES FROM ('2030-12-01 00:00:00+00') TO ('2031-01-01 00:00:00+00')"),
            Map.entry(
                "logs_p203101",
                "FOR VALUES FROM ('2031-01-01 00:00:00+00') TO ('2031-02-01 00:00:00+00')"));
  }

  @Test
  void idempotentAndRollsForward() throws SQLException {
    PartitionManager pm = new PartitionManager("logs", "day", 1, Duration.ZERO);
    Instant now = Instant.parse("2030-03-01T10:00:00Z");
    pm.ensurePartitions(db, now);
    Map<String, String> first = partitions("logs");
    pm.ensurePartitions(db, now);
    assertThat(partitions("logs")).isEqualTo(first);
    pm.ensurePartitions(db, now.plus(Duration.ofDays(1)));
    assertThat(partitions("logs").keySet())
        .containsExactly("logs_default", "logs_p20300301", "logs_p20300302", "logs_p20300303");
  }

  @Test
  void rowsAreRoutedByTimeInUtcAndStraysGoToDefault() throws SQLException {
    new PartitionManager("logs", "day", 1, Duration.ZERO)
        .ensurePartitions(db, Instant.parse("2030-05-10T08:00:00Z"));
    insert("2030-05-10T00:00:00Z", "first instant of the day");
    insert("2030-05-10T23:59:59.999999Z", "last microsecond of the day");
    insert("2030-05-11T00:00:00Z", "next day");
    insert("2030-05-12T00:00:00Z", "beyond create_ahead");
    insert("2020-01-01T00:00:00Z", "long ago");
    assertThat(rowsByPartition())
        .isEqualTo(
            new TreeMap<>(
                Map.of(
                    "first instant of the day", "logs_p20300510",
                    "last microsecond of the day", "logs_p20300510",
                    "next day", "logs_p20300511",
                    "beyond create_ahead", "logs_default",
                    "long ago", "logs_default")));
  }

  @Test
  void creatingAPartitionMovesItsRowsOutOfTheDefault() throws SQLException {
    PartitionManager pm = new PartitionManager("logs", "day", 0, Duration.ZERO);
    pm.ensurePartitions(db, Instant.parse("2030-05-10T08:00:00Z"));
    // the next day begins before ensurePartitions runs again: its rows land in the default
    // partition
    insert("2030-05-11T00:00:01Z", "early next day");
    insert("2030-05-11T00:00:02Z", "early next day 2");
    insert("2030-05-13T00:00:00Z", "later");
    assertThat(rowsByPartition()).containsEntry("early next day", "logs_default");

    pm.ensurePartitions(
        db, Instant.parse("2030-05-11T00:01:00Z")); // would fail without moving them
    assertThat(rowsByPartition())
        .isEqualTo(
            new TreeMap<>(
                Map.of(
                    "early next day", "logs_p20300511",
                    "early next day 2", "logs_p20300511",
                    "later", "logs_default")));
    assertThat(partitions("logs"))
        .containsEntry(
            "logs_p20300511",
            "FOR VALUES FROM ('2030-05-11 00:00:00+00') TO ('2030-05-12 00:00:00+00')");
    // the moved-into partition is a normal one: it has the parent's primary key and indexes
    assertThat(count("SELECT count(*) FROM pg_indexes WHERE tablename = 'logs_p20300511'"))
        .isEqualTo(2);
  }

  @Test
  void retentionDropsWholePartitionsOlderThanRetentionAndPurgesTheDefault() throws SQLException {
    PartitionManager pm = new PartitionManager("logs", "day", 5, Duration.ofDays(3));
    pm.ensurePartitions(db, Instant.parse("2030-01-01T12:00:00Z")); // 01..06
    exec(
        "CREATE TABLE logs_manual PARTITION OF logs FOR VALUES FROM ('2000-01-01') TO ('2000-01-02')");
    insert("2030-01-02T05:00:00Z", "in p0102");
    insert("2030-01-04T05:00:00Z", "in p0104");
    insert("2029-12-01T00:00:00Z", "old default row");
    insert("2030-01-04T01:00:00Z", "in p0104 too");
    insert("2031-01-01T00:00:00Z", "future default row");

    // cutoff 2030-01-04T12:00Z: partitions ending at or before it go; p20300104 spans it and stays
    List<String> dropped = pm.dropExpired(db, Instant.parse("2030-01-07T12:00:00Z"));
    assertThat(dropped).containsExactly("logs_p20300101", "logs_p20300102", "logs_p20300103");
    assertThat(partitions("logs").keySet())
        .containsExactly(
            "logs_default", "logs_manual", "logs_p20300104", "logs_p20300105", "logs_p20300106");
    assertThat(rowsByPartition())
        .isEqualTo(
            new TreeMap<>(
                Map.of(
                    "in p0104",
                    "logs_p20300104",
                    "in p0104 too",
                    "logs_p20300104",
                    "future default row",
                    "logs_default")));

    // far in the future: everything of ours expires; the partition named otherwise is left alone
    assertThat(pm.dropExpired(db, Instant.parse("2100-01-01T00:00:00Z")))
        .containsExactly("logs_p20300104", "logs_p20300105", "logs_p20300106");
    assertThat(partitions("logs").keySet()).containsExactly("logs_default", "logs_manual");
    assertThat(count("SELECT count(*) FROM logs")).isZero();
    assertThat(pm.dropExpired(db, Instant.parse("2100-01-01T00:00:00Z"))).isEmpty();
  }

  @Test
  void monthPartitionsExpireAtTheEndOfTheirMonth() throws SQLException {
    PartitionManager pm = new PartitionManager("logs", "month", 1, Duration.ofDays(30));
    pm.ensurePartitions(db, Instant.parse("2030-01-15T00:00:00Z"));
    assertThat(pm.dropExpired(db, Instant.parse("2030-03-02T00:00:00Z")))
        .isEmpty(); // cutoff 01-31: January not over
    assertThat(pm.dropExpired(db, Instant.parse("2030-03-03T00:00:00Z")))
        .containsExactly("logs_p203001");
  }

  @Test
  void noRetentionDropsNothing() throws SQLException {
    PartitionManager pm = new PartitionManager("logs", "day", 0, Duration.ZERO);
    pm.ensurePartitions(db, Instant.parse("2030-01-01T00:00:00Z"));
    insert("2000-01-01T00:00:00Z", "ancient");
    assertThat(pm.dropExpired(db, Instant.parse("2100-01-01T00:00:00Z"))).isEmpty();
    assertThat(partitions("logs")).hasSize(2);
    assertThat(count("SELECT count(*) FROM logs")).isEqualTo(1);
  }

  @Test
  void concurrentCallsFromSeveralConnectionsAllSucceed() throws Exception {
    int threads = 4;
    int rounds = 15;
    PartitionManager pm = new PartitionManager("logs", "day", 2, Duration.ofDays(2));
    CyclicBarrier barrier = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        results.add(
            pool.submit(
                () -> {
                  try (Connection c = DriverManager.getConnection(url)) {
                    for (int round = 0; round < rounds; round++) {
                      Instant now =
                          Instant.parse("2030-01-01T00:00:00Z").plus(Duration.ofDays(round));
                      barrier.await(30, TimeUnit.SECONDS);
                      pm.ensurePartitions(c, now);
                      try (PreparedStatement ps =
                          c.prepareStatement("INSERT INTO logs VALUES (?, ?, 'x')")) {
                        ps.setObject(1, UUID.randomUUID());
                        ps.setObject(2, now.atOffset(ZoneOffset.UTC));
                        ps.executeUpdate();
                      }
                      pm.dropExpired(c, now);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : results) f.get(120, TimeUnit.SECONDS); // rethrows any failure
    } finally {
      pool.shutdownNow();
    }
    // last now 2030-01-15, cutoff 01-13: partitions 13 (ends 14th) .. 17 remain
    assertThat(partitions("logs").keySet())
        .containsExactly(
            "logs_default",
            "logs_p20300113",
            "logs_p20300114",
            "logs_p20300115",
            "logs_p20300116",
            "logs_p20300117");
    assertThat(count("SELECT count(*) FROM logs_default")).isZero();
    assertThat(count("SELECT count(*) FROM logs"))
        .isEqualTo(threads * 3L); // rows of the 13th, 14th and 15th
  }

  @Test
  void runsInsideTheCallersTransaction() throws SQLException {
    PartitionManager pm = new PartitionManager("logs", "day", 0, Duration.ZERO);
    db.setAutoCommit(false);
    pm.ensurePartitions(db, Instant.parse("2030-01-01T00:00:00Z"));
    db.rollback();
    db.setAutoCommit(true);
    assertThat(partitions("logs")).isEmpty();
  }

  @Test
  void schemaQualifiedTable() throws SQLException {
    exec("CREATE SCHEMA obs");
    exec(
        "CREATE TABLE obs.events (id uuid NOT NULL, time timestamptz NOT NULL, body text) PARTITION BY RANGE (time)");
    PartitionManager pm = new PartitionManager("obs.events", "day", 0, Duration.ofDays(1));
    pm.ensurePartitions(db, Instant.parse("2030-01-01T00:00:00Z"));
    assertThat(partitions("obs.events").keySet())
        .containsExactly("events_default", "events_p20300101");
    assertThat(
            count(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'obs' AND tablename = 'events_p20300101'"))
        .isEqualTo(1);
    assertThat(pm.dropExpired(db, Instant.parse("2030-02-01T00:00:00Z")))
        .containsExactly("events_p20300101");
  }

  @Test
  void rejectsBadArgumentsWithPreciseMessages() {
    assertThatThrownBy(() -> new PartitionManager("Logs", "day", 1, null))
        .hasMessageContaining("table 'Logs' must be a lower-case identifier");
    assertThatThrownBy(() -> new PartitionManager("logs; drop table x", "day", 1, null))
        .hasMessageContaining("must be a lower-case identifier");
    assertThatThrownBy(() -> new PartitionManager("a".repeat(60), "day", 1, null))
        .hasMessageContaining("too long for partition names");
    assertThatThrownBy(() -> new PartitionManager("logs", "week", 1, null))
        .hasMessage("partitioning must be 'day' or 'month', got 'week'");
    assertThatThrownBy(() -> new PartitionManager("logs", "day", -1, null))
        .hasMessage("create_ahead must be 0 or more, got -1");
    assertThatThrownBy(() -> new PartitionManager("logs", "day", 1, Duration.ofDays(-1)))
        .hasMessageContaining("retention must not be negative");
  }

  @Test
  void partitionNamesAndTheirEnds() {
    PartitionManager pm = new PartitionManager("logs", "day", 0, null);
    assertThat(pm.partitionNameFor(Instant.parse("2024-02-29T23:59:59Z")))
        .isEqualTo("logs_p20240229");
    assertThat(pm.defaultPartitionName()).isEqualTo("logs_default");
    assertThat(pm.endOf("logs_p20240229")).isEqualTo(Instant.parse("2024-03-01T00:00:00Z"));
    assertThat(pm.endOf("logs_p202412")).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
    assertThat(pm.endOf("logs_p20241399")).isNull();
    assertThat(pm.endOf("logs_default")).isNull();
    assertThat(pm.endOf("other_p20240101")).isNull();
    assertThat(
            new PartitionManager("logs", "month", 0, null)
                .partitionNameFor(Instant.parse("2024-02-29T23:59:59Z")))
        .isEqualTo("logs_p202402");
  }

  // ---- helpers

  private void exec(String sql) throws SQLException {
    try (Statement s = db.createStatement()) {
      s.execute(sql);
    }
  }

  private long count(String sql) throws SQLException {
    try (Statement s = db.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void insert(String time, String body) throws SQLException {
    try (PreparedStatement ps =
        db.prepareStatement("INSERT INTO logs (id, time, body) VALUES (?, ?, ?)")) {
      ps.setObject(1, UUID.randomUUID());
      ps.setObject(2, Instant.parse(time).atOffset(ZoneOffset.UTC));
      ps.setString(3, body);
      ps.executeUpdate();
    }
  }

  /** Partition name -> bound expression (in UTC), sorted by name. */
  private Map<String, String> partitions(String table) throws SQLException {
    exec("SET TIME ZONE 'UTC'");
    Map<String, String> result = new TreeMap<>();
    try (PreparedStatement ps =
        db.prepareStatement(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                + " WHERE i.inhparent = ?::regclass")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) result.put(rs.getString(1), rs.getString(2));
      }
    }
    return result;
  }

  /** Body -> the partition the row is stored in. */
  private Map<String, String> rowsByPartition() throws SQLException {
    Map<String, String> result = new TreeMap<>();
    try (Statement s = db.createStatement();
        ResultSet rs = s.executeQuery("SELECT body, tableoid::regclass::text FROM logs")) {
      while (rs.next()) result.put(rs.getString(1), rs.getString(2));
    }
    return result;
  }
}
