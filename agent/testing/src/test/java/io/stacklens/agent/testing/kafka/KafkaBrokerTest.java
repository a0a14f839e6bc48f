package io.stacklens.agent.testing.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The test broker itself: up, writable, and back with its data after a kill. */
class KafkaBrokerTest {
  @Test
  void keepsAcknowledgedRecordsAcrossAKillAndRestart() throws Exception {
    try (KafkaBroker kafka = KafkaBroker.start()) {
      kafka.createTopic("broker-test", 2);
      try (KafkaProducer<byte[], byte[]> producer = kafka.producer(Map.of())) {
        for (int i = 0; i < 10; i++) {
          producer
              .send(
                  new ProducerRecord<>(
                      "broker-test",
                      ("k" + i).getBytes(StandardCharsets.UTF_8),
                      ("v" + i).getBytes(StandardCharsets.UTF_8)))
              .get();
        }
      }
      int port = kafka.port();
      kafka.kill();
      assertThat(kafka.isRunning()).isFalse();
      kafka.restart();

      List<ConsumerRecord<byte[], byte[]>> got =
          kafka.consume("broker-test", 10, Duration.ofSeconds(60));
      assertThat(kafka.port()).isEqualTo(port);
      assertThat(got)
          .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
          .containsExactlyInAnyOrder("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9");
    }
  }
}
