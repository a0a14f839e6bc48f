package io.stacklens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.stacklens.agent.it.support.AgentProcess;
import io.stacklens.agent.it.support.IdClients;
import io.stacklens.agent.it.support.IdClients.Verdict;
import io.stacklens.agent.testing.kafka.KafkaBroker;
import io.stacklens.agent.testing.postgres.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code delivery: durable} through outages of the destination: clients send records with unique
 * ids ({@link IdClients}) while the Kafka broker or the PostgreSQL server is stopped for {@code
 * stacklens.faults.outage} (15 s by default; {@code -Dstacklens.faults.outage=60} for the long
 * run). The disk queue is small (4 MiB), so the outage fills it: the agent must then refuse clients
 * with RESOURCE_EXHAUSTED rather than acknowledge and drop. When the server is back, every
 * acknowledged id must arrive; PostgreSQL must also hold each one exactly once.
 */
class DurableOutageTest {
  private static final int PER_REQUEST = 50;

  @TempDir Path dir;

  @Test
  void aKafkaBrokerStoppedUnderLoadLosesNoAcknowledgedRecordAndFullQueuesRefuseClients()
      throws Exception {
    try (KafkaBroker kafka = KafkaBroker.start()) {
      kafka.createTopic("durable-logs", 1);
      Path config = config(kafkaExporter(kafka, "durable-logs"), "kafka");
      Set<String> acknowledged = IdClients.newIdSet();
      IdClients clients = runThroughOutage(config, acknowledged, kafka::stop, kafka::restart);
      AtomicReference<Map<String, Integer>> counts = new AtomicReference<>(Map.of());
      awaitQuietly(
          () -> {
            counts.set(topicIds(kafka, "durable-logs"));
            return counts.get().keySet().containsAll(acknowledged);
          });
      report("kafka", acknowledged, counts.get(), clients);
    }
  }

  @Test
  void aPostgresServerStoppedUnderLoadLosesNoAcknowledgedRecordAndWritesEachOnce()
      throws Exception {
    try (PostgresServer pg = PostgresServer.start()) {
      String url = pg.createUniqueDatabase("outage");
      Path config =
          config(
              """
              postgres:
                endpoint: "%s"
                user: "%s"
                password: "%s"
              """
                  .formatted(
                      PostgresServer.withoutParameters(url),
                      pg.user(),
                      pg.password() == null ? "" : pg.password()),
              "postgres");
      Set<String> acknowledged = IdClients.newIdSet();
      IdClients clients = runThroughOutage(config, acknowledged, pg::stop, pg::restart);
      AtomicReference<Map<String, Integer>> counts = new AtomicReference<>(Map.of());
      awaitQuietly(
          () -> {
            counts.set(rows(url));
            return counts.get().keySet().containsAll(acknowledged);
          });
      Verdict verdict = report("postgres", acknowledged, counts.get(), clients);
      assertThat(verdict.duplicates()).as("rows written twice").isZero();
    }
  }

