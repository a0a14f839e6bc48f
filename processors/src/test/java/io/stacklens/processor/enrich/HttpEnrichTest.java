package io.stacklens.processor.enrich;

import static io.stacklens.processor.enrich.Fixtures.batchWith;
import static io.stacklens.processor.enrich.Fixtures.counter;
import static io.stacklens.processor.enrich.Fixtures.only;
import static io.stacklens.processor.enrich.Fixtures.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.processor.enrich.TestApi.Reply;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The http source against a real local HTTP server. */
class HttpEnrichTest {
  private TestApi api;
  private final MetricsRegistry metrics = new MetricsRegistry();
  private EnrichProcessor processor;

  @BeforeEach
  void setUp() throws Exception {
    api = new TestApi();
  }

  @AfterEach
  void tearDown() {
    if (processor != null) processor.shutdown(Instant.now().plusSeconds(2));
    api.close();
  }

  private EnrichProcessorConfig config(EnrichProcessorConfig.HttpSettings... sources) {
    EnrichProcessorConfig c = new EnrichProcessorConfig();
    c.http = List.of(sources);
    c.batchDeadline = Duration.ofSeconds(2);
    return c;
  }

  private EnrichProcessorConfig.HttpSettings profile() {
    EnrichProcessorConfig.HttpSettings h = Fixtures.http("user_profile", api.url());
    h.retry.initialBackoff = Duration.ofMillis(5);
    h.retry.maxBackoff = Duration.ofMillis(20);
    h.timeout = Duration.ofSeconds(5); // the first request of a cold JVM can take a few hundred ms
    return h;
  }

  private EnrichProcessor start(EnrichProcessorConfig c) {
    processor = Fixtures.processor(c, metrics);
    return processor;
  }

  @Test
  void mapsChosenJsonFieldsIncludingNestedOnes() {
    api.behave(
        k ->
            Reply.json(
                "{\"name\":\"Ada\",\"account\":{\"tier\":\"gold\",\"limits\":{\"daily\":500}},"
                    + "\"score\":4.5,\"active\":true,\"tags\":[\"a\",\"b\"],\"ignored\":1}"));
    EnrichProcessorConfig.HttpSettings h = profile();
    h.fields =
        Map.of(
            "name",
            "user.name",
            "account.tier",
            "user.tier",
            "account.limits.daily",
            "user.daily_limit",
            "score",
            "user.score",
            "active",
            "user.active",
            "tags",
            "user.tags",
            "account.missing",
            "user.missing");
    LogsBatch b = batchWith("user_id", "u1");
    start(config(h)).process(b);

    Attributes a = only(b).attributes();
    assertThat(a.get("user.name")).isEqualTo("Ada");
    assertThat(a.get("user.tier")).isEqualTo("gold");
    assertThat(a.get("user.daily_limit")).isEqualTo(500L);
    assertThat(a.get("user.score")).isEqualTo(4.5);
    assertThat(a.get("user.active")).isEqualTo(true);
    assertThat(a.get("user.tags")).isEqualTo(List.of("a", "b"));
    assertThat(a.contains("user.missing")).isFalse();
    assertThat(a.contains("ignored")).isFalse();
    assertThat(a.get(EnrichProcessor.SOURCES)).isEqualTo(List.of("user_profile"));
    assertThat(a.contains(EnrichProcessor.ERRORS)).isFalse();
    assertThat(api.rawPaths).containsExactly("/users/u1");
  }

