package io.stacklens.exporter.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.InstrumentationScope;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.Resource;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.testing.postgres.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The exporter against a real PostgreSQL: rows out for records in, schema, exactly-once, dead letters. */
class PostgresExporterTest {
  private static final PostgresServer PG = PostgresServer.shared();

  private static PostgresExporterConfig promoting(PostgresExporterConfig c) {
    c.columns = new LinkedHashMap<>();
    c.columns.put("request_id", column("request_id", PostgresExporterConfig.ColumnType.TEXT));
    c.columns.put("status_code", column("attributes[\"http.status_code\"]", PostgresExporterConfig.ColumnType.BIGINT));
    c.columns.put("latency", column("latency_ms", PostgresExporterConfig.ColumnType.DOUBLE));
    c.columns.put("cached", column("cached", PostgresExporterConfig.ColumnType.BOOLEAN));
    c.columns.put("started_at", column("started_at", PostgresExporterConfig.ColumnType.TIMESTAMPTZ));
    c.columns.put("geo", column("geo", PostgresExporterConfig.ColumnType.JSONB));
    c.columns.put("region", column("resource.attributes[\"cloud.region\"]", PostgresExporterConfig.ColumnType.TEXT));
    return c;
  }

  private static PostgresExporterConfig.ColumnSettings column(String from, PostgresExporterConfig.ColumnType type) {
    PostgresExporterConfig.ColumnSettings s = new PostgresExporterConfig.ColumnSettings();
    s.from = from;
    s.type = type;
    return s;
  }

  private static LogsBatch richBatch() {
    Attributes res = Attributes.of("service.name", "checkout", "service.version", "1.4.2", "host.name", "web-7",
        "deployment.environment.name", "prod", "cloud.region", "eu-west-1");
    ResourceLogs rl = new ResourceLogs(new Resource(res), new ArrayList<>());
    ScopeLogs sl = new ScopeLogs(new InstrumentationScope().setName("com.shop.Checkout").setVersion("2"), new ArrayList<>());
    rl.scopeLogs().add(sl);
    byte[] trace = HexFormat.of().parseHex("0102030405060708090a0b0c0d0e0f10");
    byte[] span = HexFormat.of().parseHex("a1a2a3a4a5a6a7a8");
    sl.logRecords().add(new LogRecord(Attributes.of("request_id", "req-42", "http.status_code", 503L, "latency_ms", "12.5",
            "cached", "true", "started_at", "2024-05-01T12:34:55.5Z", "geo", Attributes.of("country", "FR", "lat", 48.85),
            "user", "ada"))
        .setTimeUnixNano(PgTestData.T0)
        .setObservedTimeUnixNano(PgTestData.T0 + 2_000_000_000L)
        .setSeverityNumber(17)
        .setSeverityText("ERROR")
        .setBody("payment failed\ttab\\slash\nline2")
        .setTraceId(trace)
        .setSpanId(span));
    // A structured body, no time (observed time only), no ids, nothing to promote.
    sl.logRecords().add(new LogRecord(Attributes.of("k", 1L))
        .setObservedTimeUnixNano(PgTestData.T0 + 5_000L)
        .setBody(Attributes.of("event", "login", "ok", true)));
    return new LogsBatch(new ArrayList<>(List.of(rl)));
  }

