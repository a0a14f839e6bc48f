package io.stacklens.receiver.kafka;

import io.stacklens.agent.api.Admission;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.DeadLetters;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.InstrumentationScope;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.Resource;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The receiver's side of its dead letters ({@code dead_letter.exporter}): each undecodable message
 * becomes one log record ({@link #record}) that is offered to the dead-letter exporter through
 * {@link DeadLetters} (the agent marks it with {@code stacklens.error.reason}, {@code
 * stacklens.error.message} and {@code stacklens.receiver}). Never blocks: a refusal is retried by
 * the consumer like a refused batch.
 *
 * <p>The record keeps everything the message had: body = the value's bytes (none for a tombstone),
 * time = the message's timestamp, attributes = the message's headers (names as they are, values as
 * text when valid UTF-8, else bytes; a repeated header keeps its last value) and where it came
 * from: {@value #TOPIC}, {@value #PARTITION}, {@value #OFFSET} and, when it has a key, {@value
 * #KEY} (text when valid UTF-8, else bytes). The {@code kafka} exporter's {@code encoding: raw}
 * writes such a record back as the original message, the attributes as headers.
 */
final class DeadLetterSender {
  /**
   * The topic and the key under the names {@code include_metadata} gives them ({@link
   * KafkaMetadata}).
   */
  static final String TOPIC = KafkaMetadata.TOPIC;

  static final String KEY = KafkaMetadata.KEY;

  /** Partition and offset as numbers, under names of their own (include_metadata's differ). */
  static final String PARTITION = "messaging.kafka.destination.partition";

  static final String OFFSET = "messaging.kafka.message.offset";

  private final DeadLetters target;
  private final ComponentId exporter;

  DeadLetterSender(DeadLetters target, ComponentId exporter) {
    this.target = target;
    this.exporter = exporter;
  }

  /** The dead-letter exporter's id, for messages. */
  ComponentId exporter() {
    return exporter;
  }

  /** Offers one dead letter; the caller keeps it (and offers it again later) when refused. */
  Admission offer(PendingChunk.DeadLetter d) {
    return target.offer(d.record, d.reason, d.message);
  }

  /**
   * The log record of an undecodable message, alone in a batch with an empty resource and scope.
   */
  static LogsBatch record(ConsumerRecord<byte[], byte[]> message, long observedNanos) {
    Attributes attributes = new Attributes(message.headers().toArray().length + 4);
    for (Header h : message.headers()) attributes.put(h.key(), textOrBytes(h.value()));
    attributes.put(TOPIC, message.topic());
    attributes.put(PARTITION, (long) message.partition());
    attributes.put(OFFSET, message.offset());
    if (message.key() != null) attributes.put(KEY, textOrBytes(message.key()));
    else attributes.remove(KEY);
    LogRecord record =
        new LogRecord(attributes).setBody(message.value()).setObservedTimeUnixNano(observedNanos);
    if (message.timestamp() > 0) record.setTimeUnixNano(message.timestamp() * 1_000_000L);
    List<LogRecord> records = new ArrayList<>(1);
    records.add(record);
    List<ScopeLogs> scopes = new ArrayList<>(1);
    scopes.add(new ScopeLogs(new InstrumentationScope(), records));
    LogsBatch batch = new LogsBatch();
    batch.resourceLogs().add(new ResourceLogs(new Resource(), scopes));
    return batch;
  }

  private static Object textOrBytes(byte[] value) {
    if (value == null) return null;
    String text = KafkaMetadata.utf8(value);
    return text != null ? text : value;
  }
}
