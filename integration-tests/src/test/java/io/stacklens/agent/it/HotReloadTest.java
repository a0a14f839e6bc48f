package io.stacklens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.stacklens.agent.config.ConfigProblem;
import io.stacklens.agent.it.support.AgentProcess;
import io.stacklens.agent.it.support.Configs;
import io.stacklens.agent.it.support.Http1Connection;
import io.stacklens.agent.it.support.IdClients;
import io.stacklens.agent.it.support.PrometheusText;
import io.stacklens.agent.it.support.RawHttp;
import io.stacklens.agent.it.support.RunningAgent;
import io.stacklens.agent.runtime.ReloadResult;
import io.stacklens.agent.runtime.ShutdownLoss;
import io.stacklens.agent.testing.Ports;
import io.stacklens.exporter.file.FileRecordsReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload ({@code POST /reload}, {@link io.stacklens.agent.runtime.Agent#reload()}, SIGHUP) of
 * an agent started from a config file: under load nothing acknowledged is lost or written twice and
 * each record is processed by the config in force when it was sent; an unchanged receiver keeps its
 * connections; an invalid config, or a change only a restart applies, is refused and the running
 * config goes on; a config whose components cannot start fails the reload (409) without leaving
 * parts of it behind; {@code /reload} is guarded like the rest of the admin endpoint.
 */
class HotReloadTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);
  private static final String TOKEN = "reload-tok-5e1c09";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient ADMIN =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  @TempDir Path dir;

  // ---------------------------------------------------------------------------------------------
  // The config file

  /**
   * The config file the tests rewrite: OTLP/HTTP receiver -> {@code transform/tag} (sets {@code
   * attributes["v"]}) -> {@code file} (and {@code file/2}, and more, when asked for). The line of
   * {@code transform/tag}'s {@code actions} is {@link #ACTIONS_LINE}.
   */
  private final class Cfg {
    int httpPort;
    String value = "one";
    String flushTimeout = "20ms";
    boolean second;
    final Map<String, Path> more = new java.util.LinkedHashMap<>();
    String processorExtra = "";
    String actionsTail = "";
    String telemetry = "endpoint: 127.0.0.1:0";
    String serviceExtra = "";

    String yaml() {
      List<String> lines = new ArrayList<>();
      lines.add("receivers:");
      lines.add("  otlp:");
      lines.add("    protocols:");
      lines.add("      http: { endpoint: 127.0.0.1:" + httpPort + " }");
      lines.add("processors:");
      lines.add("  transform/tag:");
      lines.add(
          "    actions: [ { action: set, field: 'attributes[\"v\"]', value: "
              + value
              + " } ]"
              + actionsTail);
      if (!processorExtra.isEmpty()) lines.add("    " + processorExtra);
      lines.add("exporters:");
      lines.addAll(fileExporter("file", out1(), flushTimeout));
      if (second) lines.addAll(fileExporter("file/2", out2(), "20ms"));
      more.forEach((id, path) -> lines.addAll(fileExporter(id, path, "20ms")));
      lines.add("service:");
      lines.add("  telemetry: { " + telemetry + " }");
      lines.add("  shutdown_timeout: 20s");
      if (!serviceExtra.isEmpty()) lines.add("  " + serviceExtra);
      lines.add("  pipelines:");
      lines.add(
          "    logs: { receivers: [otlp], processors: [transform/tag], exporters: [file"
              + (second ? ", file/2" : "")
              + more.keySet().stream().map(id -> ", " + id).collect(Collectors.joining())
              + "] }");
      return String.join("\n", lines) + "\n";
    }

    Path write() throws IOException {
      return Files.writeString(file(), yaml());
    }
  }

  /** What a reload that changed only {@code transform/tag}'s settings says it did. */
  private static final String PROCESSOR_CHANGED =
      "pipeline logs: rebuilt (processor transform/tag changed)";

  /** The 1-based line of {@code transform/tag}'s {@code actions} in {@link Cfg#yaml()}. */
  private static final int ACTIONS_LINE = 7;

  private static List<String> fileExporter(String id, Path path, String flushTimeout) {
    return List.of(
        "  " + id + ":",
        "    path: " + Configs.yamlString(path),
        "    format: json_lines",
        "    flush_interval: 0",
        "    batch: { flush_timeout: " + flushTimeout + " }");
  }

  private Path file() {
    return dir.resolve("agent.yaml");
  }

  private Path out1() {
    return dir.resolve("out-1.jsonl");
  }

  private Path out2() {
    return dir.resolve("out-2.jsonl");
  }

  // ---------------------------------------------------------------------------------------------
  // 1. Reload under load

  /** Records of one OTLP request of the load. */
  private static final int PER_REQUEST = 10;

  private static final int CLIENTS = 3;

  /**
   * Three clients send continuously while the file is rewritten and reloaded three times: (a) the
   * processor's value changes, (b) {@code file/2} joins the pipeline, (c) the receiver moves to
   * another port. Afterwards: every acknowledged record is in file 1 and none sent once is there
   * twice; a request acknowledged before (a) began is tagged "one", one first sent after (a)
   * returned "two" (those in flight during (a) may be either); a request whose acknowledged attempt
   * began after (b) returned is in file 2, one acknowledged before (b) began is not.
   */
  @Test
  void reloadsUnderLoadLoseNothingAcknowledgedAndEachRecordIsProcessedByTheConfigItWasSentUnder()
      throws Exception {
    Cfg cfg = new Cfg();
    cfg.write();
    RunningAgent agent = RunningAgent.startFromFile(file());
    AtomicInteger port = new AtomicInteger(agent.httpPort());
    Load load = new Load(port, CLIENTS, PER_REQUEST);
    long aStart;
    long aDone;
    long bStart;
    long bDone;
    long cStart;
    long cDone;
    List<String> hashes = new ArrayList<>();
    List<ShutdownLoss> stopLosses = List.of();
    try {
      await().atMost(WAIT).until(() -> load.acknowledged.size() >= 50);
      hashes.add(health(agent).path("config").path("hash").asText());

      // a. The processor's settings change (v: one -> two), through POST /reload.
      cfg.value = "two";
      cfg.write();
      load.phase = "reload a";
      aStart = System.nanoTime();
      JsonNode a = applied(postReload(agent.adminPort(), null));
      aDone = System.nanoTime();
      load.phase = "after a";
      assertThat(texts(a.path("changes"))).containsExactly(PROCESSOR_CHANGED);
      hashes.add(a.path("config_hash").asText());
      Thread.sleep(1000);
      await().atMost(WAIT).until(() -> load.acknowledgedAfter(aDone) >= 20);

      // b. A second exporter joins the pipeline, through Agent.reload().
      cfg.second = true;
      cfg.write();
      load.phase = "reload b";
      bStart = System.nanoTime();
      ReloadResult b = agent.agent().reload();
      bDone = System.nanoTime();
      load.phase = "after b";
      assertThat(b.outcome())
          .as("%s %s", b.message(), b.problems())
          .isEqualTo(ReloadResult.Outcome.APPLIED);
      assertThat(b.changes())
          .containsExactlyInAnyOrder(
              "exporter file/2: added", "pipeline logs: rebuilt (exporter file/2 added)");
      assertThat(b.losses()).isEmpty();
      hashes.add(agent.agent().configHash());
      Thread.sleep(1000);
      await().atMost(WAIT).until(() -> load.acknowledgedAfter(bDone) >= 20);

      // c. The receiver moves to another port, through POST /reload; then the clients follow.
      int newPort = Ports.free();
      cfg.httpPort = newPort;
      cfg.write();
      load.phase = "reload c";
      cStart = System.nanoTime();
      JsonNode c = applied(postReload(agent.adminPort(), null));
      cDone = System.nanoTime();
      load.phase = "after c";
      assertThat(texts(c.path("changes")))
          .containsExactly("receiver otlp: rebuilt (settings changed)");
      hashes.add(c.path("config_hash").asText());
      assertThat(agent.httpPort()).isEqualTo(newPort);
      port.set(newPort);
      Thread.sleep(1000);
      await().atMost(WAIT).until(() -> load.acknowledgedAfter(cDone) >= 20);
    } finally {
      try {
        load.stop();
      } finally {
        stopLosses = agent.agent().stop();
      }
    }
    assertThat(stopLosses).as("losses at the graceful stop").isEmpty();
    assertThat(hashes).as("the config hash after start and each reload").doesNotHaveDuplicates();
    assertThat(load.errors).as("client errors").isEmpty();
    assertThat(load.partial).as("requests with rejected records").isEmpty();

    Map<String, List<String>> written1 = valuesById(out1());
    Map<String, List<String>> written2 = valuesById(out2());
    List<Sent> acked = List.copyOf(load.acknowledged);
    String stats =
        "%d requests acknowledged, %d sent, refusals and failures %s"
            .formatted(acked.size(), load.all.size(), load.refusals);

    // The load went on across every reload.
    assertThat(count(acked, s -> s.acked < aStart)).as("acknowledged before a").isPositive();
    assertThat(count(acked, s -> s.acked > aDone && s.acked < bStart))
        .as("acknowledged between a and b; %s", stats)
        .isPositive();
    assertThat(count(acked, s -> s.acked > bDone && s.acked < cStart))
        .as("acknowledged between b and c; %s", stats)
        .isPositive();
    assertThat(count(acked, s -> s.ackedAttempt > cDone))
        .as("acknowledged on the new port; %s", stats)
        .isPositive();

    // Nothing acknowledged is missing; nothing sent once is written twice.
    long retried =
        assertConserved(load, written1, written2, s -> when(s, aStart, bStart, cStart), stats);

    // The processor in force when a request was sent tagged it.
    Map<String, List<String>> wrongValue = new TreeMap<>();
    long sentAfterA = 0;
    for (Sent s : acked) {
      String expected;
      if (s.acked < aStart) expected = "one";
      else if (s.firstAttempt > aDone) expected = "two";
      else continue; // in flight during the reload: either
      if (expected.equals("two")) sentAfterA++;
      for (String id : s.ids) {
        List<String> values = new ArrayList<>(written1.getOrDefault(id, List.of()));
        values.addAll(written2.getOrDefault(id, List.of()));
        for (String v : values) {
          if (!v.equals(expected)) wrongValue.put(id, List.of("expected " + expected, "got " + v));
        }
      }
    }
    assertNone(wrongValue.entrySet(), "records with the wrong attributes[\"v\"]; " + stats);
    assertThat(sentAfterA).as("requests first sent after reload a returned").isPositive();

    // file/2 has what was sent after it was added, and nothing acknowledged before.
    List<String> missingIn2 = new ArrayList<>();
    List<String> unexpectedIn2 = new ArrayList<>();
    long sentAfterB = 0;
    for (Sent s : acked) {
      if (s.ackedAttempt > bDone) {
        sentAfterB++;
        for (String id : s.ids) if (!written2.containsKey(id)) missingIn2.add(id);
      } else if (s.acked < bStart) {
        for (String id : s.ids) if (written2.containsKey(id)) unexpectedIn2.add(id);
      }
    }
    assertThat(sentAfterB).as("requests sent after reload b returned").isPositive();
    assertNone(
        missingIn2, "sent after file/2 was added, acknowledged, but not in file 2; " + stats);
    assertNone(unexpectedIn2, "acknowledged before file/2 was added, yet in file 2");
    System.out.printf(
        "HotReloadTest load: %s; %d records in file 1, %d in file 2; retried requests %d;"
            + " requests first sent after a %d, sent after b %d%n",
        stats, written1.size(), written2.size(), retried, sentAfterA, sentAfterB);
  }

  /**
   * The conservation oracle: every acknowledged record is in file 1; no record of a request that
   * went out once is in a file twice; the files hold only records that were sent, and file 2 only
   * what file 1 has (one pipeline feeds both). Returns how many acknowledged requests went out more
   * than once.
   */
  private static long assertConserved(
      Load load,
      Map<String, List<String>> written1,
      Map<String, List<String>> written2,
      java.util.function.Function<Sent, String> label,
      String stats) {
    List<Sent> acked = List.copyOf(load.acknowledged);
    Set<String> sentIds = new HashSet<>();
    for (Sent s : load.all) sentIds.addAll(s.ids);
    List<String> missing = new ArrayList<>();
    List<String> duplicated = new ArrayList<>();
    long retried = 0;
    for (Sent s : acked) {
      if (s.attempts > 1) retried++;
      for (String id : s.ids) {
        List<String> copies = written1.get(id);
        if (copies == null) missing.add(id + " (acked " + label.apply(s) + ")");
        else if (s.attempts == 1 && copies.size() > 1) duplicated.add(id + " x" + copies.size());
        List<String> copies2 = written2.getOrDefault(id, List.of());
        if (s.attempts == 1 && copies2.size() > 1)
          duplicated.add(id + " x" + copies2.size() + " in file 2");
      }
    }
    assertNone(missing, "acknowledged but not in file 1; " + stats);
    assertNone(duplicated, "sent once but written more than once to a file; " + stats);
    Set<String> unknown = new HashSet<>(written1.keySet());
    unknown.removeAll(sentIds);
    assertNone(unknown, "in file 1 but never sent");
    Set<String> onlyIn2 = new HashSet<>(written2.keySet());
    onlyIn2.removeAll(written1.keySet());
    assertNone(onlyIn2, "in file 2 but not in file 1 (the pipeline fans out to both)");
    assertThat(acked.size() - retried).as("requests sent only once").isPositive();
    return retried;
  }

  /** Fails with how many and the first few of {@code offenders} unless there are none. */
  private static void assertNone(java.util.Collection<?> offenders, String what) {
    assertThat(offenders.size())
        .as("%s: e.g. %s", what, offenders.stream().limit(10).toList())
        .isZero();
  }

  private static String when(Sent s, long aStart, long bStart, long cStart) {
    if (s.acked < aStart) return "before a";
    if (s.acked < bStart) return "around a";
    if (s.acked < cStart) return "around b";
    return "around/after c";
  }

  private static long count(List<Sent> sent, java.util.function.Predicate<Sent> p) {
    return sent.stream().filter(p).count();
  }

  /** One OTLP request of the load: its records' ids, and when it was sent and acknowledged. */
  private static final class Sent {
    final List<String> ids;

    /** {@link System#nanoTime()} when the first attempt began. */
    final long firstAttempt;

    /** When the attempt that was answered 200 began. */
    long ackedAttempt;

    /** When the 200 arrived. */
    long acked;

    /** Times the request went out, {@link Http1Connection}'s own resends on a new socket too. */
    int attempts;

    Sent(List<String> ids, long firstAttempt) {
      this.ids = ids;
      this.firstAttempt = firstAttempt;
    }
  }

  /**
   * Client threads sending OTLP/HTTP protobuf log requests over keep-alive connections to the port
   * in {@code port} (read before each attempt), each record with a unique id; a request is sent
   * again, unchanged, after any answer but 200 or no answer, until it is acknowledged or the load
   * stops.
   */
  private static final class Load {
    final AtomicInteger port;
    final AtomicBoolean stop = new AtomicBoolean();
    final List<Thread> threads = new ArrayList<>();
    final Queue<Sent> all = new ConcurrentLinkedQueue<>();
    final Queue<Sent> acknowledged = new ConcurrentLinkedQueue<>();

    /** Refusals and failures by "phase: what", e.g. {@code reload c: HTTP 503}. */
    final Map<String, AtomicLong> refusals = new ConcurrentSkipListMap<>();

    /** What the test is doing now, for {@link #refusals}. */
    volatile String phase = "before";

    final Queue<String> partial = new ConcurrentLinkedQueue<>();
    final Queue<Throwable> errors = new ConcurrentLinkedQueue<>();

    Load(AtomicInteger port, int clients, int perRequest) {
      this.port = port;
      for (int i = 0; i < clients; i++) {
        int client = i;
        Thread t = new Thread(() -> run(client, perRequest), "reload-load-" + i);
        t.setDaemon(true);
        threads.add(t);
        t.start();
      }
    }

    long acknowledgedAfter(long nanos) {
      return acknowledged.stream().filter(s -> s.acked > nanos).count();
    }

    void stop() throws InterruptedException {
      stop.set(true);
      for (Thread t : threads) t.join(WAIT.toMillis());
      for (Thread t : threads) assertThat(t.isAlive()).as(t.getName() + " still running").isFalse();
    }

    private void run(int client, int perRequest) {
      Http1Connection connection = null;
      int connectionPort = -1;
      try {
        for (int n = 0; !stop.get(); n++) {
          List<String> ids = new ArrayList<>(perRequest);
          for (int i = 0; i < perRequest; i++) ids.add("hr-c" + client + "-" + n + "-" + i);
          byte[] body = IdClients.request(ids).toByteArray();
          Sent sent = new Sent(ids, System.nanoTime());
          all.add(sent);
          while (!stop.get()) {
            int p = port.get();
            if (connection == null || connectionPort != p) {
              if (connection != null) connection.close();
              connection = new Http1Connection("127.0.0.1", p, CLIENT_TIMEOUT);
              connectionPort = p;
            }
            int resends = connection.resends();
            long attempt = System.nanoTime();
            sent.attempts++;
            String failure;
            try {
              Http1Connection.Response r =
                  connection.exchange(
                      "POST", "/v1/logs", Map.of("Content-Type", RawHttp.PROTOBUF), body);
              sent.attempts += connection.resends() - resends;
              if (r.status() == 200) {
                long rejected =
                    ExportLogsServiceResponse.parseFrom(r.body())
                        .getPartialSuccess()
                        .getRejectedLogRecords();
                if (rejected != 0) partial.add(ids.get(0) + ": " + rejected + " rejected");
                sent.ackedAttempt = attempt;
                sent.acked = System.nanoTime();
                acknowledged.add(sent);
                break;
              }
              failure = "HTTP " + r.status();
            } catch (Http1Connection.NoAnswerException e) {
              sent.attempts += connection.resends() - resends;
              failure = "no answer";
              connection.close();
            }
            refusals
                .computeIfAbsent(phase + ": " + failure, k -> new AtomicLong())
                .incrementAndGet();
            Thread.sleep(50);
          }
        }
      } catch (IOException | RuntimeException e) {
        errors.add(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        if (connection != null) connection.close();
      }
    }
  }

  /**
   * An exporter whose own settings change is rebuilt under its own name, writing the same file: the
   * old one must deliver what it holds and close before the new one opens the file, while the
   * receiver answers "busy, retry" (the clients retry).
   */
  @Test
  void anExporterRebuiltUnderItsOwnNameUnderLoadHandsItsFileOverWithoutLosingAnything()
      throws Exception {
    Cfg cfg = new Cfg();
    cfg.write();
    RunningAgent agent = RunningAgent.startFromFile(file());
    Load load = new Load(new AtomicInteger(agent.httpPort()), CLIENTS, PER_REQUEST);
    long start;
    long done;
    List<ShutdownLoss> stopLosses = List.of();
    try {
      await().atMost(WAIT).until(() -> load.acknowledged.size() >= 50);
      cfg.flushTimeout = "30ms";
      cfg.write();
      load.phase = "reload";
      start = System.nanoTime();
      ReloadResult result = agent.agent().reload();
      done = System.nanoTime();
      load.phase = "after";
      assertThat(result.outcome())
          .as("%s %s", result.message(), result.problems())
          .isEqualTo(ReloadResult.Outcome.APPLIED);
      assertThat(result.changes())
          .containsExactlyInAnyOrder(
              "exporter file: rebuilt (settings changed)",
              "pipeline logs: rebuilt (exporter file rebuilt)");
      assertThat(result.losses()).isEmpty();
      Thread.sleep(1000);
      await().atMost(WAIT).until(() -> load.acknowledgedAfter(done) >= 20);
    } finally {
      try {
        load.stop();
      } finally {
        stopLosses = agent.agent().stop();
      }
    }
    assertThat(stopLosses).as("losses at the graceful stop").isEmpty();
    assertThat(load.errors).as("client errors").isEmpty();
    assertThat(load.partial).as("requests with rejected records").isEmpty();
    List<Sent> acked = List.copyOf(load.acknowledged);
    String stats =
        "%d requests acknowledged, %d sent, refusals and failures %s"
            .formatted(acked.size(), load.all.size(), load.refusals);
    assertThat(count(acked, s -> s.acked < start)).as("acknowledged before").isPositive();
    assertThat(count(acked, s -> s.ackedAttempt > done))
        .as("acknowledged after; %s", stats)
        .isPositive();
    Map<String, List<String>> written = valuesById(out1());
    long retried =
        assertConserved(
            load, written, Map.of(), s -> s.acked < start ? "before" : "during/after", stats);
    System.out.printf(
        "HotReloadTest exporter rebuilt under load: %s; %d records in the file; retried %d%n",
        stats, written.size(), retried);
  }

  /**
   * A config whose new exporter cannot start (its path is under a regular file) fails the reload
   * with 409 and "nothing was changed": the exporters started for it are stopped again and
   * forgotten (not on /health, no gauges), the running config goes on, and /health stays 200. Every
   * symptom is collected ({@link SoftAssertions}) and reported at the end.
   */
  @Test
  void aReloadWhoseNewExporterCannotStartAnswers409AndLeavesNothingOfTheNewConfigRunning()
      throws Exception {
    Cfg cfg = new Cfg();
    cfg.write();
    Path notADirectory = Files.writeString(dir.resolve("not-a-directory"), "x");
    SoftAssertions soft = new SoftAssertions();
    try (RunningAgent agent = RunningAgent.startFromFile(file())) {
      String hash = agent.agent().configHash();
      cfg.value = "two";
      cfg.second = true; // file/2 starts fine, then file/3 fails
      cfg.more.put("file/3", notADirectory.resolve("out-3.jsonl"));
      cfg.write();

      HttpResponse<String> r = postReload(agent.adminPort(), null);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
      JsonNode json = JSON.readTree(r.body());
      assertThat(json.path("result").asText()).isEqualTo("failed");
      assertThat(json.path("message").asText())
          .startsWith("config reload failed: exporters.file/3.path: ")
          .contains("nothing was changed, the running config stays");
      assertThat(json.path("config_hash").asText()).isEqualTo(hash);

      sendOne(agent, "after-failed");
      awaitValue("after-failed", "one");
      HttpResponse<String> health = adminGet(agent, "/health");
      JsonNode healthJson = JSON.readTree(health.body());
      assertThat(healthJson.path("config").path("hash").asText()).isEqualTo(hash);
      assertThat(healthJson.path("config").path("last_reload").path("result").asText())
          .isEqualTo("failed");
      soft.assertThat(exportersOn(healthJson))
          .as("exporters on /health after the failed reload: %s", health.body())
          .containsExactly("file");
      soft.assertThat(health.statusCode())
          .as("/health after a failed reload that changed nothing: %s", health.body())
          .isEqualTo(200);
      PrometheusText metrics = metrics(agent);
      assertThat(metrics.value("stacklens_config_reloads_total", "result", "failed")).isEqualTo(1);
      assertThat(metrics.value("stacklens_config_last_reload_successful")).isZero();
      soft.assertThat(metrics.matching("stacklens_exporter_queue_size"))
          .as("exporter gauges after the failed reload (only file runs)")
          .containsExactly("stacklens_exporter_queue_size{exporter=\"file\"} 0");

      cfg.more.clear();
      cfg.write();
      JsonNode fixed = applied(postReload(agent.adminPort(), null));
      assertThat(texts(fixed.path("changes")))
          .containsExactlyInAnyOrder(
              "exporter file/2: added",
              "pipeline logs: rebuilt (processor transform/tag changed, exporter file/2 added)");
      sendOne(agent, "after-fix");
      awaitValue("after-fix", "two");
      await()
          .atMost(WAIT)
          .ignoreExceptions()
          .untilAsserted(
              () -> assertThat(valuesById(out2())).containsEntry("after-fix", List.of("two")));
      HttpResponse<String> healthAfterFix = adminGet(agent, "/health");
      soft.assertThat(exportersOn(JSON.readTree(healthAfterFix.body())))
          .as("exporters on /health after the fix: %s", healthAfterFix.body())
          .containsExactly("file", "file/2");
      soft.assertThat(healthAfterFix.statusCode())
          .as("/health after the fix was applied: %s", healthAfterFix.body())
          .isEqualTo(200);
    }
    soft.assertAll();
  }

  private static List<String> exportersOn(JsonNode health) {
    List<String> exporters = new ArrayList<>();
    health
        .path("components")
        .forEach(
            c -> {
              if (c.path("kind").asText().equals("exporter")) exporters.add(c.path("id").asText());
            });
    return exporters;
  }

  /**
   * A receiver moved to a port another process holds fails to start: the reload answers 409 naming
   * it. Once the port is free, reloading the same file must start it (a reload that answers
   * "nothing changed, every component kept running" while the receiver is down would leave the
   * agent deaf until its settings change).
   */
  @Test
  void aReceiverWhoseNewPortIsTakenFailsTheReloadAndTheNextReloadStartsIt() throws Exception {
    Cfg cfg = new Cfg();
    cfg.write();
    try (RunningAgent agent = RunningAgent.startFromFile(file())) {
      int taken;
      try (java.net.ServerSocket holder =
          new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        taken = holder.getLocalPort();
        cfg.httpPort = taken;
        cfg.write();
        HttpResponse<String> r = postReload(agent.adminPort(), null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
        JsonNode json = JSON.readTree(r.body());
        assertThat(json.path("result").asText()).isEqualTo("failed");
        assertThat(json.path("message").asText())
            .contains("receivers.otlp.protocols.http.endpoint", "port " + taken);
        assertThat(receiverStatus(agent)).isEqualTo("failed");
      }

      HttpResponse<String> again = postReload(agent.adminPort(), null);
      assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
      assertThat(receiverStatus(agent))
          .as(
              "receiver otlp on /health after a reload with port %d free; the reload said %s",
              taken, again.body())
          .isEqualTo("ok");
      sendOne(taken, "on-the-freed-port");
      awaitValue("on-the-freed-port", "one");
    }
  }

  private static String receiverStatus(RunningAgent agent) throws Exception {
    for (JsonNode c : JSON.readTree(adminGet(agent, "/health").body()).path("components")) {
      if (c.path("kind").asText().equals("receiver") && c.path("id").asText().equals("otlp"))
        return c.path("status").asText();
    }
    return "(not on /health)";
  }

  // ---------------------------------------------------------------------------------------------
  // 2. An unchanged receiver keeps its connections

  @Test
  void aReceiverWhoseSettingsDidNotChangeKeepsItsOpenConnectionsAcrossAProcessorChange()
      throws Exception {
    Cfg cfg = new Cfg();
    cfg.write();
    try (RunningAgent agent = RunningAgent.startFromFile(file());
        Http1Connection connection =
            new Http1Connection("127.0.0.1", agent.httpPort(), CLIENT_TIMEOUT)) {
      int port = agent.httpPort();
      assertThat(post(connection, "before-1").status()).isEqualTo(200);
      assertThat(post(connection, "before-2").status()).isEqualTo(200);
      assertThat(connection.connects()).isEqualTo(1);

      cfg.value = "two";
      cfg.write();
      ReloadResult result = agent.agent().reload();

      assertThat(result.outcome())
          .as("%s %s", result.message(), result.problems())
          .isEqualTo(ReloadResult.Outcome.APPLIED);
      assertThat(result.changes()).containsExactly(PROCESSOR_CHANGED);
      assertThat(result.changes()).noneMatch(c -> c.contains("receiver"));
      for (int i = 1; i <= 3; i++) {
        assertThat(post(connection, "after-" + i).status()).isEqualTo(200);
      }
      assertThat(connection.connects()).as("TCP connections opened").isEqualTo(1);
      assertThat(connection.resends()).as("requests sent again on a new connection").isZero();
      assertThat(agent.httpPort()).isEqualTo(port);
      await()
          .atMost(WAIT)
          .ignoreExceptions()
          .untilAsserted(
              () ->
                  assertThat(valuesById(out1()))
                      .containsEntry("before-1", List.of("one"))
                      .containsEntry("before-2", List.of("one"))
                      .containsEntry("after-1", List.of("two"))
                      .containsEntry("after-2", List.of("two"))
                      .containsEntry("after-3", List.of("two")));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 3. An invalid config is refused

  @Test
  void anInvalidConfigIsRefusedWithItsFileLineAndColumnAndTheRunningOneGoesOn() throws Exception {
    Cfg cfg = new Cfg();
    cfg.write();
    try (RunningAgent agent = RunningAgent.startFromFile(file())) {
      int admin = agent.adminPort();
      sendOne(agent, "start");
      awaitValue("start", "one");
      String hash = health(agent).path("config").path("hash").asText();
      assertThat(hash).startsWith("sha256:");

      // Broken YAML: a stray ']' after the actions list.
      cfg.value = "two";
      cfg.actionsTail = " ]";
      cfg.write();
      HttpResponse<String> broken = postReload(admin, null);
      assertThat(broken.statusCode()).as(broken.body()).isEqualTo(400);
      JsonNode brokenJson = JSON.readTree(broken.body());
      assertThat(brokenJson.path("result").asText()).isEqualTo("invalid");
      assertThat(brokenJson.path("config_hash").asText()).isEqualTo(hash);
      assertThat(texts(brokenJson.path("errors")))
          .as(broken.body())
          .anyMatch(
              e ->
                  e.startsWith(
                      file()
                          + ":"
                          + ACTIONS_LINE
                          + ":"
                          + (cfg.yaml().split("\n")[ACTIONS_LINE - 1].lastIndexOf(']') + 1)
                          + ": "))
          .allMatch(
              e ->
                  Pattern.compile(Pattern.quote(file().toString()) + ":\\d+:\\d+: ")
                      .matcher(e)
                      .lookingAt());

      // Valid YAML with an unknown key in the processor.
      cfg.actionsTail = "";
      cfg.processorExtra = "no_such_option: 1";
      cfg.write();
      HttpResponse<String> unknown = postReload(admin, null);
      assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(400);
      JsonNode unknownJson = JSON.readTree(unknown.body());
      assertThat(unknownJson.path("result").asText()).isEqualTo("invalid");
      assertThat(texts(unknownJson.path("errors")))
          .as(unknown.body())
          .singleElement()
          .satisfies(
              e ->
                  assertThat(e)
                      .startsWith(file() + ":" + (ACTIONS_LINE + 1) + ":5: ")
                      .contains("processors.transform/tag.no_such_option"));
      assertThat(unknownJson.path("message").asText()).contains("config reload refused");

      // The running config goes on.
      sendOne(agent, "after-invalid");
      awaitValue("after-invalid", "one");
      JsonNode config = health(agent).path("config");
      assertThat(config.path("hash").asText()).isEqualTo(hash);
      assertThat(config.path("last_reload").path("result").asText()).isEqualTo("invalid");
      assertThat(config.path("last_reload").path("message").asText())
          .contains("config reload refused");
      PrometheusText metrics = metrics(agent);
      assertThat(metrics.value("stacklens_config_reloads_total", "result", "invalid")).isEqualTo(2);
      assertThat(metrics.value("stacklens_config_reloads_total", "result", "applied")).isZero();
      assertThat(metrics.value("stacklens_config_last_reload_successful")).isZero();

      // Fixed: applied.
      cfg.processorExtra = "";
      cfg.write();
      JsonNode fixed = applied(postReload(admin, null));
      String newHash = fixed.path("config_hash").asText();
      assertThat(newHash).startsWith("sha256:").isNotEqualTo(hash);
      assertThat(texts(fixed.path("errors"))).isEmpty();
      sendOne(agent, "after-fix");
      awaitValue("after-fix", "two");
      config = health(agent).path("config");
      assertThat(config.path("hash").asText()).isEqualTo(newHash);
      assertThat(config.path("last_reload").path("result").asText()).isEqualTo("applied");
      metrics = metrics(agent);
      assertThat(metrics.value("stacklens_config_reloads_total", "result", "applied")).isEqualTo(1);
      assertThat(metrics.value("stacklens_config_reloads_total", "result", "invalid")).isEqualTo(2);
      assertThat(metrics.value("stacklens_config_last_reload_successful")).isEqualTo(1);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 4. Settings only a restart applies

  @Test
  void changingTheDataDirTheMemoryLimiterOrTheAdminEndpointIsRefusedAsNeedingARestart()
      throws Exception {
    Cfg cfg = new Cfg();
    cfg.serviceExtra = "data_dir: " + Configs.yamlString(dir.resolve("data"));
    cfg.write();
    try (RunningAgent agent = RunningAgent.startFromFile(file())) {
      String hash = agent.agent().configHash();

      cfg.value = "two";
      cfg.serviceExtra = "data_dir: " + Configs.yamlString(dir.resolve("data-2"));
      cfg.write();
      ReloadResult dataDir = agent.agent().reload();
      assertThat(dataDir.outcome()).isEqualTo(ReloadResult.Outcome.INVALID);
      assertThat(dataDir.changes()).isEmpty();
      assertThat(dataDir.problems())
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.isError()).isTrue();
                assertThat(p.path()).isEqualTo("service.data_dir");
                assertThat(p.toString()).contains("service.data_dir", "restart");
              });

      cfg.serviceExtra =
          "memory_limiter: { limit_percentage: 20 }\n  data_dir: "
              + Configs.yamlString(dir.resolve("data"));
      cfg.write();
      HttpResponse<String> memory = postReload(agent.adminPort(), null);
      assertThat(memory.statusCode()).as(memory.body()).isEqualTo(400);
      assertThat(texts(JSON.readTree(memory.body()).path("errors")))
          .as(memory.body())
          .singleElement()
          .satisfies(
              e -> assertThat(e).contains("service.memory_limiter.limit_percentage", "restart"));

      cfg.serviceExtra = "data_dir: " + Configs.yamlString(dir.resolve("data"));
      cfg.telemetry =
          "endpoint: 127.0.0.1:" + Ports.free() + ", auth: { bearer_token: " + TOKEN + " }";
      cfg.write();
      ReloadResult telemetry = agent.agent().reload();
      assertThat(telemetry.outcome()).isEqualTo(ReloadResult.Outcome.INVALID);
      assertThat(telemetry.problems())
          .extracting(ConfigProblem::path)
          .containsExactlyInAnyOrder(
              "service.telemetry.endpoint", "service.telemetry.auth.bearer_token");
      assertThat(telemetry.problems())
          .allSatisfy(p -> assertThat(p.toString()).contains("restart").doesNotContain(TOKEN));

      assertThat(agent.agent().configHash()).isEqualTo(hash);
      assertThat(health(agent).path("config").path("last_reload").path("result").asText())
          .isEqualTo("invalid");
      sendOne(agent, "still-one");
      awaitValue("still-one", "one");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 5. SIGHUP on a real process

  @Test
  void sighupReloadsTheConfigFileAndRefusesABrokenOneWhileTheProcessGoesOn() throws Exception {
    Cfg cfg = new Cfg();
    cfg.write();
    try (AgentProcess agent =
        AgentProcess.start(dir, Map.of(), "run", "--config", file().toString())) {
      int port = agent.awaitListening("HTTP", WAIT);
      sendOne(port, "hup-0");
      awaitValue("hup-0", "one");

      cfg.value = "two";
      cfg.write();
      hangUp(agent);
      agent.awaitLine(
          Pattern.compile(Pattern.quote("config reloaded: " + PROCESSOR_CHANGED)), WAIT);
      sendOne(port, "hup-1");
      awaitValue("hup-1", "two");

      cfg.processorExtra = "no_such_option: 1";
      cfg.write();
      hangUp(agent);
      agent.awaitLine(
          Pattern.compile(
              Pattern.quote(file().toString())
                  + ":"
                  + (ACTIONS_LINE + 1)
                  + ":\\d+: processors\\.transform/tag\\.no_such_option"),
          WAIT);
      agent.awaitLine(Pattern.compile("ERROR.*config reload refused"), WAIT);
      assertThat(agent.process().isAlive()).isTrue();
      sendOne(port, "hup-2");
      awaitValue("hup-2", "two");

      agent.process().destroy(); // SIGTERM
      int exit = agent.waitFor(WAIT);
      assertThat(exit).as("exit code; stderr:%n%s", agent.stderr()).isZero();
      assertThat(agent.stderr()).contains("agent stopped");
    }
  }

  private static void hangUp(AgentProcess agent) throws Exception {
    Process kill =
        new ProcessBuilder("kill", "-HUP", Long.toString(agent.pid())).inheritIO().start();
    assertThat(kill.waitFor()).as("kill -HUP exit code").isZero();
  }

  // ---------------------------------------------------------------------------------------------
  // 6. Who may reload

  @Test
  void reloadOnAnAdminEndpointWithAuthNeedsTheTokenAndOnlyPostIsAllowed() throws Exception {
    Cfg cfg = new Cfg();
    cfg.telemetry = "endpoint: 127.0.0.1:0, auth: { bearer_token: " + TOKEN + " }";
    cfg.write();
    try (RunningAgent agent = RunningAgent.startFromFile(file())) {
      int admin = agent.adminPort();
      cfg.value = "two";
      cfg.write();

      assertThat(postReload(admin, null).statusCode()).isEqualTo(401);
      assertThat(postReload(admin, "not-" + TOKEN).statusCode()).isEqualTo(401);
      assertThat(agent.metrics().counterSum("stacklens_config_reloads_total")).isZero();

      JsonNode result = applied(postReload(admin, TOKEN));
      assertThat(texts(result.path("changes"))).containsExactly(PROCESSOR_CHANGED);

      HttpResponse<String> again = postReload(admin, TOKEN);
      assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
      assertThat(JSON.readTree(again.body()).path("result").asText()).isEqualTo("unchanged");

      HttpResponse<String> get =
          ADMIN.send(
              HttpRequest.newBuilder(reloadUri(admin))
                  .header("Authorization", "Bearer " + TOKEN)
                  .timeout(WAIT)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(get.statusCode()).isEqualTo(405);
      assertThat(get.headers().firstValue("Allow")).hasValue("POST");
    }
  }

  @Test
  void reloadOnANonLoopbackAdminEndpointWithoutAuthIsForbidden() throws Exception {
    Cfg cfg = new Cfg();
    cfg.telemetry = "endpoint: 0.0.0.0:0";
    cfg.write();
    try (RunningAgent agent = RunningAgent.startFromFile(file())) {
      cfg.value = "two";
      cfg.write();
      HttpResponse<String> r = postReload(agent.adminPort(), null);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
      assertThat(r.body()).contains("service.telemetry.auth");
      assertThat(agent.agent().configHash())
          .isEqualTo(health(agent).path("config").path("hash").asText());
      sendOne(agent, "not-reloaded");
      awaitValue("not-reloaded", "one");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private static URI reloadUri(int adminPort) {
    return URI.create("http://127.0.0.1:" + adminPort + "/reload");
  }

  /** {@code POST /reload}, with {@code Authorization: Bearer token} unless null. */
  private static HttpResponse<String> postReload(int adminPort, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(reloadUri(adminPort))
            .timeout(Duration.ofMinutes(2))
            .POST(HttpRequest.BodyPublishers.noBody());
    if (token != null) b.header("Authorization", "Bearer " + token);
    return ADMIN.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Asserts a {@code POST /reload} answer says "applied" and returns its JSON. */
  private static JsonNode applied(HttpResponse<String> r) throws IOException {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode json = JSON.readTree(r.body());
    assertThat(json.path("result").asText()).as(r.body()).isEqualTo("applied");
    assertThat(json.path("config_hash").asText()).startsWith("sha256:");
    assertThat(json.path("message").asText())
        .startsWith("config reloaded: ")
        .doesNotContain("lost");
    return json;
  }

  private static List<String> texts(JsonNode array) {
    assertThat(array.isArray()).as("a JSON array: %s", array).isTrue();
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static HttpResponse<String> adminGet(RunningAgent agent, String path) throws Exception {
    return RawHttp.get("http://127.0.0.1:" + agent.adminPort() + path);
  }

  /** {@code GET /health} of an agent whose components are all well (200). */
  private static JsonNode health(RunningAgent agent) throws Exception {
    HttpResponse<String> r = adminGet(agent, "/health");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static PrometheusText metrics(RunningAgent agent) throws Exception {
    HttpResponse<String> r = adminGet(agent, "/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    return new PrometheusText(r.body());
  }

  private static Http1Connection.Response post(Http1Connection connection, String id)
      throws IOException {
    return connection.exchange(
        "POST",
        "/v1/logs",
        Map.of("Content-Type", RawHttp.PROTOBUF),
        IdClients.request(List.of(id)).toByteArray());
  }

  private static void sendOne(RunningAgent agent, String id) throws Exception {
    sendOne(agent.httpPort(), id);
  }

  private static void sendOne(int port, String id) throws Exception {
    HttpResponse<byte[]> r =
        RawHttp.post(
            "http://127.0.0.1:" + port + "/v1/logs",
            RawHttp.PROTOBUF,
            IdClients.request(List.of(id)).toByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
  }

  /** Waits until file 1 has the record {@code id}, once, with {@code attributes["v"] == v}. */
  private void awaitValue(String id, String v) {
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(valuesById(out1())).containsEntry(id, List.of(v)));
  }

  /**
   * The records of a file exporter's output by their {@code id} attribute: the {@code v} attribute
   * of each copy written ({@code "(none)"} when missing).
   */
  private static Map<String, List<String>> valuesById(Path file) throws IOException {
    Map<String, List<String>> values = new HashMap<>();
    if (!Files.exists(file)) return values;
    FileRecordsReader.readAllLogs(file)
        .forEachRecord(
            (io.stacklens.agent.data.LogRecord r) -> {
              Object v = r.attributes().get("v");
              values
                  .computeIfAbsent(String.valueOf(r.attributes().get("id")), k -> new ArrayList<>())
                  .add(v == null ? "(none)" : String.valueOf(v));
            });
    return values;
  }
}
