package io.stacklens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import io.stacklens.agent.it.support.OtlpClient;
import io.stacklens.agent.it.support.RunningAgent;
import io.stacklens.agent.testing.postgres.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * config-examples/postgres-alerts.yaml end to end on a real PostgreSQL: JSON logs with error codes
 * go through the point-of-sale rules; every record lands in enriched_logs, and the matched ones in
 * alerts as open alerts, repeats of one issue for one service folded into one row with a count.
 */
class PostgresAlertsPipelineTest {
  private static final Path EXAMPLE =
      Path.of("").toAbsolutePath().resolve("../config-examples/postgres-alerts.yaml").normalize();

  @Test
  void rulesTurnErrorCodesIntoOpenAlertsWithRepeatsFolded() throws Exception {
    PostgresServer pg = PostgresServer.shared();
    String url = pg.createUniqueDatabase("alerts");
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PG_URL", PostgresServer.withoutParameters(url));
    env.put("PG_USER", pg.user());
    env.put("PG_PASSWORD", pg.password() == null ? "" : pg.password());
    String yaml = Files.readString(EXAMPLE).replaceAll("127\\.0\\.0\\.1:43\\d\\d", "127.0.0.1:0");

    try (RunningAgent agent = RunningAgent.start(RunningAgent.load(yaml, env))) {
      OtlpClient.GRPC.send(
          agent,
          request(
              Map.of(
                  "r1",
                  "PRICE_MISSING",
                  "r2",
                  "PRICE_MISSING",
                  "r3",
                  "PRICE_MISSING",
                  "r4",
                  "DATABASE_TIMEOUT",
                  "r5",
                  "",
                  "r6",
                  "")));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  count(url, "SELECT count(*) FROM enriched_logs") == 6
                      && count(url, "SELECT coalesce(sum(occurrences), 0) FROM alerts") == 4);
    }

    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT issue_code, severity, suggested_fix, confidence, status, occurrences,"
                    + " service_name, raw_log->'attributes'->>'error_code' FROM alerts ORDER BY issue_code")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getString(1)).isEqualTo("DATABASE_ERROR");
      assertThat(r.getString(2)).isEqualTo("warning");
      assertThat(r.getString(3)).isEqualTo("Verify database connection");
      assertThat(r.getDouble(4)).isEqualTo(0.85);
      assertThat(r.getString(5)).isEqualTo("open");
      assertThat(r.getInt(6)).isEqualTo(1);
      assertThat(r.getString(8)).isEqualTo("DATABASE_TIMEOUT");
      assertThat(r.next()).isTrue();
      assertThat(r.getString(1)).isEqualTo("PRICE_MISSING");
      assertThat(r.getString(2)).isEqualTo("critical");
      assertThat(r.getString(3)).isEqualTo("Check product pricing configuration");
      assertThat(r.getString(5)).isEqualTo("open");
      assertThat(r.getInt(6)).as("three repeats for one service fold into one alert").isEqualTo(3);
      assertThat(r.getString(7)).isEqualTo("pos-terminal");
      assertThat(r.next()).as("no other alert").isFalse();
    }
    assertThat(count(url, "SELECT count(*) FROM enriched_logs WHERE error_code = 'PRICE_MISSING'"))
        .isEqualTo(3);
    assertThat(count(url, "SELECT count(*) FROM v_open_alerts")).isEqualTo(2);
  }

  private static ExportLogsServiceRequest request(Map<String, String> errorCodes) {
    ScopeLogs.Builder scope = ScopeLogs.newBuilder();
    errorCodes.forEach(
        (requestId, code) ->
            scope.addLogRecords(
                LogRecord.newBuilder()
                    .setBody(
                        AnyValue.newBuilder()
                            .setStringValue(
                                "{\"level\":\"error\",\"request_id\":\""
                                    + requestId
                                    + "\""
                                    + (code.isEmpty() ? "" : ",\"error_code\":\"" + code + "\"")
                                    + ",\"message\":\"checkout failed\"}"))));
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(
                    Resource.newBuilder()
                        .addAttributes(
                            KeyValue.newBuilder()
                                .setKey("service.name")
                                .setValue(AnyValue.newBuilder().setStringValue("pos-terminal"))))
                .addScopeLogs(scope))
        .build();
  }

  private static long count(String url, String sql) {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    } catch (java.sql.SQLException e) {
      return -1; // tables appear with the first write
    }
  }
}
