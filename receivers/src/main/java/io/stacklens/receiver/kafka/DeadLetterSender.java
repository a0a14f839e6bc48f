package io.stacklens.receiver.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes undecodable messages to the dead-letter topic: the original key, value and headers, plus
 * {@code stacklens.error.reason}, {@code stacklens.error.message}, {@code stacklens.source.topic},
 * {@code stacklens.source.partition} and {@code stacklens.source.offset} (UTF-8 text). One producer
 * per receiver, shared by its consumer threads, created on first use (so brokers that are down at
 * start cost nothing until a message needs it).
 */
final class DeadLetterSender implements AutoCloseable {
  static final String REASON = "stacklens.error.reason";
  static final String MESSAGE = "stacklens.error.message";
  static final String SOURCE_TOPIC = "stacklens.source.topic";
  static final String SOURCE_PARTITION = "stacklens.source.partition";
  static final String SOURCE_OFFSET = "stacklens.source.offset";

  private final String topic;
  private final Properties properties;
  private KafkaProducer<byte[], byte[]> producer;
  private boolean closed;

  DeadLetterSender(KafkaReceiverConfig config, String clientId) {
    this.topic = config.deadLetter.topic;
    Properties p = new Properties();
    config.consumer.forEach((k, v) -> {
      if (KafkaReceiverConfig.sharedWithProducer(k)) p.put(k, v);
    });
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    p.putAll(config.deadLetter.producer);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", config.bootstrapServers()));
    this.properties = p;
  }

  String topic() {
    return topic;
  }

  /** Sends one message; the future fails when the send (or creating the producer) fails. */
  Future<RecordMetadata> send(ConsumerRecord<byte[], byte[]> message, DecodeException error) {
    RecordHeaders headers = new RecordHeaders();
    for (Header h : message.headers()) headers.add(h);
    headers.add(REASON, utf8(error.reason()));
    headers.add(MESSAGE, utf8(error.getMessage()));
    headers.add(SOURCE_TOPIC, utf8(message.topic()));
    headers.add(SOURCE_PARTITION, utf8(Integer.toString(message.partition())));
    headers.add(SOURCE_OFFSET, utf8(Long.toString(message.offset())));
    try {
      return producer().send(new ProducerRecord<>(topic, null, message.key(), message.value(), headers));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private synchronized KafkaProducer<byte[], byte[]> producer() {
    if (closed) throw new IllegalStateException("the dead-letter producer is closed");
    if (producer == null) {
      producer = new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
    }
    return producer;
  }

  private static byte[] utf8(String s) {
    return (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
  }

  /** Closes the producer, waiting at most {@code timeout} for sends in flight. */
  void close(Duration timeout) {
    KafkaProducer<byte[], byte[]> p;
    synchronized (this) {
      closed = true;
      p = producer;
      producer = null;
    }
    if (p != null) p.close(timeout);
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
