package io.stacklens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.it.support.RunningAgent;
import io.stacklens.agent.testing.postgres.PostgresServer;
import io.stacklens.exporter.file.FileRecordsReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The users' pipeline of config-examples/log-enrichment-pipeline.yaml, end to end: the official
 * OpenTelemetry SDK sends JSON log lines over OTLP/gRPC; the agent parses and validates them,
 * enriches them from the GeoIP test databases, a real PostgreSQL product table and a local user
 * profile API that fails for some users, drops debug noise, applies the point-of-sale rules and
 * routes each record: DLQ, alerts, partial, complete. Every destination is read back and checked
 * record by record.
 *
 * <p>Deterministic under CPU load: in the end-to-end case the profile API answers at once (a
 * failing user gets an immediate 503) and the test gives the lookups a generous timeout and batch
 * deadline, so a busy machine cannot turn a success into a timeout; the timeout itself is checked
 * on its own, with the example's 300 ms timeout against a user the API never answers, so the
 * timeout is certain.
 */
class LogEnrichmentPipelineTest {
  private static final Path EXAMPLE =
      Path.of("")
          .toAbsolutePath()
          .resolve("../config-examples/log-enrichment-pipeline.yaml")
          .normalize();
  private static final Path TESTDATA =
      Path.of("").toAbsolutePath().resolve("../testdata").normalize();
  private static final AttributeKey<String> SEQ = AttributeKey.stringKey("seq");

  @TempDir Path dir;
  private HttpServer profiles;
  private final Map<String, AtomicInteger> profileCalls = new ConcurrentHashMap<>();

  /** Holds the answers to "silent-" users until the test is over: they never come in time. */
  private final CountDownLatch testOver = new CountDownLatch(1);

  @BeforeEach
  void startUserProfileApi() throws Exception {
    profiles = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    profiles.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(8));
    profiles.createContext(
        "/users/",
        exchange -> {
          String user = exchange.getRequestURI().getPath().substring("/users/".length());
          profileCalls.computeIfAbsent(user, k -> new AtomicInteger()).incrementAndGet();
          try {
            if (user.startsWith("silent-")) testOver.await(); // never answered while the test runs
            byte[] body;
            int status;
            if (user.startsWith("ghost-")) {
              status = 404;
              body = new byte[0];
            } else if (user.startsWith("down-")) {
              status =
                  503; // at once: a server error, retried, then the source fails for this record
              body = new byte[0];
            } else {
              status = 200;
              body =
                  ("{\"name\":\"User " + user + "\",\"tier\":\"gold\",\"internal\":{\"score\":7}}")
                      .getBytes(StandardCharsets.UTF_8);
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) exchange.getResponseBody().write(body);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (java.io.IOException e) {
            // the agent gave up on a slow answer and closed the connection
          } finally {
            exchange.close();
          }
        });
    profiles.start();
  }

  @AfterEach
  void stopUserProfileApi() {
    testOver.countDown();
    profiles.stop(0);
  }

  /**
   * The example's config for this test: ports free, files in the temp dir, and the user profile
   * source's {@code timeout} and the enrichment {@code batch_deadline} as given.
   */
  private String exampleConfig(String profileTimeout, String batchDeadline) throws Exception {
    String yaml =
        Files.readString(EXAMPLE)
            .replaceAll("\\b127\\.0\\.0\\.1:(4317|4318|8888)\\b", "127.0.0.1:0")
            .replace("./data", dir.toAbsolutePath().toString());
    assertThat(yaml)
        .as("the example's settings this test overrides")
        .contains("timeout: 300ms", "batch_deadline: 1s");
    return yaml.replace("timeout: 300ms", "timeout: " + profileTimeout)
        .replace("batch_deadline: 1s", "batch_deadline: " + batchDeadline);
  }