  @Test
  void recordsBecomeRowsWithEveryColumnTyped() throws Exception {
    for (PostgresExporterConfig.WriteMethod method : PostgresExporterConfig.WriteMethod.values()) {
      PostgresExporterConfig c = promoting(PgTestData.config(PG, "pg_roundtrip"));
      c.writeMethod = method;
      PostgresExporter exporter = PgTestData.started(c, new MetricsRegistry(), "rt");
      exporter.push(richBatch());
      exporter.shutdown(Instant.now());

      try (Connection conn = PgTestData.connect(c);
          Statement s = conn.createStatement();
          ResultSet rs = s.executeQuery("SELECT *, pg_typeof(status_code)::text AS st, pg_typeof(latency)::text AS lt "
              + "FROM enriched_logs ORDER BY time")) {
        assertThat(rs.next()).as(method + ": first row").isTrue();
        assertThat(rs.getObject("id", UUID.class)).isEqualTo(new RecordIds().of(
            richBatch().resourceLogs().get(0), richBatch().resourceLogs().get(0).scopeLogs().get(0),
            richBatch().resourceLogs().get(0).scopeLogs().get(0).logRecords().get(0)));
        assertThat(rs.getObject("time", OffsetDateTime.class).toInstant())
            .isEqualTo(Instant.ofEpochSecond(0, PgTestData.T0).truncatedTo(java.time.temporal.ChronoUnit.MICROS));
        assertThat(rs.getObject("observed_time", OffsetDateTime.class).toInstant())
            .isEqualTo(Instant.ofEpochSecond(0, PgTestData.T0 + 2_000_000_000L).truncatedTo(java.time.temporal.ChronoUnit.MICROS));
        assertThat(rs.getInt("severity_number")).isEqualTo(17);
        assertThat(rs.getString("severity_text")).isEqualTo("ERROR");
        assertThat(rs.getString("body")).isEqualTo("payment failed\ttab\\slash\nline2");
        assertThat(rs.getString("body_json")).isNull();
        assertThat(rs.getString("trace_id")).isEqualTo("0102030405060708090a0b0c0d0e0f10");
        assertThat(rs.getString("span_id")).isEqualTo("a1a2a3a4a5a6a7a8");
        assertThat(rs.getString("service_name")).isEqualTo("checkout");
        assertThat(rs.getString("service_version")).isEqualTo("1.4.2");
        assertThat(rs.getString("host_name")).isEqualTo("web-7");
        assertThat(rs.getString("environment")).isEqualTo("prod");
        assertThat(rs.getString("request_id")).isEqualTo("req-42");
        assertThat(rs.getLong("status_code")).isEqualTo(503L);
        assertThat(rs.getString("st")).isEqualTo("bigint");
        assertThat(rs.getDouble("latency")).isEqualTo(12.5);
        assertThat(rs.getString("lt")).isEqualTo("double precision");
        assertThat(rs.getBoolean("cached")).isTrue();
        assertThat(rs.getObject("started_at", OffsetDateTime.class))
            .isEqualTo(OffsetDateTime.of(2024, 5, 1, 12, 34, 55, 500_000_000, ZoneOffset.UTC));
        assertThat(rs.getString("geo")).isEqualTo("{\"lat\": 48.85, \"country\": \"FR\"}");
        assertThat(rs.getString("region")).isEqualTo("eu-west-1");
        assertThat(rs.getString("scope_name")).isEqualTo("com.shop.Checkout");
        assertThat(rs.getString("resource")).contains("\"service.name\": \"checkout\"", "\"cloud.region\": \"eu-west-1\"");
        assertThat(rs.getString("attributes")).contains("\"user\": \"ada\"", "\"http.status_code\": 503");
        assertThat(rs.getObject("ingested_at")).isNotNull();

        assertThat(rs.next()).as(method + ": second row").isTrue();
        assertThat(rs.getObject("time", OffsetDateTime.class).toInstant())
            .isEqualTo(Instant.ofEpochSecond(0, PgTestData.T0 + 5_000L).truncatedTo(java.time.temporal.ChronoUnit.MICROS));
        assertThat(rs.getString("body_json")).isEqualTo("{\"ok\": true, \"event\": \"login\"}");
        assertThat(rs.getString("body")).isEqualTo("{\"event\":\"login\",\"ok\":true}");
        assertThat(rs.getString("trace_id")).isNull();
        assertThat(rs.getString("span_id")).isNull();
        assertThat(rs.getString("severity_text")).isNull();
        assertThat(rs.getString("request_id")).isNull();
        assertThat(rs.getObject("status_code")).isNull();
        assertThat(rs.getString("region")).isEqualTo("eu-west-1");
        assertThat(rs.next()).isFalse();
      }
    }
  }

