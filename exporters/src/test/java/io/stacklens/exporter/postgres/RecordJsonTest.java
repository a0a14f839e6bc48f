package io.stacklens.exporter.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.InstrumentationScope;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.Resource;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.testing.postgres.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RecordJsonTest {
  private static Connection db;

  @BeforeAll
  static void connect() throws SQLException {
    db = DriverManager.getConnection(PostgresServer.shared().createUniqueDatabase("recordjson"));
  }

  @AfterAll
  static void close() throws SQLException {
    if (db != null) db.close();
  }

  @Test
  void attributesKeepJsonTypesAndOrder() {
    Attributes a =
        Attributes.of(
            "s",
            "text",
            "i",
            42L,
            "d",
            1.5,
            "b",
            true,
            "n",
            null,
            "bytes",
            new byte[] {1, 2, 3},
            "list",
            Attributes.listOf("x", 1L, Attributes.of("k", "v")),
            "map",
            Attributes.of("inner", false));
    assertThat(RecordJson.attributes(a))
        .isEqualTo(
            "{\"s\":\"text\",\"i\":42,\"d\":1.5,\"b\":true,\"n\":null,\"bytes\":\"AQID\","
                + "\"list\":[\"x\",1,{\"k\":\"v\"}],\"map\":{\"inner\":false}}");
    assertThat(RecordJson.attributes(new Attributes())).isEqualTo("{}");
    assertThat(RecordJson.attributes(null)).isEqualTo("{}");
  }

  @Test
  void recordHasEveryField() {
    LogRecord r =
        new LogRecord(Attributes.of("request_id", "r-1"))
            .setTimeUnixNano(1_714_566_896_123_456_789L)
            .setObservedTimeUnixNano(1_714_566_897_000_000_000L)
            .setSeverityNumber(17)
            .setSeverityText("ERROR")
            .setBody("boom \"quoted\"\n")
            .setTraceId(new byte[] {0x0a, (byte) 0xbc, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1})
            .setSpanId(new byte[] {0, 0, 0, 0, 0, 0, 0, (byte) 0xff})
            .setFlags(1);
    ResourceLogs rl = resource(Attributes.of("service.name", "checkout"));
    ScopeLogs sl =
        new ScopeLogs(
            new InstrumentationScope(Attributes.of("sk", 1L)).setName("lib").setVersion("1.2"),
            new ArrayList<>());
    assertThat(RecordJson.record(rl, sl, r))
        .isEqualTo(
            "{\"time\":\"2024-05-01T12:34:56.123456789Z\",\"observed_time\":\"2024-05-01T12:34:57Z\","
                + "\"severity_number\":17,\"severity_text\":\"ERROR\",\"body\":\"boom \\\"quoted\\\"\\n\","
                + "\"trace_id\":\"0abc0000000000000000000000000001\",\"span_id\":\"00000000000000ff\",\"flags\":1,"
                + "\"attributes\":{\"request_id\":\"r-1\"},\"resource\":{\"service.name\":\"checkout\"},"
                + "\"scope\":{\"name\":\"lib\",\"version\":\"1.2\",\"attributes\":{\"sk\":1}}}");
  }

  @Test
  void recordOfAnEmptyRecordHasNullsAndEmptyObjects() {
    assertThat(RecordJson.record(null, null, new LogRecord()))
        .isEqualTo(
            "{\"time\":null,\"observed_time\":null,\"severity_number\":0,\"severity_text\":\"\",\"body\":null,"
                + "\"trace_id\":null,\"span_id\":null,\"flags\":0,\"attributes\":{},\"resource\":{},"
                + "\"scope\":{\"name\":\"\",\"version\":\"\",\"attributes\":{}}}");
  }

  @Test
  void optionalFieldsAppearOnlyWhenSet() {
    LogRecord r = new LogRecord().setEventName("login").setDroppedAttributesCount(3);
    String json = RecordJson.record(null, null, r);
    assertThat(json)
        .contains("\"event_name\":\"login\"")
        .contains("\"dropped_attributes_count\":3");
  }

  @Test
  void nulIsReplacedBecausePostgresRejectsItEvenEscaped() throws SQLException {
    // the reason for the replacement: jsonb refuses the escaped NUL
    assertThatThrownBy(() -> jsonb("{\"a\":\"x\\u0000y\"}"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("\\u0000");

    LogRecord r =
        new LogRecord(Attributes.of("k\u0000ey", "va\u0000lue"))
            .setBody("b\u0000ody")
            .setSeverityText("E\u0000");
    String json = RecordJson.record(resource(Attributes.of("r", "\u0000")), null, r);
    assertThat(json).doesNotContain("\u0000").doesNotContain("\\u0000");
    try (PreparedStatement ps =
        db.prepareStatement(
            "SELECT j->'attributes'->>'k\uFFFDey', j->>'body', j->>'severity_text', j->'resource'->>'r' FROM (SELECT ?::jsonb j) t")) {
      ps.setString(1, json);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("va\uFFFDlue");
        assertThat(rs.getString(2)).isEqualTo("b\uFFFDody");
        assertThat(rs.getString(3)).isEqualTo("E\uFFFD");
        assertThat(rs.getString(4)).isEqualTo("\uFFFD");
      }
    }
  }

  @Test
  void cleanTextReplacesNulAndLoneSurrogatesOnly() {
    String plain = "plain text ü \uD83D\uDE00";
    assertThat(RecordJson.cleanText(plain)).isSameAs(plain);
    assertThat(RecordJson.cleanText("a\u0000b")).isEqualTo("a\uFFFDb");
    assertThat(RecordJson.cleanText("x\uD83Dy\uDE00")).isEqualTo("x\uFFFDy\uFFFD");
    assertThat(RecordJson.cleanText("\uD83D\uDE00\u0000")).isEqualTo("\uD83D\uDE00\uFFFD");
    assertThat(RecordJson.cleanText("\uD83D")).isEqualTo("\uFFFD");
    assertThat(RecordJson.cleanText(null)).isNull();
  }

  @Test
  void nonFiniteDoublesBecomeStringsJsonbAccepts() throws SQLException {
    String json =
        RecordJson.attributes(
            Attributes.of(
                "nan",
                Double.NaN,
                "inf",
                Double.POSITIVE_INFINITY,
                "ninf",
                Double.NEGATIVE_INFINITY,
                "big",
                1e300));
    assertThat(json)
        .isEqualTo("{\"nan\":\"NaN\",\"inf\":\"Infinity\",\"ninf\":\"-Infinity\",\"big\":1.0E300}");
    try (PreparedStatement ps =
        db.prepareStatement(
            "SELECT j->>'nan', j->>'inf', j->>'ninf', (j->>'big')::float8 FROM (SELECT ?::jsonb j) t")) {
      ps.setString(1, json);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("NaN");
        assertThat(rs.getString(2)).isEqualTo("Infinity");
        assertThat(rs.getString(3)).isEqualTo("-Infinity");
        assertThat(rs.getDouble(4)).isEqualTo(1e300);
      }
    }
  }

  @Test
  void valueWritesAnyKindAndUnknownTypesAsStrings() {
    assertThat(RecordJson.value(null)).isEqualTo("null");
    assertThat(RecordJson.value(Attributes.listOf(1L, 2.5, null))).isEqualTo("[1,2.5,null]");
    assertThat(RecordJson.value(7)).isEqualTo("7");
    assertThat(RecordJson.value(java.time.Duration.ofSeconds(1))).isEqualTo("\"PT1S\"");
  }

  @Test
  void timesAreRfc3339ThatPostgresCastsToTimestamptz() throws SQLException {
    LogRecord r = new LogRecord().setTimeUnixNano(1_714_566_896_123_456_789L);
    try (PreparedStatement ps =
        db.prepareStatement(
            "SELECT ((?::jsonb)->>'time')::timestamptz = '2024-05-01 12:34:56.123457+00'::timestamptz")) {
      ps.setString(1, RecordJson.record(null, null, r));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertThat(rs.getBoolean(1)).isTrue();
      }
    }
    // OTLP times are unsigned: the top bit set is a time after 2262, not before 1970
    String far = RecordJson.record(null, null, new LogRecord().setTimeUnixNano(-1L));
    assertThat(far).startsWith("{\"time\":\"2554-07-21T23:34:33.709551615Z\"");
  }

  @Test
  void everyRecordRoundTripsThroughJsonb() throws SQLException {
    LogRecord r =
        new LogRecord(Attributes.of("nested", Attributes.of("list", List.of(1L, "two", true))))
            .setBody(Attributes.of("msg", "hi", "bin", new byte[] {(byte) 0xff}))
            .setTimeUnixNano(1L);
    String json = RecordJson.record(resource(Attributes.of("service.name", "svc")), null, r);
    try (PreparedStatement ps =
        db.prepareStatement(
            "SELECT j#>>'{attributes,nested,list,1}', j#>>'{body,bin}', j#>>'{resource,service.name}', j->>'time'"
                + " FROM (SELECT ?::jsonb j) t")) {
      ps.setString(1, json);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("two");
        assertThat(rs.getString(2)).isEqualTo("/w==");
        assertThat(rs.getString(3)).isEqualTo("svc");
        assertThat(rs.getString(4)).isEqualTo("1970-01-01T00:00:00.000000001Z");
      }
    }
  }

  private static ResourceLogs resource(Attributes attributes) {
    return new ResourceLogs(new Resource(attributes), new ArrayList<>());
  }

  /** The jsonb text PostgreSQL makes of {@code json}. */
  private static String jsonb(String json) throws SQLException {
    try (PreparedStatement ps = db.prepareStatement("SELECT ?::jsonb::text")) {
      ps.setString(1, json);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }
}