  private Map<String, String> environment() throws Exception {
    PostgresServer pg = PostgresServer.shared();
    String db = pg.createUniqueDatabase("shop");
    try (Connection c = DriverManager.getConnection(db);
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE products (product_id text PRIMARY KEY, name text NOT NULL, price numeric(10,2), category text)");
      s.execute(
          "INSERT INTO products VALUES ('p-1', 'Espresso beans', 12.50, 'coffee'), ('p-2', 'Milk frother', 39.99, 'tools')");
    }
    Map<String, String> env = new HashMap<>();
    env.put("STACKLENS_TESTDATA", TESTDATA.toString());
    env.put("PRODUCTS_DB_URL", PostgresServer.withoutParameters(db));
    env.put("PRODUCTS_DB_USER", pg.user());
    env.put("PRODUCTS_DB_PASSWORD", pg.password() == null ? "" : pg.password());
    env.put("USER_PROFILE_URL", "http://127.0.0.1:" + profiles.getAddress().getPort() + "/users");
    env.put("DEPLOYMENT_ENVIRONMENT", "e2e");
    return env;
  }

  @Test
  void everyRecordLandsWhereItBelongsEnrichedOrTagged() throws Exception {
    // Generous limits: every source answers at once, so on a busy machine a lookup is slow, never
    // failed.
    String yaml = exampleConfig("10s", "30s");
    try (RunningAgent agent = RunningAgent.start(RunningAgent.load(yaml, environment()))) {
      send(
          agent,
          List.of(
              // 1: valid, every source answers -> complete, fully enriched
              new Line(
                  "1",
                  Severity.INFO,
                  json(
                      "2026-11-23T10:15:30.123Z",
                      "info",
                      " Checkout ",
                      "paid",
                      "u-1",
                      "81.2.69.142",
                      "p-1",
                      null)),
              // 2: the profile API fails for this user (503) -> partial, tagged with the failing
              // source
              new Line(
                  "2",
                  Severity.INFO,
                  json(
                      "2026-11-23T10:15:31Z",
                      "WARNING",
                      "checkout",
                      "api down",
                      "down-9",
                      "1.128.0.1",
                      "p-2",
                      null)),
              // 3: not JSON -> DLQ with parse.error
              new Line("3", Severity.INFO, "GET /health 200 OK"),
              // 4: JSON without the required service field -> DLQ (schema)
              new Line(
                  "4",
                  Severity.INFO,
                  "{\"timestamp\":\"2026-11-23T10:15:32Z\",\"level\":\"error\",\"message\":\"no service\"}"),
              // 5: a point-of-sale error -> alert (and complete: all sources answered)
              new Line(
                  "5",
                  Severity.INFO,
                  json(
                      "2026-11-23T10:15:33Z",
                      "Err",
                      "pos-terminal",
                      "no price",
                      "u-2",
                      "89.160.20.112",
                      "p-2",
                      "PRICE_MISSING")),
              // 6: debug noise -> dropped by the filter, counted
              new Line(
                  "6",
                  Severity.INFO,
                  json(
                      "2026-11-23T10:15:34Z",
                      "debug",
                      "checkout",
                      "cache warm",
                      "u-1",
                      "8.8.8.8",
                      "p-1",
                      null)),
              // 7: unknown product, unknown user, private IP: misses are not errors -> complete
              new Line(
                  "7",
                  Severity.INFO,
                  json(
                      "2026-11-23T10:15:35Z",
                      "info",
                      "inventory",
                      "restock",
                      "ghost-1",
                      "10.0.0.7",
                      "p-404",
                      "DATABASE_TIMEOUT"))));

      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                long sent = agent.metrics().counterSum("stacklens_exporter_sent_records_total");
                assertThat(sent)
                    .as("records written by the file exporters")
                    .isEqualTo(8); // 6 kept; #5 and #7 also go to alerts
              });
      agent.stop(); // flushes the files