  @Test
  void schemaAutoTwiceIsIdempotentAndRecordsItsVersion() throws Exception {
    PostgresExporterConfig c = promoting(PgTestData.config(PG, "pg_twice"));
    PgTestData.started(c, new MetricsRegistry(), "a").shutdown(Instant.now());
    PgTestData.started(c, new MetricsRegistry(), "b").shutdown(Instant.now());
    assertThat(PgTestData.count(c, "SELECT count(*) FROM stacklens_schema_migrations")).isEqualTo(2); // logs + dlq, v1 each
    assertThat(PgTestData.count(c, "SELECT count(*) FROM pg_indexes WHERE tablename = 'enriched_logs'"))
        .isEqualTo(7); // primary key, time, service, severity, trace_id, gin attributes, request_id
    // A column promoted later is added on the next start.
    c.columns.put("error_code", column("error_code", PostgresExporterConfig.ColumnType.TEXT));
    PgTestData.started(c, new MetricsRegistry(), "c").shutdown(Instant.now());
    assertThat(PgTestData.count(c, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'enriched_logs' "
        + "AND column_name = 'error_code'")).isEqualTo(1);
    assertThat(PgTestData.count(c, "SELECT count(*) FROM pg_indexes WHERE indexname = 'enriched_logs_error_code_idx'")).isEqualTo(1);
  }

