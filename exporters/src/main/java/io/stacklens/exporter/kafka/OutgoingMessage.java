package io.stacklens.exporter.kafka;

import java.util.List;
import java.util.concurrent.Future;
import java.util.function.Supplier;
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
    /** Rejected for good; goes to the dead-letter topic when one is configured. */
    REJECTED,
    /** Rejected, and its dead-letter message is in flight ({@link #deadLettering}). */
    DEAD_LETTERING,
    /** Rejected and finished with: dead-lettered or dropped (counted either way). */
    DONE
  }

  final String topic;
  /** The batch's items this message carries (shared by the messages of one metric's data points). */
  final List<SignalItems.Item> items;
  final byte[] key;
  final byte[] value;
  final List<Header> headers;
  final int records;
  /** The records in the json form, for the dead-letter topic when {@link #value} is too large. */
  final Supplier<byte[]> jsonForm;

  State state = State.PENDING;
  Future<RecordMetadata> sending;
  Future<RecordMetadata> deadLettering;
  /** Why it was rejected (a metric label) and the error text. */
  String reason;
  String error;

  OutgoingMessage(List<SignalItems.Item> items, String topic, byte[] key, byte[] value, List<Header> headers, int records,
      Supplier<byte[]> jsonForm) {
    this.items = items;
    this.topic = topic;
    this.key = key;
    this.value = value;
    this.headers = headers;
    this.records = records;
    this.jsonForm = jsonForm;
  }

  /** A message that cannot be sent at all (too large after splitting, or not encodable). */
  static OutgoingMessage rejected(List<SignalItems.Item> items, String topic, byte[] key, byte[] value, List<Header> headers,
      int records, Supplier<byte[]> jsonForm, String reason, String error) {
    OutgoingMessage m = new OutgoingMessage(items, topic, key, value, headers, records, jsonForm);
    m.reject(reason, error);
    return m;
  }

  void reject(String reason, String error) {
    this.state = State.REJECTED;
    this.reason = reason;
    this.error = error;
  }
}
