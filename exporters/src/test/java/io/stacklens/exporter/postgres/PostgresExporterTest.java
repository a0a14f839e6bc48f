package io.stacklens.exporter.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.stacklens.agent.api.ExportException;
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

/**
 * The exporter against a real PostgreSQL: rows out for records in, schema, exactly-once, refused
 * records.
 */
class PostgresExporterTest {
  private static final PostgresServer PG = PostgresServer.shared();

  private static PostgresExporterConfig promoting(PostgresExporterConfig c) {
    c.columns = new LinkedHashMap<>();
    c.columns.put("request_id", column("request_id", PostgresExporterConfig.ColumnType.TEXT));
    c.columns.put(
        "status_code",
        column("attributes[\"http.status_code\"]", PostgresExporterConfig.ColumnType.BIGINT));
    c.columns.put("latency", column("latency_ms", PostgresExporterConfig.ColumnType.DOUBLE));
    c.columns.put("cached", column("cached", PostgresExporterConfig.ColumnType.BOOLEAN));
    c.columns.put(
        "started_at", column("started_at", PostgresExporterConfig.ColumnType.TIMESTAMPTZ));
    c.columns.put("geo", column("geo", PostgresExporterConfig.ColumnType.JSONB));
    c.columns.put(
        "region",
        column("resource.attributes[\"cloud.region\"]", PostgresExporterConfig.ColumnType.TEXT));
    return c;
  }

  private static PostgresExporterConfig.ColumnSettings column(
      String from, PostgresExporterConfig.ColumnType type) {
    PostgresExporterConfig.ColumnSettings s = new PostgresExporterConfig.ColumnSettings();
    s.from = from;
    s.type = type;
    return s;
  }