  @Test
  void severalExportersStartingAtOnceOnAnEmptyDatabase() throws Exception {
    PostgresExporterConfig c = promoting(PgTestData.config(PG, "pg_concurrent"));
    int n = 6;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<PostgresExporter>> started = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String name = "c" + i;
      started.add(pool.submit(() -> {
        go.await();
        return PgTestData.started(c, new MetricsRegistry(), name);
      }));
    }
    go.countDown();
    for (Future<PostgresExporter> f : started) {
      PostgresExporter e = f.get(); // throws if any start-up failed
      e.push(PgTestData.batch("c", 0, 10));
      e.shutdown(Instant.now());
    }
    pool.shutdown();
    assertThat(PgTestData.count(c, "SELECT count(*) FROM stacklens_schema_migrations")).isEqualTo(2);
    assertThat(PgTestData.count(c, "SELECT count(*) FROM enriched_logs")).isEqualTo(10);
  }

  @Test
  void theSameBatchTwiceAndAReplayByANewExporterAddNoRow() throws Exception {
    for (PostgresExporterConfig.WriteMethod method : PostgresExporterConfig.WriteMethod.values()) {
      PostgresExporterConfig c = PgTestData.config(PG, "pg_exactly_once");
      c.writeMethod = method;
      MetricsRegistry metrics = new MetricsRegistry();
      PostgresExporter first = PgTestData.started(c, metrics, "eo");
      first.push(PgTestData.batch("x", 0, 500));
      first.push(PgTestData.batch("x", 0, 500)); // a retry of a batch whose commit was not acknowledged
      first.push(PgTestData.batch("x", 250, 500)); // overlapping
      first.shutdown(Instant.now()); // "crash": a new exporter replays what it cannot know was written
      PostgresExporter second = PgTestData.started(c, metrics, "eo");
      second.push(PgTestData.batch("x", 0, 750));
      second.shutdown(Instant.now());
      assertThat(PgTestData.count(c, "SELECT count(*) FROM enriched_logs")).as(method.name()).isEqualTo(750);
      assertThat(PgTestData.count(c, "SELECT count(DISTINCT id) FROM enriched_logs")).isEqualTo(750);
      assertThat(metrics.counterSum("stacklens_exporter_postgres_rows_total")).isEqualTo(750);
      assertThat(metrics.counterSum("stacklens_exporter_postgres_duplicate_rows_total")).isEqualTo(500 + 250 + 750);
    }
  }

  @Test
  void aPoisonedRecordGoesToTheDeadLetterTableAndTheRestIsWritten() throws Exception {
    for (PostgresExporterConfig.WriteMethod method : PostgresExporterConfig.WriteMethod.values()) {
      PostgresExporterConfig c = promoting(PgTestData.config(PG, "pg_poison"));
      c.writeMethod = method;
      MetricsRegistry metrics = new MetricsRegistry();
      PostgresExporter exporter = PgTestData.started(c, metrics, "poison");
      LogsBatch batch = PgTestData.batch("p", 0, 1000);
      List<LogRecord> records = batch.resourceLogs().get(0).scopeLogs().get(0).logRecords();
      records.get(137).attributes().put("request_id", "bad\u0000id");          // 22021 in a promoted text column
      records.get(600).attributes().put("http.status_code", "not-a-number");   // conversion failure (bigint)
      records.get(901).setSeverityNumber(70000);                               // 22003 smallint out of range
      exporter.push(batch);
      exporter.shutdown(Instant.now());

      assertThat(PgTestData.count(c, "SELECT count(*) FROM enriched_logs")).as(method.name()).isEqualTo(997);
      assertThat(PgTestData.count(c, "SELECT count(*) FROM enriched_logs WHERE attributes->>'seq' IN ('p137', 'p600', 'p901')"))
          .isZero();
      Map<String, String> reasons = new LinkedHashMap<>();
      try (Connection conn = PgTestData.connect(c);
          Statement s = conn.createStatement();
          ResultSet rs = s.executeQuery("SELECT record->'attributes'->>'seq', error_reason, error_detail, exporter_id, "
              + "table_name, retry_count FROM dlq_messages ORDER BY 1")) {
        while (rs.next()) {
          reasons.put(rs.getString(1), rs.getString(2) + " | " + rs.getString(3));
          assertThat(rs.getString(4)).isEqualTo("postgres/poison");
          assertThat(rs.getString(5)).isEqualTo("enriched_logs");
          assertThat(rs.getInt(6)).isZero();
        }
      }
      assertThat(reasons).containsOnlyKeys("p137", "p600", "p901");
      assertThat(reasons.get("p137")).startsWith("22");
      assertThat(reasons.get("p600")).startsWith("conversion_failed | column status_code (bigint)").contains("not-a-number");
      assertThat(reasons.get("p901")).startsWith("22003 numeric_value_out_of_range");
      assertThat(metrics.counterSum("stacklens_exporter_postgres_dead_letter_records_total")).isEqualTo(3);
      assertThat(metrics.counterSum("stacklens_exporter_postgres_rows_total")).isEqualTo(997);
    }
  }

  @Test
  void schemaManualNamesTheTableAndColumnsThatDoNotMatch() throws Exception {
    PostgresExporterConfig c = PgTestData.config(PG, "pg_manual");
    c.schema = PostgresExporterConfig.SchemaMode.MANUAL;
    assertThatThrownBy(() -> PgTestData.started(c, new MetricsRegistry(), "m"))
        .hasMessageContaining("table enriched_logs does not exist")
        .hasMessageContaining("dead-letter table dlq_messages does not exist");

    PostgresExporterConfig auto = PgTestData.config(PG, c.endpoint.substring(c.endpoint.lastIndexOf('/') + 1), true);
    PgTestData.started(auto, new MetricsRegistry(), "auto").shutdown(Instant.now());
    PgTestData.started(c, new MetricsRegistry(), "m").shutdown(Instant.now()); // now it matches

    try (Connection conn = PgTestData.connect(c); Statement s = conn.createStatement()) {
      s.execute("DROP VIEW v_logs_by_service, v_error_logs"); // they depend on the columns changed below
      s.execute("ALTER TABLE enriched_logs DROP COLUMN host_name");
      s.execute("ALTER TABLE enriched_logs ALTER COLUMN severity_number TYPE text");
    }
    c.columns = new LinkedHashMap<>(Map.of("request_id", column("request_id", PostgresExporterConfig.ColumnType.TEXT)));
    assertThatThrownBy(() -> PgTestData.started(c, new MetricsRegistry(), "m"))
        .hasMessageContaining("table enriched_logs lacks column(s): host_name text, request_id text")
        .hasMessageContaining("severity_number is text, expected smallint");
  }
}