      Map<String, LogRecord> complete = bySeq(dir.resolve("complete.jsonl"));
      Map<String, LogRecord> partial = bySeq(dir.resolve("partial.jsonl"));
      Map<String, LogRecord> dlq = bySeq(dir.resolve("dlq.jsonl"));
      Map<String, LogRecord> alerts = bySeq(dir.resolve("alerts.jsonl"));
      assertThat(complete).containsOnlyKeys("1", "5", "7");
      assertThat(partial).containsOnlyKeys("2");
      assertThat(dlq).containsOnlyKeys("3", "4");
      assertThat(alerts).containsOnlyKeys("5", "7");

      LogRecord one = complete.get("1");
      assertThat(one.attributes().get("service")).isEqualTo("checkout"); // trimmed, lower-cased
      assertThat(one.severityNumber()).isEqualTo(9);
      assertThat(one.timeUnixNano()).isEqualTo(1_795_428_930_123_000_000L);
      assertThat(one.attributes().get("geo.country.iso_code")).isEqualTo("GB");
      assertThat(one.attributes().get("geo.city.name")).isEqualTo("London");
      assertThat(one.attributes().get("product.name")).isEqualTo("Espresso beans");
      assertThat(one.attributes().get("product.price")).isEqualTo(12.5);
      assertThat(one.attributes().get("user.name")).isEqualTo("User u-1");
      assertThat(one.attributes().get("user.tier")).isEqualTo("gold");
      assertThat(one.attributes().get("enrichment.errors")).isNull();
      assertThat(one.attributes().get("enrichment.sources"))
          .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
          .contains("geoip", "products", "user_profile");

      LogRecord two = partial.get("2");
      assertThat(two.severityNumber()).isEqualTo(13);
      assertThat(two.attributes().get("as.number")).isEqualTo(1221L);
      assertThat(two.attributes().get("product.name")).isEqualTo("Milk frother");
      assertThat(two.attributes().get("user.name")).isNull();
      assertThat(two.attributes().get("enrichment.errors"))
          .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
          .singleElement()
          .isEqualTo("user_profile: http status 503");

      assertThat((String) dlq.get("3").attributes().get("parse.error")).startsWith("json: ");
      assertThat((String) dlq.get("4").attributes().get("parse.error"))
          .isEqualTo("schema: required field \"service\" is missing");

      LogRecord five = alerts.get("5");
      assertThat(five.attributes().get("alert.issue_code")).isEqualTo("PRICE_MISSING");
      assertThat(five.attributes().get("alert.severity")).isEqualTo("critical");
      assertThat(five.attributes().get("alert.suggested_fix"))
          .isEqualTo("Check product pricing configuration");
      assertThat(five.attributes().get("alert.confidence")).isEqualTo(0.95);
      assertThat(five.severityNumber()).isEqualTo(17);
      assertThat(five.attributes().get("geo.country.iso_code")).isEqualTo("SE");

      LogRecord seven = complete.get("7");
      assertThat(alerts.get("7").attributes().get("alert.issue_code")).isEqualTo("DATABASE_ERROR");
      assertThat(seven.attributes().get("product.name")).isNull();
      assertThat(seven.attributes().get("user.name")).isNull();
      assertThat(seven.attributes().get("geo.country.iso_code")).isNull();
      assertThat(seven.attributes().get("enrichment.errors")).isNull();

