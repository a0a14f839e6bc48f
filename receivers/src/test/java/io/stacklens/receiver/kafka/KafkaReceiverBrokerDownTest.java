package io.stacklens.receiver.kafka;

import static io.stacklens.receiver.kafka.KafkaTestSupport.config;
import static io.stacklens.receiver.kafka.KafkaTestSupport.ids;
import static io.stacklens.receiver.kafka.KafkaTestSupport.produceText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stacklens.agent.api.ComponentStatus;
import io.stacklens.agent.testing.kafka.KafkaBroker;
import io.stacklens.receiver.kafka.KafkaReceiverConfig.Encoding;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A private broker that is down when the receiver starts: the start succeeds and the receiver keeps
 * trying.
 */
class KafkaReceiverBrokerDownTest {
  @Test
  void startingWhileKafkaIsDownDoesNotFailAndConsumesOnceItIsBack() throws Exception {
    try (KafkaBroker kafka = KafkaBroker.start()) {
      String topic = KafkaTestSupport.topic(kafka, "down", 1);
      kafka.stop();

      KafkaReceiverConfig config = config(kafka, topic);
      config.encoding = Encoding.TEXT;
      try (RunningReceiver r = new RunningReceiver(config)) {
        // start() returned; the receiver says it is still joining and keeps trying
        assertThat(r.status()).isEqualTo(ComponentStatus.STARTING);
        assertThat(r.statusDetail()).contains("joining consumer group " + config.groupId);
        await()
            .during(Duration.ofSeconds(2))
            .atMost(Duration.ofSeconds(5))
            .until(() -> r.status() == ComponentStatus.STARTING);

        kafka.restart();
        List<String> sent = ids("rec", 0, 20);
        produceText(kafka, topic, 0, sent);
        await().atMost(Duration.ofSeconds(90)).until(() -> r.consumer.records() == sent.size());
        assertThat(r.consumer.bodies()).containsExactlyElementsOf(sent);
        assertThat(r.status()).isEqualTo(ComponentStatus.OK);
        assertThat(r.statusDetail())
            .isEqualTo("consuming " + topic + " as group " + config.groupId);
      }
      assertThat(KafkaTestSupport.committedSum(kafka, config.groupId)).isEqualTo(20);
    }
  }
}