  private static LogsBatch richBatch() {
    Attributes res =
        Attributes.of(
            "service.name",
            "checkout",
            "service.version",
            "1.4.2",
            "host.name",
            "web-7",
            "deployment.environment.name",
            "prod",
            "cloud.region",
            "eu-west-1");
    ResourceLogs rl = new ResourceLogs(new Resource(res), new ArrayList<>());
    ScopeLogs sl =
        new ScopeLogs(
            new InstrumentationScope().setName("com.shop.Checkout").setVersion("2"),
            new ArrayList<>());
    rl.scopeLogs().add(sl);
    byte[] trace = HexFormat.of().parseHex("0102030405060708090a0b0c0d0e0f10");
    byte[] span = HexFormat.of().parseHex("a1a2a3a4a5a6a7a8");
    sl.logRecords()
        .add(
            new LogRecord(
                    Attributes.of(
                        "request_id",
                        "req-42",
                        "http.status_code",
                        503L,
                        "latency_ms",
                        "12.5",
                        "cached",
                        "true",
                        "started_at",
                        "2024-05-01T12:34:55.5Z",
                        "geo",
                        Attributes.of("country", "FR", "lat", 48.85),
                        "user",
                        "ada"))
                .setTimeUnixNano(PgTestData.T0)
                .setObservedTimeUnixNano(PgTestData.T0 + 2_000_000_000L)
                .setSeverityNumber(17)
                .setSeverityText("ERROR")
                .setBody("payment failed\ttab\\slash\nline2")
                .setTraceId(trace)
                .setSpanId(span));
    // A structured body, no time (observed time only), no ids, nothing to promote.
    sl.logRecords()
        .add(
            new LogRecord(Attributes.of("k", 1L))
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
          ResultSet rs =
              s.executeQuery(
                  "SELECT *, pg_typeof(status_code)::text AS st, pg_typeof(latency)::text AS lt "
                      + "FROM enriched_logs ORDER BY time")) {
        assertThat(rs.next()).as(method + ": first row").isTrue();
        assertThat(rs.getObject("id", UUID.class))
            .isEqualTo(
                new RecordIds()
                    .of(
                        richBatch().resourceLogs().get(0),
                        richBatch().resourceLogs().get(0).scopeLogs().get(0),
                        richBatch().resourceLogs().get(0).scopeLogs().get(0).logRecords().get(0)));
        assertThat(rs.getObject("time", OffsetDateTime.class).toInstant())
            .isEqualTo(
                Instant.ofEpochSecond(0, PgTestData.T0)
                    .truncatedTo(java.time.temporal.ChronoUnit.MICROS));
        assertThat(rs.getObject("observed_time", OffsetDateTime.class).toInstant())
            .isEqualTo(
                Instant.ofEpochSecond(0, PgTestData.T0 + 2_000_000_000L)
                    .truncatedTo(java.time.temporal.ChronoUnit.MICROS));
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
        assertThat(rs.getString("resource"))
            .contains("\"service.name\": \"checkout\"", "\"cloud.region\": \"eu-west-1\"");
        assertThat(rs.getString("attributes"))
            .contains("\"user\": \"ada\"", "\"http.status_code\": 503");
        assertThat(rs.getObject("ingested_at")).isNotNull();

        assertThat(rs.next()).as(method + ": second row").isTrue();
        assertThat(rs.getObject("time", OffsetDateTime.class).toInstant())
            .isEqualTo(
                Instant.ofEpochSecond(0, PgTestData.T0 + 5_000L)
                    .truncatedTo(java.time.temporal.ChronoUnit.MICROS));
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
    assertThat(PgTestData.count(c, "SELECT count(*) FROM stacklens_schema_migrations"))
        .isEqualTo(1); // logs v1
    assertThat(
            PgTestData.count(
                c, "SELECT count(*) FROM pg_indexes WHERE tablename = 'enriched_logs'"))
        .isEqualTo(7); // primary key, time, service, severity, trace_id, gin attributes, request_id
    // A column promoted later is added on the next start.
    c.columns.put("error_code", column("error_code", PostgresExporterConfig.ColumnType.TEXT));
    PgTestData.started(c, new MetricsRegistry(), "c").shutdown(Instant.now());
    assertThat(
            PgTestData.count(
                c,
                "SELECT count(*) FROM information_schema.columns WHERE table_name = 'enriched_logs' "
                    + "AND column_name = 'error_code'"))
        .isEqualTo(1);
    assertThat(
            PgTestData.count(
                c,
                "SELECT count(*) FROM pg_indexes WHERE indexname = 'enriched_logs_error_code_idx'"))
        .isEqualTo(1);
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
      started.add(
          pool.submit(
              () -> {
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
    assertThat(PgTestData.count(c, "SELECT count(*) FROM stacklens_schema_migrations"))
        .isEqualTo(1);
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
      first.push(
          PgTestData.batch("x", 0, 500)); // a retry of a batch whose commit was not acknowledged
      first.push(PgTestData.batch("x", 250, 500)); // overlapping
      first.shutdown(
          Instant.now()); // "crash": a new exporter replays what it cannot know was written
      PostgresExporter second = PgTestData.started(c, metrics, "eo");
      second.push(PgTestData.batch("x", 0, 750));
      second.shutdown(Instant.now());
      assertThat(PgTestData.count(c, "SELECT count(*) FROM enriched_logs"))
          .as(method.name())
          .isEqualTo(750);
      assertThat(PgTestData.count(c, "SELECT count(DISTINCT id) FROM enriched_logs"))
          .isEqualTo(750);
      assertThat(metrics.counterSum("stacklens_exporter_postgres_rows_total")).isEqualTo(750);
      assertThat(metrics.counterSum("stacklens_exporter_postgres_duplicate_rows_total"))
          .isEqualTo(500 + 250 + 750);
      assertThat(metrics.counterSum("stacklens_exporter_postgres_bisected_batches_total"))
          .as("rows already in the table are not refused rows")
          .isZero();
    }
  }

  @Test
  void aBatchThatMeetsItsRowsMidCopyIsWrittenThroughTheStagingTableAndLaterBatchesStillCopy()
      throws Exception {
    PostgresExporterConfig c = PgTestData.config(PG, "pg_conflict_mid_copy");
    MetricsRegistry metrics = new MetricsRegistry();
    PostgresExporter exporter = PgTestData.started(c, metrics, "eo");
    exporter.push(PgTestData.batch("y", 0, 5000));
    // Half of it already written, the conflict found after the first COPY chunks were sent.
    exporter.push(PgTestData.batch("y", 2500, 5000));
    // Through the run of staged batches that follows a conflict, and past it.
    int small = CopyWriter.STAGED_AFTER_CONFLICT + 4;
    for (int i = 0; i < small; i++) exporter.push(PgTestData.batch("y", 7500 + i * 10, 10));
    exporter.push(PgTestData.batch("y", 7500 + small * 10 - 5, 10)); // 5 of 10 already written
    exporter.shutdown(Instant.now());

    int rows = 7500 + small * 10 + 5;
    assertThat(PgTestData.count(c, "SELECT count(*) FROM enriched_logs")).isEqualTo(rows);
    assertThat(PgTestData.count(c, "SELECT count(DISTINCT id) FROM enriched_logs")).isEqualTo(rows);
    assertThat(metrics.counterSum("stacklens_exporter_postgres_rows_total")).isEqualTo(rows);
    assertThat(metrics.counterSum("stacklens_exporter_postgres_duplicate_rows_total"))
        .isEqualTo(2500 + 5);
    assertThat(metrics.counterSum("stacklens_exporter_postgres_bisected_batches_total")).isZero();
  }

  @Test
  void poisonedRecordsFailPermanentlyAsTheOnlyUnsentRecordsAfterTheRestIsCommitted()
      throws Exception {
    for (PostgresExporterConfig.WriteMethod method : PostgresExporterConfig.WriteMethod.values()) {
      PostgresExporterConfig c = promoting(PgTestData.config(PG, "pg_poison"));
      c.writeMethod = method;
      MetricsRegistry metrics = new MetricsRegistry();
      PostgresExporter exporter = PgTestData.started(c, metrics, "poison");
      LogsBatch batch = PgTestData.batch("p", 0, 1000);
      List<LogRecord> records = batch.resourceLogs().get(0).scopeLogs().get(0).logRecords();
      records
          .get(137)
          .attributes()
          .put("request_id", "bad\u0000id"); // 22021 in a promoted text column
      records
          .get(600)
          .attributes()
          .put("http.status_code", "not-a-number"); // conversion failure (bigint)
      records.get(901).setSeverityNumber(70000); // 22003 smallint out of range

      ExportException failure =
          catchThrowableOfType(ExportException.class, () -> exporter.push(batch));
      assertThat(failure).as(method.name()).isNotNull();
      assertThat(failure.isPermanent()).isTrue();
      assertThat(failure.reason()).isEqualTo(PostgresExporter.MIXED_REASONS);
      assertThat(failure.getMessage())
          .startsWith("postgres/poison: table enriched_logs refused 3 record(s): ")
          .contains(
              "1 character_not_in_repertoire (22021: ",
              "1 conversion_failed (column status_code (bigint)",
              "not-a-number",
              "1 numeric_value_out_of_range (22003: smallint out of range)");
      LogsBatch unsent = (LogsBatch) failure.unsent();
      List<String> seqs = new ArrayList<>();
      unsent.forEachRecord(
          (rl, sl, r) -> {
            seqs.add((String) r.attributes().get("seq"));
            assertThat(rl.resource().attributes().get("service.name")).isEqualTo("checkout");
            assertThat(rl.resource().attributes().get(DeadLetterTable.TABLE))
                .isEqualTo("enriched_logs");
            assertThat(sl.scope().name()).isEqualTo("test.scope");
          });
      assertThat(seqs)
          .as("the refused records, in batch order, the very objects pushed")
          .containsExactly("p137", "p600", "p901");
      assertThat(unsent.resourceLogs().get(0).scopeLogs().get(0).logRecords().get(0))
          .isSameAs(records.get(137));
      assertThat(
              batch.resourceLogs().get(0).resource().attributes().contains(DeadLetterTable.TABLE))
          .as("the pushed batch is not changed")
          .isFalse();

      assertThat(PgTestData.count(c, "SELECT count(*) FROM enriched_logs"))
          .as(method.name())
          .isEqualTo(997);
      assertThat(
              PgTestData.count(
                  c,
                  "SELECT count(*) FROM enriched_logs WHERE attributes->>'seq' IN ('p137', 'p600', 'p901')"))
          .isZero();
      assertThat(metrics.counterSum("stacklens_exporter_postgres_refused_records_total"))
          .isEqualTo(3);
      assertThat(
              metrics.counterValue(
                  "stacklens_exporter_postgres_refused_records_total",
                  "exporter",
                  "postgres/poison",
                  "table",
                  "enriched_logs",
                  "reason",
                  "conversion_failed"))
          .isEqualTo(1);
      assertThat(metrics.counterSum("stacklens_exporter_postgres_rows_total")).isEqualTo(997);
      assertThat(metrics.counterSum("stacklens_exporter_postgres_retryable_errors_total")).isZero();

      // The same batch again (a replay): nothing new is written, the same three are refused again.
      ExportException again =
          catchThrowableOfType(ExportException.class, () -> exporter.push(batch));
      assertThat(again.unsent().recordCount()).isEqualTo(3);
      assertThat(PgTestData.count(c, "SELECT count(*) FROM enriched_logs")).isEqualTo(997);
      assertThat(metrics.counterSum("stacklens_exporter_postgres_duplicate_rows_total"))
          .isEqualTo(997);
      exporter.shutdown(Instant.now());
    }
  }

  @Test
  void recordsRefusedForOneReasonCarryThatReason() throws Exception {
    PostgresExporterConfig c = PgTestData.config(PG, "pg_one_reason");
    PostgresExporter exporter = PgTestData.started(c, new MetricsRegistry(), "one");
    LogsBatch batch = PgTestData.batch("r", 0, 10);
    batch.forEachRecord(
        r -> {
          if (r.attributes().get("seq").equals("r3") || r.attributes().get("seq").equals("r7"))
            r.setSeverityNumber(99999);
        });
    ExportException failure =
        catchThrowableOfType(ExportException.class, () -> exporter.push(batch));
    exporter.shutdown(Instant.now());
    assertThat(failure.isPermanent()).isTrue();
    assertThat(failure.reason()).isEqualTo("numeric_value_out_of_range");
    assertThat(failure.unsent().recordCount()).isEqualTo(2);
    assertThat(failure.getMessage())
        .isEqualTo(
            "postgres/one: table enriched_logs refused 2 record(s): "
                + "2 numeric_value_out_of_range (22003: smallint out of range)");
    assertThat(PgTestData.count(c, "SELECT count(*) FROM enriched_logs")).isEqualTo(8);
  }

  @Test
  void schemaManualNamesTheTableAndColumnsThatDoNotMatch() throws Exception {
    PostgresExporterConfig c = PgTestData.config(PG, "pg_manual");
    c.schema = PostgresExporterConfig.SchemaMode.MANUAL;
    assertThatThrownBy(() -> PgTestData.started(c, new MetricsRegistry(), "m"))
        .hasMessageContaining("table enriched_logs does not exist")
        .hasMessageNotContaining("dead-letter");

    PostgresExporterConfig auto =
        PgTestData.config(PG, c.endpoint.substring(c.endpoint.lastIndexOf('/') + 1), true);
    PgTestData.started(auto, new MetricsRegistry(), "auto").shutdown(Instant.now());
    PgTestData.started(c, new MetricsRegistry(), "m").shutdown(Instant.now()); // now it matches

    try (Connection conn = PgTestData.connect(c);
        Statement s = conn.createStatement()) {
      s.execute(
          "DROP VIEW v_logs_by_service, v_error_logs"); // they depend on the columns changed below
      s.execute("ALTER TABLE enriched_logs DROP COLUMN host_name");
      s.execute("ALTER TABLE enriched_logs ALTER COLUMN severity_number TYPE text");
    }
    c.columns =
        new LinkedHashMap<>(
            Map.of("request_id", column("request_id", PostgresExporterConfig.ColumnType.TEXT)));
    assertThatThrownBy(() -> PgTestData.started(c, new MetricsRegistry(), "m"))
        .hasMessageContaining(
            "table enriched_logs lacks column(s): host_name text, request_id text")
        .hasMessageContaining("severity_number is text, expected smallint");
  }
}
