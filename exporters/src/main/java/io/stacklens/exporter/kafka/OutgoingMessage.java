package io.stacklens.exporter.kafka;

import java.util.List;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;

/**
 * One Kafka message built from a batch, with the items it carries and its delivery state within one
 * push: after a retryable failure the push reports the items of the messages not finished with as
 * unsent, and the exporter helper retries only those.
 */
final class OutgoingMessage {
  enum State {
    /** Not sent yet, or its last send failed retryably. */
    PENDING,
    /** Handed to the producer; {@link #sending} tells the outcome. */
    SENDING,
    DELIVERED,
    /**
     * Rejected for good: reported to the exporter helper as a permanent failure (its dead letter).
     */
    REJECTED
  }

  final String topic;

  /**
   * The batch's items this message carries (shared by the messages of one metric's data points).
   */
  final List<SignalItems.Item> items;

  final byte[] key;
  final byte[] value;
  final List<Header> headers;
  final int records;

  State state = State.PENDING;
  Future<RecordMetadata> sending;

  /** Why it was rejected (a metric label) and the error text. */
  String reason;

  String error;

  OutgoingMessage(
      List<SignalItems.Item> items,
      String topic,
      byte[] key,
      byte[] value,
      List<Header> headers,
      int records) {
    this.items = items;
    this.topic = topic;
    this.key = key;
    this.value = value;
    this.headers = headers;
    this.records = records;
  }

  /** A message that cannot be sent at all (too large after splitting, or not encodable). */
  static OutgoingMessage rejected(
      List<SignalItems.Item> items,
      String topic,
      byte[] key,
      byte[] value,
      List<Header> headers,
      int records,
      String reason,
      String error) {
    OutgoingMessage m = new OutgoingMessage(items, topic, key, value, headers, records);
    m.reject(reason, error);
    return m;
  }

  void reject(String reason, String error) {
    this.state = State.REJECTED;
    this.reason = reason;
    this.error = error;
  }
}