  @Test
  void withoutFieldsAddsEveryTopLevelScalarWithThePrefix() {
    api.behave(
        k ->
            Reply.json(
                "{\"name\":\"Ada\",\"age\":36,\"nested\":{\"x\":1},\"list\":[1],\"nothing\":null}"));
    EnrichProcessorConfig.HttpSettings defaultPrefix = profile();
    EnrichProcessorConfig.HttpSettings ownPrefix = Fixtures.http("other", api.url());
    ownPrefix.prefix = "u_";
    LogsBatch b = batchWith("user_id", "u1");
    start(config(defaultPrefix, ownPrefix)).process(b);

    Attributes a = only(b).attributes();
    assertThat(a.get("user_profile.name")).isEqualTo("Ada");
    assertThat(a.get("user_profile.age")).isEqualTo(36L);
    assertThat(a.get("u_name")).isEqualTo("Ada");
    assertThat(a.contains("user_profile.nested")).isFalse();
    assertThat(a.contains("user_profile.list")).isFalse();
    assertThat(a.contains("user_profile.nothing")).isFalse();
    assertThat(a.get(EnrichProcessor.SOURCES)).isEqualTo(List.of("user_profile", "other"));
  }

  @Test
  void keyIsUrlEncodedAndTemplatesAndHeadersWork() {
    EnrichProcessorConfig.HttpSettings h = profile();
    h.url = api.url() + "/{key}/profile?v=1";
    h.headers = Map.of("Authorization", "Bearer s3cret", "X-Team", "obs");
    api.behave(k -> Reply.json("{\"ok\":true}"));
    LogsBatch b = batchWith("user_id", "a b/ä?");
    start(config(h)).process(b);

    assertThat(api.rawPaths).containsExactly("/users/a%20b%2F%C3%A4%3F/profile");
    Map<String, List<String>> headers = api.requestHeaders.get(0);
    assertThat(headers.get("Authorization")).containsExactly("Bearer s3cret");
    assertThat(headers.get("X-team")).containsExactly("obs");
    assertThat(headers.get("Accept")).containsExactly("application/json");
    assertThat(only(b).attributes().get("user_profile.ok")).isEqualTo(true);
  }

  @Test
  void distinctKeysAreLookedUpOncePerBatchAndThenServedFromTheCache() {
    LogsBatch b = batchWith("user_id", "u1", "u2", "u1", "u1", "u2", "u3");
    start(config(profile())).process(b);
    assertThat(api.calls("u1")).isEqualTo(1);
    assertThat(api.calls("u2")).isEqualTo(1);
    assertThat(api.totalCalls()).isEqualTo(3);
    for (LogRecord r : records(b)) {
      assertThat(r.attributes().get("user_profile.id")).isEqualTo(r.attributes().get("user_id"));
    }

    LogsBatch again = batchWith("user_id", "u1", "u2", "u3");
    processor.process(again);
    assertThat(api.totalCalls()).as("second batch answered from the cache").isEqualTo(3);
    assertThat(records(again))
        .allSatisfy(
            r ->
                assertThat(r.attributes().get(EnrichProcessor.SOURCES))
                    .isEqualTo(List.of("user_profile")));
    assertThat(counter(metrics, SourceMetrics.CACHE_HITS, "user_profile")).isEqualTo(3);
    assertThat(counter(metrics, SourceMetrics.CACHE_MISSES, "user_profile")).isEqualTo(3);
    assertThat(counter(metrics, SourceMetrics.LOOKUPS, "user_profile")).isEqualTo(3);
    assertThat(metrics.snapshot().get(SourceMetrics.LATENCY).get(0).get("count")).isEqualTo(3L);
  }

  @Test
  void cacheEntriesExpireAfterTheTtl() throws Exception {
    EnrichProcessorConfig.HttpSettings h = profile();
    h.cache.ttl = Duration.ofMillis(150);
    start(config(h)).process(batchWith("user_id", "u1"));
    processor.process(batchWith("user_id", "u1"));
    assertThat(api.calls("u1")).isEqualTo(1);
    Thread.sleep(250);
    processor.process(batchWith("user_id", "u1"));
    assertThat(api.calls("u1")).as("looked up again after the ttl").isEqualTo(2);
  }

