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
import io.stacklens.agent.it.support.AgentProcess;
import io.stacklens.agent.it.support.RawGrpc;
import io.stacklens.agent.testing.postgres.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The postgres exporter's exactly-once promise across a crash: an agent process writing a stream of
 * log requests to PostgreSQL is killed with SIGKILL while batches are in flight (some rows are
 * already committed), a new agent is started on the same database, and the client replays the whole
 * stream from its start, as a producer replaying from its own log would. Every record must be in
 * the table exactly once: the rows committed before the kill are not written again.
 */
class PostgresCrashReplayTest {
  private static final int REQUESTS = 40;
  private static final int PER_REQUEST = 100;
  private static final long T0 = 1_795_000_000_000_000_000L;

  @TempDir Path dir;

  @Test
  void aKilledAgentAndAFullReplayLeaveEveryRecordExactlyOnce() throws Exception {
    PostgresServer pg = PostgresServer.shared();
    String url = pg.createUniqueDatabase("crash");
    String endpoint = PostgresServer.withoutParameters(url);
    Path config = dir.resolve("agent.yaml");
    Files.writeString(
        config,
        """
        receivers:
          otlp:
            protocols:
              grpc: { endpoint: 127.0.0.1:0 }
        exporters:
          postgres:
            endpoint: ${env:PG_URL}
            user: ${env:PG_USER}
            password: ${env:PG_PASSWORD:-}
            batch: { min_size: 200, max_size: 500, flush_timeout: 50ms }
            dead_letter: { exporter: postgres/dlq }
          postgres/dlq:
            endpoint: ${env:PG_URL}
            user: ${env:PG_USER}
            password: ${env:PG_PASSWORD:-}
            table_kind: dead_letters
        service:
          telemetry: { endpoint: 127.0.0.1:0 }
          pipelines:
            logs: { receivers: [otlp], exporters: [postgres] }
        """);
    Map<String, String> env =
        Map.of(
            "PG_URL",
            endpoint,
            "PG_USER",
            pg.user(),
            "PG_PASSWORD",
            pg.password() == null ? "" : pg.password());
    List<ExportLogsServiceRequest> stream = stream();

    AtomicInteger sentBeforeKill = new AtomicInteger();
    try (AgentProcess first = AgentProcess.start(dir, env, "run", "--config", config.toString())) {
      int port = first.awaitListening("gRPC", Duration.ofSeconds(60));
      AtomicBoolean stop = new AtomicBoolean();
      Thread client =
          new Thread(
              () -> {
                try (RawGrpc grpc = new RawGrpc(port)) {
                  for (ExportLogsServiceRequest request : stream) {
                    if (stop.get()) return;
                    grpc.export(request);
                    sentBeforeKill.incrementAndGet();
                  }
                } catch (RuntimeException killed) {
                  // the agent went away mid-request: expected
                }
              },
              "crash-client");
      client.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> rows(url) > 0);
      first.process().destroyForcibly(); // SIGKILL: no drain, no goodbye
      first.process().waitFor();
      stop.set(true);
      client.join(10_000);
    }
    long committedBeforeKill = rows(url);
    assertThat(committedBeforeKill).as("rows committed before the kill").isPositive();

    try (AgentProcess second = AgentProcess.start(dir, env, "run", "--config", config.toString())) {
      int port = second.awaitListening("gRPC", Duration.ofSeconds(60));
      try (RawGrpc grpc = new RawGrpc(port)) {
        for (ExportLogsServiceRequest request : stream)
          grpc.export(request); // the whole stream again
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> rows(url) >= REQUESTS * PER_REQUEST);
      Thread.sleep(500); // anything written late would show up as an extra row below
    }

    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT count(*), count(DISTINCT id), count(DISTINCT body) FROM enriched_logs")) {
      r.next();
      assertThat(r.getLong(1))
          .as(
              "rows (%d were committed before the kill, %d requests acknowledged)",
              committedBeforeKill, sentBeforeKill.get())
          .isEqualTo(REQUESTS * PER_REQUEST);
      assertThat(r.getLong(2)).as("distinct ids").isEqualTo(REQUESTS * PER_REQUEST);
      assertThat(r.getLong(3)).as("distinct records").isEqualTo(REQUESTS * PER_REQUEST);
    }
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM dlq_messages")) {
      r.next();
      assertThat(r.getLong(1))
          .as("replayed records are skipped, not dead-lettered as conflicts")
          .isZero();
    }
  }

  /** The client's stream: fixed bodies and times, so a replay sends the very same records. */
  private static List<ExportLogsServiceRequest> stream() {
    List<ExportLogsServiceRequest> out = new ArrayList<>();
    for (int q = 0; q < REQUESTS; q++) {
      ScopeLogs.Builder scope = ScopeLogs.newBuilder();
      for (int i = 0; i < PER_REQUEST; i++) {
        long time = T0 + (long) (q * PER_REQUEST + i) * 1_000_000L;
        scope.addLogRecords(
            LogRecord.newBuilder()
                .setTimeUnixNano(time)
                .setObservedTimeUnixNano(time + 5_000_000L)
                .setSeverityNumberValue(9)
                .setSeverityText("INFO")
                .setBody(AnyValue.newBuilder().setStringValue("order " + q + "-" + i + " accepted"))
                .addAttributes(
                    KeyValue.newBuilder()
                        .setKey("request_id")
                        .setValue(AnyValue.newBuilder().setStringValue("req-" + q + "-" + i))));
      }
      out.add(
          ExportLogsServiceRequest.newBuilder()
              .addResourceLogs(
                  ResourceLogs.newBuilder()
                      .setResource(
                          Resource.newBuilder()
                              .addAttributes(
                                  KeyValue.newBuilder()
                                      .setKey("service.name")
                                      .setValue(AnyValue.newBuilder().setStringValue("checkout"))))
                      .addScopeLogs(scope))
              .build());
    }
    return out;
  }

  private static long rows(String url) {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      try (ResultSet r = s.executeQuery("SELECT count(*) FROM enriched_logs")) {
        r.next();
        return r.getLong(1);
      }
    } catch (java.sql.SQLException e) {
      return 0; // the table is created by the agent's first write
    }
  }
}