      assertThat(
              agent
                  .metrics()
                  .counterValue(
                      ComponentContext.PROCESSOR_DROPPED,
                      "processor",
                      "filter/noise",
                      "pipeline",
                      "logs",
                      "reason",
                      "excluded"))
          .isEqualTo(1);
      assertThat(profileCalls.get("u-1").get())
          .as("u-1 looked up once: cached for record 6")
          .isEqualTo(1);
      assertThat(profileCalls.get("down-9").get())
          .as("a server error is retried once (retry.max_retries: 1)")
          .isEqualTo(2);
    }
  }

  @Test
  void aProfileApiThatNeverAnswersTimesOutAndTheRecordStillLandsTagged() throws Exception {
    // The example's own 300 ms timeout against an API that never answers: the timeout is certain.
    // The
    // batch deadline is generous, so it is the source's timeout that ends the lookup, and the other
    // sources still answer however busy the machine is.
    String yaml = exampleConfig("300ms", "30s");
    try (RunningAgent agent = RunningAgent.start(RunningAgent.load(yaml, environment()))) {
      send(
          agent,
          List.of(
              new Line(
                  "8",
                  Severity.INFO,
                  json(
                      "2026-11-23T10:15:36Z",
                      "info",
                      "checkout",
                      "silent api",
                      "silent-1",
                      "1.128.0.1",
                      "p-2",
                      null))));

      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(agent.metrics().counterSum("stacklens_exporter_sent_records_total"))
                      .isEqualTo(1));
      agent.stop();

      assertThat(bySeq(dir.resolve("complete.jsonl"))).isEmpty();
      assertThat(bySeq(dir.resolve("dlq.jsonl"))).isEmpty();
      Map<String, LogRecord> partial = bySeq(dir.resolve("partial.jsonl"));
      assertThat(partial).containsOnlyKeys("8");
      LogRecord eight = partial.get("8");
      assertThat(eight.attributes().get("enrichment.errors"))
          .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
          .singleElement()
          .asString()
          .as("a response timeout, or a connect timeout if the machine is too busy even to connect")
          .matches("user_profile: (connect )?timeout after 300ms");
      assertThat(eight.attributes().get("user.name")).isNull();
      assertThat(eight.attributes().get("product.name"))
          .as("the other sources still enrich")
          .isEqualTo("Milk frother");
      assertThat(eight.attributes().get("as.number")).isEqualTo(1221L);
    }
  }

  private record Line(String seq, Severity severity, String body) {}

  private static String json(
      String ts,
      String level,
      String service,
      String message,
      String user,
      String ip,
      String product,
      String errorCode) {
    return "{\"timestamp\":\""
        + ts
        + "\",\"level\":\""
        + level
        + "\",\"service\":\""
        + service
        + "\",\"message\":\""
        + message
        + "\",\"user_id\":\""
        + user
        + "\",\"client_ip\":\""
        + ip
        + "\",\"product_id\":\""
        + product
        + "\""
        + (errorCode == null ? "" : ",\"error_code\":\"" + errorCode + "\"")
        + "}";
  }

  private static void send(RunningAgent agent, List<Line> lines) throws Exception {
    OtlpGrpcLogRecordExporter exporter =
        OtlpGrpcLogRecordExporter.builder()
            .setEndpoint("http://127.0.0.1:" + agent.grpcPort())
            .build();
    SdkLoggerProvider loggers =
        SdkLoggerProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(
                        Resource.create(
                            Attributes.of(AttributeKey.stringKey("service.name"), "shop"))))
            .addLogRecordProcessor(
                BatchLogRecordProcessor.builder(exporter)
                    .setScheduleDelay(Duration.ofMillis(50))
                    .build())
            .build();
    try {
      for (Line l : lines) {
        loggers
            .get("shop.app")
            .logRecordBuilder()
            .setBody(l.body())
            .setSeverity(l.severity())
            .setAttribute(SEQ, l.seq())
            .emit();
      }
      assertThat(loggers.forceFlush().join(10, TimeUnit.SECONDS).isSuccess())
          .as("SDK export succeeded")
          .isTrue();
    } finally {
      loggers.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  private static Map<String, LogRecord> bySeq(Path file) throws Exception {
    Map<String, LogRecord> out = new HashMap<>();
    if (!Files.exists(file)) return out;
    LogsBatch batch = FileRecordsReader.readAllLogs(file);
    List<LogRecord> records = new ArrayList<>();
    batch.forEachRecord(records::add);
    for (LogRecord r : records) out.put((String) r.attributes().get("seq"), r);
    return out;
  }
}