  @Test
  void notFoundIsAMissNotAnErrorAndIsNegativelyCached() throws Exception {
    api.behave(k -> Reply.status(404));
    EnrichProcessorConfig.HttpSettings h = profile();
    h.cache.negativeTtl = Duration.ofMillis(200);
    LogsBatch b = batchWith("user_id", "ghost");
    start(config(h)).process(b);
    assertThat(only(b).attributes().contains(EnrichProcessor.SOURCES)).isFalse();
    assertThat(only(b).attributes().contains(EnrichProcessor.ERRORS)).isFalse();
    assertThat(counter(metrics, SourceMetrics.NOT_FOUND, "user_profile", "not_found")).isEqualTo(1);
    assertThat(api.calls("ghost")).as("404 is not retried").isEqualTo(1);

    processor.process(batchWith("user_id", "ghost"));
    assertThat(api.calls("ghost")).as("negative cache").isEqualTo(1);
    Thread.sleep(300);
    processor.process(batchWith("user_id", "ghost"));
    assertThat(api.calls("ghost")).as("negative ttl expired").isEqualTo(2);
  }

  @Test
  void serverErrorsAreRetriedWithBackoffUntilTheySucceed() {
    AtomicInteger n = new AtomicInteger();
    api.behave(
        k -> n.incrementAndGet() <= 2 ? Reply.status(503) : Reply.json("{\"name\":\"Ada\"}"));
    LogsBatch b = batchWith("user_id", "u1");
    start(config(profile())).process(b);
    assertThat(api.calls("u1")).isEqualTo(3);
    assertThat(only(b).attributes().get("user_profile.name")).isEqualTo("Ada");
    assertThat(only(b).attributes().contains(EnrichProcessor.ERRORS)).isFalse();
  }

  @Test
  void persistentServerErrorsTagTheRecordAfterTheRetriesAndAreNotCached() {
    api.behave(k -> Reply.status(500));
    EnrichProcessorConfig.HttpSettings h = profile();
    h.retry.maxRetries = 3;
    h.circuitBreaker.enabled = false;
    LogsBatch b = batchWith("user_id", "u1", "u1");
    start(config(h)).process(b);
    assertThat(api.calls("u1")).isEqualTo(4);
    for (LogRecord r : records(b)) {
      assertThat(r.attributes().get(EnrichProcessor.ERRORS))
          .isEqualTo(List.of("user_profile: http status 500"));
      assertThat(r.attributes().contains(EnrichProcessor.SOURCES)).isFalse();
      assertThat(r.body()).isEqualTo("hello");
    }
    assertThat(counter(metrics, SourceMetrics.ERRORS, "user_profile", "http_status")).isEqualTo(1);
    processor.process(batchWith("user_id", "u1"));
    assertThat(api.calls("u1")).as("errors are not cached").isEqualTo(8);
  }

  @Test
  void clientErrorsAndBadJsonAreErrorsWithoutRetries() {
    api.behave(
        k ->
            switch (k) {
              case "forbidden" -> Reply.status(403);
              case "text" -> new Reply(200, "<html>oops</html>", 0);
              case "array" -> Reply.json("[1,2]");
              case "empty" -> new Reply(200, "", 0);
              case "truncated" -> Reply.json("{\"name\":\"Ad");
              default -> Reply.json("{}");
            });
    LogsBatch b = batchWith("user_id", "forbidden", "text", "array", "empty", "truncated", "fine");
    start(config(profile())).process(b);
    List<LogRecord> r = records(b);
    assertThat(r.get(0).attributes().get(EnrichProcessor.ERRORS))
        .isEqualTo(List.of("user_profile: http status 403"));
    assertThat((List<?>) r.get(1).attributes().get(EnrichProcessor.ERRORS))
        .singleElement()
        .asString()
        .startsWith("user_profile: bad response: invalid JSON");
    assertThat(r.get(2).attributes().get(EnrichProcessor.ERRORS))
        .isEqualTo(
            List.of(
                "user_profile: bad response: invalid JSON at line 1, column 1 (byte 0): expected a JSON object, got an array"));
    assertThat(r.get(3).attributes().get(EnrichProcessor.ERRORS))
        .isEqualTo(
            List.of(
                "user_profile: bad response: invalid JSON at line 1, column 1 (byte 0): no JSON value (the input is empty)"));
    assertThat((List<?>) r.get(4).attributes().get(EnrichProcessor.ERRORS))
        .singleElement()
        .asString()
        .startsWith("user_profile: bad response: invalid JSON");
    assertThat(r.get(5).attributes().get(EnrichProcessor.SOURCES))
        .as("an empty object is a success")
        .isEqualTo(List.of("user_profile"));
    for (String k : List.of("forbidden", "text", "array", "empty", "truncated"))
      assertThat(api.calls(k)).as(k).isEqualTo(1);
    assertThat(counter(metrics, SourceMetrics.ERRORS, "user_profile", "bad_response")).isEqualTo(4);
  }

