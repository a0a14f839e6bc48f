package io.stacklens.exporter.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stacklens.agent.api.ComponentStatus;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.InstrumentationScope;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.Resource;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.exporterhelper.ExporterRunner;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.testing.kafka.KafkaBroker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The exporter under steady load through the exporter helper while its only broker is down for 20
 * s: nothing acknowledged to the helper is lost, the queue fills and blocks the producer side
 * (backpressure), the exporter reports FAILED while sends fail and OK once they succeed again.
 */
class KafkaExporterBrokerOutageTest {
  private static final int RECORDS_PER_BATCH = 20;

  @Test
  void everyRecordArrivesAtLeastOnceAcrossABrokerOutage() throws Exception {
    try (KafkaBroker kafka = KafkaBroker.start()) {
      String topic = KafkaTestData.uniqueTopic("outage");
      kafka.createTopic(topic, 3);
      KafkaExporterConfig c = KafkaTestData.config(kafka.bootstrapServers(), topic);
      c.partitionBy = "attribute:id";
      c.sendingQueue.queueSize = 8;
      c.batch.minSize = 100;
      c.batch.maxSize = 400;
      c.batch.flushTimeout = Duration.ofMillis(50);
      c.retryOnFailure.initialInterval = Duration.ofMillis(200);
      c.retryOnFailure.maxInterval = Duration.ofSeconds(2);
      c.retryOnFailure.maxElapsedTime = Duration.ZERO; // retry until shutdown
      c.timeout = Duration.ofSeconds(10);
      c.producer =
          Map.of(
              "delivery.timeout.ms", "8000", "request.timeout.ms", "3000", "max.block.ms", "2000");
      MetricsRegistry metrics = new MetricsRegistry();
      var context = KafkaTestData.context(metrics);
      KafkaTestData.RecordingHost host = new KafkaTestData.RecordingHost();
      ExporterRunner runner =
          new ExporterRunner(context, new KafkaExporterFactory().createExporter(context, c), c);
      runner.start(host);

      AtomicLong nextId = new AtomicLong();
      AtomicBoolean loading = new AtomicBoolean(true);
      Thread loader =
          new Thread(
              () -> {
                try {
                  while (loading.get()) {
                    runner.enqueue(batch(nextId, RECORDS_PER_BATCH));
                    Thread.sleep(10); // ~2000 records/s
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "outage-loader");
      loader.start();

      await().atMost(Duration.ofSeconds(30)).until(() -> nextId.get() > 5_000);
      kafka.stop();
      long stoppedAt = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> host.statuses.get(context.id()) == ComponentStatus.FAILED);
      // Backpressure: the queue fills and the loader's enqueue blocks, so ids stop growing during
      // the outage.
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  metrics.gaugeValue(
                          "stacklens_exporter_queue_size", "exporter", context.id().toString())
                      >= c.sendingQueue.queueSize);
      long blockedAt = nextId.get();
      await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> true);
      assertThat(nextId.get() - blockedAt)
          .as("records accepted while the queue was full")
          .isLessThanOrEqualTo(RECORDS_PER_BATCH);
      long remaining = Duration.ofSeconds(20).toNanos() - (System.nanoTime() - stoppedAt);
      if (remaining > 0) Thread.sleep(remaining / 1_000_000); // keep the broker down 20 s in all
      kafka.restart();

      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> host.statuses.get(context.id()) == ComponentStatus.OK);
      long afterRecovery = nextId.get();
      await().atMost(Duration.ofSeconds(60)).until(() -> nextId.get() > afterRecovery + 2_000);
      loading.set(false);
      loader.join(30_000);
      runner.shutdown(Instant.now().plusSeconds(60));

      long total = nextId.get();
      assertThat(metrics.counterSum("stacklens_exporter_send_failed_records_total")).isZero();
      Map<String, Integer> seen = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> r :
          kafka.consume(topic, (int) total, Duration.ofSeconds(60))) {
        for (LogRecord rec : KafkaExporterTest.decode(KafkaEncoding.OTLP_PROTO, r.value())) {
          seen.merge((String) rec.attributes().get("id"), 1, Integer::sum);
        }
      }
      List<String> missing = new ArrayList<>();
      for (long i = 0; i < total; i++) if (!seen.containsKey("r" + i)) missing.add("r" + i);
      long duplicates = seen.values().stream().mapToLong(n -> n - 1).sum();
      System.out.printf(
          "outage test: %d records, %d missing, %d duplicates, resent counter %d%n",
          total,
          missing.size(),
          duplicates,
          metrics.counterSum("stacklens_exporter_kafka_resent_records_total"));
      assertThat(missing).as("records lost").isEmpty();
      assertThat(seen).hasSize((int) total);
    }
  }

  private static LogsBatch batch(AtomicLong nextId, int n) {
    ResourceLogs rl =
        new ResourceLogs(new Resource(Attributes.of("service.name", "outage")), new ArrayList<>());
    ScopeLogs sl = new ScopeLogs(new InstrumentationScope().setName("t"), new ArrayList<>());
    rl.scopeLogs().add(sl);
    for (int i = 0; i < n; i++) {
      long id = nextId.getAndIncrement();
      sl.logRecords()
          .add(
              new LogRecord(Attributes.of("id", "r" + id))
                  .setTimeUnixNano(id)
                  .setBody("record " + id));
    }
    return new LogsBatch(new ArrayList<>(List.of(rl)));
  }
}
