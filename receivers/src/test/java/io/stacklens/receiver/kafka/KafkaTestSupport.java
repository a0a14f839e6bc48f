package io.stacklens.receiver.kafka;

import io.stacklens.agent.testing.kafka.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/** Topics, configs and producing for the kafka receiver's tests. */
final class KafkaTestSupport {
  private KafkaTestSupport() {}

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A fresh topic with {@code partitions} partitions on {@code broker}. */
  static String topic(KafkaBroker broker, String prefix, int partitions) {
    String topic = unique(prefix);
    broker.createTopic(topic, partitions);
    return topic;
  }

  /**
   * Reads {@code topic} from the start as a fresh group, quick polls and commits: what the tests
   * want.
   */
  static KafkaReceiverConfig config(KafkaBroker broker, String topic) {
    KafkaReceiverConfig config = new KafkaReceiverConfig();
    config.brokers = List.of(broker.bootstrapServers());
    config.topics = List.of(topic);
    config.groupId = unique("group");
    config.initialOffset = KafkaReceiverConfig.InitialOffset.EARLIEST;
    config.pollTimeout = Duration.ofMillis(100);
    config.commitInterval = Duration.ZERO;
    config.consumer = Map.of("session.timeout.ms", "10000", "heartbeat.interval.ms", "1000");
    return config;
  }

  /**
   * Sends each value (UTF-8 text) to {@code partition} (or by key when -1) and waits for the
   * acknowledgements.
   */
  static void produceText(KafkaBroker broker, String topic, int partition, List<String> values) {
    try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
      for (String v : values) {
        byte[] value = v.getBytes(StandardCharsets.UTF_8);
        producer.send(
            partition < 0
                ? new ProducerRecord<>(topic, value, value)
                : new ProducerRecord<>(topic, partition, null, value));
      }
      producer.flush();
    }
  }

  static void produce(KafkaBroker broker, String topic, List<byte[]> values) {
    try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
      for (byte[] v : values) producer.send(new ProducerRecord<>(topic, 0, null, v));
      producer.flush();
    }
  }

  /** {@code prefix-0} .. {@code prefix-(n-1)}. */
  static List<String> ids(String prefix, int from, int n) {
    return java.util.stream.IntStream.range(from, from + n)
        .mapToObj(i -> prefix + "-" + i)
        .toList();
  }

  /** The group's committed offsets (an absent partition has none). */
  static Map<TopicPartition, OffsetAndMetadata> committed(KafkaBroker broker, String group)
      throws Exception {
    try (Admin admin = broker.admin()) {
      return admin
          .listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata()
          .get(30, TimeUnit.SECONDS);
    }
  }

  static long committedSum(KafkaBroker broker, String group) throws Exception {
    return committed(broker, group).values().stream()
        .filter(java.util.Objects::nonNull)
        .mapToLong(OffsetAndMetadata::offset)
        .sum();
  }
}