  @Test
  void aSlowSourcePassesRecordsThroughAtTheDeadlineAndFillsTheCacheForLaterBatches() {
    api.behave(k -> Reply.json("{\"name\":\"slow\"}").delayed(600));
    EnrichProcessorConfig.HttpSettings h = profile();
    h.timeout = Duration.ofSeconds(2);
    EnrichProcessorConfig c = config(h);
    c.batchDeadline = Duration.ofMillis(100);
    start(c);
    LogsBatch b = batchWith("user_id", "u1", "u1");
    long t0 = System.nanoTime();
    processor.process(b);
    long tookMs = (System.nanoTime() - t0) / 1_000_000;
    assertThat(tookMs).as("the worker waits at most the deadline").isBetween(90L, 400L);
    assertThat(records(b))
        .hasSize(2)
        .allSatisfy(
            r -> {
              assertThat(r.attributes().get(EnrichProcessor.ERRORS))
                  .isEqualTo(List.of("user_profile: timeout after 100ms"));
              assertThat(r.attributes().contains("user_profile.name")).isFalse();
            });
    assertThat(counter(metrics, SourceMetrics.ERRORS, "user_profile", "deadline")).isEqualTo(1);

    // The next batch asks while the lookup is still running: it is not started twice.
    processor.process(batchWith("user_id", "u1"));
    assertThat(api.calls("u1")).isEqualTo(1);

    await()
        .atMost(Duration.ofSeconds(3))
        .until(() -> processor.source("user_profile").cache.size() == 1);
    LogsBatch later = batchWith("user_id", "u1");
    processor.process(later);
    assertThat(only(later).attributes().get("user_profile.name")).isEqualTo("slow");
    assertThat(only(later).attributes().contains(EnrichProcessor.ERRORS)).isFalse();
    assertThat(api.calls("u1")).isEqualTo(1);
  }

  @Test
  void requestTimeoutIsAnErrorNamingTheTimeout() {
    api.behave(k -> Reply.json("{}").delayed(1000));
    EnrichProcessorConfig.HttpSettings h = profile();
    h.timeout = Duration.ofMillis(100);
    h.retry.maxRetries = 1;
    h.circuitBreaker.enabled = false;
    LogsBatch b = batchWith("user_id", "u1");
    start(config(h)).process(b);
    assertThat(only(b).attributes().get(EnrichProcessor.ERRORS))
        .isEqualTo(List.of("user_profile: timeout after 100ms"));
    assertThat(api.calls("u1")).as("a timeout is retried").isEqualTo(2);
    assertThat(counter(metrics, SourceMetrics.ERRORS, "user_profile", "timeout")).isEqualTo(1);
  }

