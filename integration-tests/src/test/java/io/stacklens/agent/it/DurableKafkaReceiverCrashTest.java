package io.stacklens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stacklens.agent.it.support.AgentProcess;
import io.stacklens.agent.it.support.IdClients;
import io.stacklens.agent.it.support.IdClients.Verdict;
import io.stacklens.agent.testing.kafka.KafkaBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka receiver's side of {@code delivery: durable}: it commits an offset only once the
 * records before it are in the exporters' disk queues. A producer keeps writing messages with
 * unique ids to a topic; an agent (Kafka in, a file exporter with a disk queue out) is killed with
 * SIGKILL at a random moment while it consumes them and started again, three times; a last agent
 * finishes. Every message Kafka acknowledged must reach the file (what was read but not committed
 * is read again: duplicates are allowed). With {@code delivery: memory} this test loses messages.
 */
class DurableKafkaReceiverCrashTest {
  @TempDir Path dir;

  @Test
  void agentsKilledWhileConsumingLoseNoMessage() throws Exception {
    long seed = Long.getLong("stacklens.faults.seed", System.nanoTime());
    Random random = new Random(seed);
    try (KafkaBroker kafka = KafkaBroker.start()) {
      kafka.createTopic("crash-in", 2);
      // A producer that keeps writing while the agents are killed, so every kill lands in the
      // middle
      // of consuming; an id counts once Kafka acknowledged it.
      Set<String> produced = ConcurrentHashMap.newKeySet();
      AtomicBoolean stop = new AtomicBoolean();
      Thread producing =
          new Thread(
              () -> {
                try (KafkaProducer<byte[], byte[]> producer =
                    kafka.producer(Map.of("linger.ms", 5))) {
                  for (int i = 0; !stop.get() && i < 150_000; i++) {
                    String id = "r0-c0-" + (i / 100) + "-" + (i % 100);
                    producer.send(
                        new ProducerRecord<>("crash-in", id.getBytes(StandardCharsets.UTF_8)),
                        (metadata, error) -> {
                          if (error == null) produced.add(id);
                        });
                    if (i % 100 == 99) Thread.sleep(10); // about 10,000 messages a second
                  }
                  producer.flush();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "crash-producer");
      producing.setDaemon(true);
      producing.start();
      Path config = dir.resolve("agent.yaml");
      Files.writeString(
          config,
          """
          receivers:
            kafka:
              brokers: ["%s"]
              topics: [crash-in]
              group_id: durable-crash
              encoding: text
              initial_offset: earliest
              max_poll_records: 500
          exporters:
            file:
              path: %s
              rotation: { max_megabytes: 0 }
              sending_queue: { storage: disk, segment_size: 1MiB }
          service:
            data_dir: %s
            telemetry: { endpoint: 127.0.0.1:0 }
            pipelines:
              logs: { receivers: [kafka], exporters: [file], delivery: durable }
          """
              .formatted(
                  kafka.bootstrapServers(), dir.resolve("out/logs.jsonl"), dir.resolve("data")));

      for (int round = 0; round < 3; round++) {
        int before = delivered().size();
        try (AgentProcess agent = start(config)) {
          await()
              .atMost(Duration.ofSeconds(120))
              .pollInterval(Duration.ofMillis(500))
              .until(() -> delivered().size() > before);
          Thread.sleep(random.nextInt(1000)); // a random moment while it consumes
          agent.process().destroyForcibly(); // SIGKILL
          agent.process().waitFor();
        }
      }

      stop.set(true);
      producing.join(60_000);
      try (AgentProcess last = start(config)) {
        try {
          await()
              .atMost(Duration.ofSeconds(180))
              .pollInterval(Duration.ofSeconds(1))
              .until(() -> delivered().keySet().containsAll(produced));
        } catch (ConditionTimeoutException e) {
          // reported below, with what is missing
        }
        last.process().destroy();
        assertThat(last.waitFor(Duration.ofSeconds(60))).as("exit code").isZero();
      }
      Verdict verdict = Verdict.of(produced, delivered());
      System.out.printf(
          "durable kafka receiver crash test (seed %d, 3 kills): %s%n", seed, verdict);
      assertThat(verdict.missing()).as("seed %d: %s", seed, verdict).isEmpty();
    }
  }

  private AgentProcess start(Path config) throws Exception {
    return AgentProcess.start(dir, Map.of(), "run", "--config", config.toString());
  }

  private Map<String, Integer> delivered() throws IOException {
    return IdClients.countIdsInFiles(dir.resolve("out"));
  }
}