  /**
   * The Collector's file-backed queue loses the start of long outages (opentelemetry-collector
   * #15324). Here the broker is down while three agents in turn take load (one stopped with
   * SIGTERM, one killed), so the queue spans many segments; the broker comes back, the agent is
   * killed again while it replays, and a last one delivers the rest: the oldest records too.
   */
  @Test
  void aLongOutageWithRestartsAndAKillDuringReplayLosesNothingOldestIncluded() throws Exception {
    try (KafkaBroker kafka = KafkaBroker.start()) {
      kafka.createTopic("long-outage", 1);
      Path config =
          config(
              kafkaExporter(kafka, "long-outage"),
              "kafka",
              "{ storage: disk, max_size: 256MiB, segment_size: 256KiB }");
      kafka.stop();
      Set<String> acknowledged = IdClients.newIdSet();
      for (int round = 0; round < 3; round++) {
        agent = AgentProcess.start(dir, Map.of(), "run", "--config", config.toString());
        int port = agent.awaitListening("gRPC", Duration.ofSeconds(60));
        int before = acknowledged.size();
        IdClients clients = IdClients.start(acknowledged, round, 2, PER_REQUEST, port);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> acknowledged.size() >= before + 200 * PER_REQUEST);
        clients.stop();
        if (round == 1) {
          agent.process().destroyForcibly();
          agent.process().waitFor();
        } else {
          agent.process().destroy();
          assertThat(agent.waitFor(Duration.ofSeconds(60))).as("exit code").isZero();
        }
        agent.close();
      }
      long segments;
      try (var files = Files.list(dir.resolve("data/queue/kafka"))) {
        segments = files.filter(p -> p.toString().endsWith(".seg")).count();
      }
      assertThat(segments).as("queue segments after the outage").isGreaterThan(5);

      kafka.restart();
      agent = AgentProcess.start(dir, Map.of(), "run", "--config", config.toString());
      await()
          .atMost(Duration.ofSeconds(120))
          .until(() -> !kafka.consume("long-outage", 1, Duration.ofSeconds(2)).isEmpty());
      agent.process().destroyForcibly(); // killed while it replays the backlog
      agent.process().waitFor();
      agent.close();

      agent = AgentProcess.start(dir, Map.of(), "run", "--config", config.toString());
      AtomicReference<Map<String, Integer>> counts = new AtomicReference<>(Map.of());
      awaitQuietly(
          () -> {
            counts.set(topicIds(kafka, "long-outage"));
            return counts.get().keySet().containsAll(acknowledged);
          });
      Verdict verdict = Verdict.of(acknowledged, counts.get());
      System.out.printf(
          "durable long outage (%d segments, 2 restarts, a kill during replay): %s%n",
          segments, verdict);
      try {
        assertThat(verdict.missing()).as(verdict.toString()).isEmpty();
        assertThat(counts.get()).containsKey("r0-c0-0-0"); // the very first record
      } finally {
        agent.process().destroy();
        assertThat(agent.waitFor(Duration.ofSeconds(60))).as("exit code").isZero();
        agent.close();
      }
    }
  }

  private static String kafkaExporter(KafkaBroker kafka, String topic) {
    return """
        kafka:
          brokers: ["%s"]
          logs: { topic: %s }
          encoding: json
        """
        .formatted(kafka.bootstrapServers(), topic);
  }

  private static Map<String, Integer> topicIds(KafkaBroker kafka, String topic) {
    List<String> texts = new ArrayList<>();
    // Everything on the topic: the agent also delivers records whose requests it could not
    // acknowledge, so a count of acknowledged records would stop the read too early.
    for (ConsumerRecord<byte[], byte[]> r :
        kafka.consume(topic, Integer.MAX_VALUE, Duration.ofSeconds(15)))
      texts.add(new String(r.value(), StandardCharsets.UTF_8));
    return IdClients.countIds(texts);
  }

  /**
   * Runs an agent under load, stops the destination for the outage (at least until a client was
   * refused because the disk queue is full), starts it again, and stops the load a few seconds
   * later; the agent keeps running until the caller's checks are done.
   */
  private IdClients runThroughOutage(
      Path config, Set<String> acknowledged, Runnable stopServer, Runnable restartServer)
      throws Exception {
    long outageSeconds = Long.getLong("stacklens.faults.outage", 15);
    agent = AgentProcess.start(dir, Map.of(), "run", "--config", config.toString());
    int port = agent.awaitListening("gRPC", Duration.ofSeconds(60));
    IdClients clients = IdClients.start(acknowledged, 0, 2, PER_REQUEST, port);
    await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= 10 * PER_REQUEST);
    stopServer.run();
    Thread.sleep(outageSeconds * 1000);
    // The queue must have filled and a client been refused before the server comes back; on a
    // slow machine that takes longer than the outage, so the outage lasts until it happened.
    await()
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> clients.failedWith(Status.Code.RESOURCE_EXHAUSTED) > 0);
    restartServer.run();
    Thread.sleep(3000);
    clients.stop();
    return clients;
  }

  private AgentProcess agent;

  private Verdict report(
      String what, Set<String> acknowledged, Map<String, Integer> counts, IdClients clients)
      throws Exception {
    try {
      Verdict verdict = Verdict.of(acknowledged, counts);
      long refusedFull = clients.failedWith(Status.Code.RESOURCE_EXHAUSTED);
      System.out.printf(
          "durable %s outage: %s; %d requests refused with RESOURCE_EXHAUSTED, %d not acknowledged"
              + " in all%n",
          what, verdict, refusedFull, clients.failedRequests());
      assertThat(verdict.missing()).as(verdict.toString()).isEmpty();
      assertThat(refusedFull).as("clients refused while the disk queue was full").isPositive();
      return verdict;
    } finally {
      agent.process().destroy();
      assertThat(agent.waitFor(Duration.ofSeconds(60))).as("exit code").isZero();
      agent.close();
    }
  }

  private Path config(String exporter, String exporterId) throws Exception {
    return config(exporter, exporterId, "{ storage: disk, max_size: 4MiB, segment_size: 1MiB }");
  }

  private Path config(String exporter, String exporterId, String queue) throws Exception {
    Path config = dir.resolve("agent.yaml");
    String indented = exporter.stripIndent().indent(2);
    Files.writeString(
        config,
        """
        receivers:
          otlp:
            protocols:
              grpc: { endpoint: 127.0.0.1:0 }
        exporters:
        %s    sending_queue: %s
            retry_on_failure: { initial_interval: 200ms, max_interval: 2s, max_elapsed_time: 0s }
        service:
          data_dir: %s
          telemetry: { endpoint: 127.0.0.1:0 }
          pipelines:
            logs: { receivers: [otlp], exporters: [%s], delivery: durable }
        """
            .formatted(indented, queue, dir.resolve("data"), exporterId));
    return config;
  }

  private static void awaitQuietly(java.util.concurrent.Callable<Boolean> condition) {
    try {
      await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).until(condition);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      // the caller reports what is missing
    }
  }

  /** The ids in the logs table, with how many rows each has. */
  private static Map<String, Integer> rows(String url) {
    Map<String, Integer> counts = new HashMap<>();
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT attributes::text FROM enriched_logs")) {
      while (r.next()) IdClients.countIds(r.getString(1).replace("\": \"", "\":\""), counts);
    } catch (SQLException e) {
      return counts; // not created yet, or the server is restarting
    }
    return counts;
  }
}