  @Test
  void connectionRefusedTagsTheRecordAndTheRecordStillFlows() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    EnrichProcessorConfig.HttpSettings h =
        Fixtures.http("stores", "http://127.0.0.1:" + port + "/stores");
    h.retry.maxRetries = 1;
    h.retry.initialBackoff = Duration.ofMillis(5);
    LogsBatch b = batchWith("user_id", "s1");
    start(config(h)).process(b);
    assertThat(only(b).attributes().get(EnrichProcessor.ERRORS))
        .isEqualTo(List.of("stores: connection refused"));
    assertThat(counter(metrics, SourceMetrics.ERRORS, "stores", "connection_refused")).isEqualTo(1);

    // What routing relies on: the tag exists on the failed record only.
    io.stacklens.agent.expr.Condition failed =
        io.stacklens.agent.expr.Conditions.compile("enrichment.errors exists");
    var ctx = new io.stacklens.agent.expr.LogContext();
    var rl = b.resourceLogs().get(0);
    assertThat(failed.test(ctx.set(rl, rl.scopeLogs().get(0), only(b)))).isTrue();
    LogsBatch clean = batchWith("other", "x");
    processor.process(clean);
    var rl2 = clean.resourceLogs().get(0);
    assertThat(failed.test(ctx.set(rl2, rl2.scopeLogs().get(0), only(clean)))).isFalse();
  }

  @Test
  void circuitOpensAfterFailuresThenProbesHalfOpenAndClosesOnSuccess() throws Exception {
    AtomicBoolean healthy = new AtomicBoolean(false);
    api.behave(k -> healthy.get() ? Reply.json("{\"name\":\"" + k + "\"}") : Reply.status(500));
    EnrichProcessorConfig.HttpSettings h = profile();
    h.retry.maxRetries = 0;
    h.circuitBreaker.minimumCalls = 4;
    h.circuitBreaker.windowSize = 10;
    h.circuitBreaker.failureRatio = 0.5;
    h.circuitBreaker.openDuration = Duration.ofMillis(300);
    start(config(h));
    String gauge = SourceMetrics.CIRCUIT_STATE;
    String[] labels = {"processor", "enrich", "pipeline", "logs", "source", "user_profile"};
    assertThat(metrics.gaugeValue(gauge, labels)).isEqualTo(0.0);

    // Three failures: below minimum_calls, still closed.
    processor.process(batchWith("user_id", "a", "b", "c"));
    assertThat(api.totalCalls()).isEqualTo(3);
    assertThat(metrics.gaugeValue(gauge, labels)).isEqualTo(0.0);
    // The fourth failure opens it.
    processor.process(batchWith("user_id", "d"));
    assertThat(api.totalCalls()).isEqualTo(4);
    assertThat(metrics.gaugeValue(gauge, labels)).isEqualTo(2.0);

    // Open: no calls, records pass through tagged.
    LogsBatch open = batchWith("user_id", "e", "f");
    processor.process(open);
    assertThat(api.totalCalls()).isEqualTo(4);
    assertThat(records(open))
        .allSatisfy(
            r ->
                assertThat(r.attributes().get(EnrichProcessor.ERRORS))
                    .isEqualTo(List.of("user_profile: circuit open")));
    assertThat(counter(metrics, SourceMetrics.ERRORS, "user_profile", "circuit_open")).isEqualTo(2);

    // After the wait, one probe goes through; it fails: open again.
    Thread.sleep(350);
    processor.process(batchWith("user_id", "g", "h", "i"));
    assertThat(api.totalCalls()).as("only one probe while half-open").isEqualTo(5);
    assertThat(metrics.gaugeValue(gauge, labels)).isEqualTo(2.0);

    // The source recovers: the next probe succeeds and closes the circuit.
    healthy.set(true);
    Thread.sleep(350);
    LogsBatch probe = batchWith("user_id", "j");
    processor.process(probe);
    assertThat(only(probe).attributes().get("user_profile.name")).isEqualTo("j");
    assertThat(metrics.gaugeValue(gauge, labels)).isEqualTo(0.0);
    LogsBatch closed = batchWith("user_id", "k", "l", "m");
    processor.process(closed);
    assertThat(records(closed))
        .allSatisfy(
            r ->
                assertThat(r.attributes().get(EnrichProcessor.SOURCES))
                    .isEqualTo(List.of("user_profile")));
    assertThat(api.totalCalls()).isEqualTo(9);
  }

  @Test
  void distinctKeysAreLookedUpInParallelWithinTheDeadline() {
    api.behave(k -> Reply.json("{\"name\":\"" + k + "\"}").delayed(300));
    EnrichProcessorConfig c = config(profile());
    c.lookupThreads = 8;
    c.batchDeadline = Duration.ofSeconds(2);
    start(c);
    String[] keys = new String[80];
    for (int i = 0; i < keys.length; i++) keys[i] = "u" + (i % 8);
    LogsBatch b = batchWith("user_id", keys);
    long t0 = System.nanoTime();
    processor.process(b);
    long tookMs = (System.nanoTime() - t0) / 1_000_000;
    assertThat(api.totalCalls()).as("one call per distinct key").isEqualTo(8);
    assertThat(tookMs)
        .as("8 lookups of 300ms each took %d ms: in parallel, not 2400ms", tookMs)
        .isLessThan(1200);
    assertThat(api.maxConcurrent()).isGreaterThan(1);
    assertThat(records(b))
        .allSatisfy(
            r ->
                assertThat(r.attributes().get("user_profile.name"))
                    .isEqualTo(r.attributes().get("user_id")));
  }

  @Test
  void theThreadPoolBoundsConcurrencyAndAFullQueueIsAnError() {
    api.behave(k -> Reply.json("{}").delayed(200));
    EnrichProcessorConfig c = config(profile());
    c.lookupThreads = 2;
    c.lookupQueueSize = 2;
    c.batchDeadline = Duration.ofSeconds(3);
    start(c);
    LogsBatch b = batchWith("user_id", "k1", "k2", "k3", "k4", "k5", "k6");
    processor.process(b);
    assertThat(api.maxConcurrent()).isLessThanOrEqualTo(2);
    List<LogRecord> r = records(b);
    long overloaded =
        r.stream()
            .filter(
                x ->
                    List.of("user_profile: overloaded: lookup queue full")
                        .equals(x.attributes().get(EnrichProcessor.ERRORS)))
            .count();
    assertThat(overloaded).isEqualTo(2);
    assertThat(counter(metrics, SourceMetrics.ERRORS, "user_profile", "overloaded")).isEqualTo(2);
    assertThat(api.totalCalls()).isEqualTo(4);
  }

  @Test
  void recordsWithoutTheKeyAreLeftAloneAndNumbersAreKeys() {
    LogsBatch b =
        Fixtures.batch(
            Attributes.of("other", "x"),
            Attributes.of("user_id", 42L),
            Attributes.of("user_id", ""));
    start(config(profile())).process(b);
    List<LogRecord> r = records(b);
    assertThat(r.get(0).attributes().size()).isEqualTo(1);
    assertThat(r.get(1).attributes().get("user_profile.id")).isEqualTo("42");
    assertThat(r.get(2).attributes().contains(EnrichProcessor.SOURCES)).isFalse();
    assertThat(api.totalCalls()).isEqualTo(1);
  }

  @Test
  void shutdownStopsTheLookupThreads() {
    api.behave(k -> Reply.json("{}").delayed(2000));
    EnrichProcessorConfig c = config(profile());
    c.batchDeadline = Duration.ofMillis(50);
    start(c).process(batchWith("user_id", "u1"));
    long t0 = System.nanoTime();
    processor.shutdown(Instant.now().plusSeconds(5));
    assertThat((System.nanoTime() - t0) / 1_000_000)
        .as("in-flight lookups are interrupted")
        .isLessThan(1500);
    processor.shutdown(Instant.now().plusSeconds(1)); // idempotent
    processor = null;
  }
}
