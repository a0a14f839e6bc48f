package io.stacklens.receiver.kafka;

import io.stacklens.agent.data.Attributes;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Where a message came from, as OpenTelemetry messaging semantic-convention attributes on each log
 * record:
 *
 * <ul>
 *   <li>{@code messaging.system} = {@code kafka}
 *   <li>{@code messaging.destination.name}: the topic
 *   <li>{@code messaging.destination.partition.id}: the partition, as a string
 *   <li>{@code messaging.kafka.offset}: the message's offset (int)
 *   <li>{@code messaging.kafka.message.key}: the key, when present and valid UTF-8
 *   <li>{@code messaging.consumer.group.name}: the receiver's consumer group
 * </ul>
 */
final class KafkaMetadata {
  static final String SYSTEM = "messaging.system";
  static final String TOPIC = "messaging.destination.name";
  static final String PARTITION = "messaging.destination.partition.id";
  static final String OFFSET = "messaging.kafka.offset";
  static final String KEY = "messaging.kafka.message.key";
  static final String GROUP = "messaging.consumer.group.name";

  private final String group;

  KafkaMetadata(String group) {
    this.group = group;
  }

  /** Adds the attributes to {@code attributes}, replacing keys already there. */
  void put(Attributes attributes, ConsumerRecord<byte[], byte[]> record) {
    attributes.put(SYSTEM, "kafka");
    attributes.put(TOPIC, record.topic());
    attributes.put(PARTITION, Integer.toString(record.partition()));
    attributes.put(OFFSET, record.offset());
    String key = utf8(record.key());
    if (key != null) attributes.put(KEY, key);
    else attributes.remove(KEY);
    attributes.put(GROUP, group);
  }

  /** Appends the attributes to fresh {@code attributes} (no existing keys to replace). */
  void append(Attributes attributes, ConsumerRecord<byte[], byte[]> record) {
    attributes.append(SYSTEM, "kafka");
    attributes.append(TOPIC, record.topic());
    attributes.append(PARTITION, Integer.toString(record.partition()));
    attributes.append(OFFSET, record.offset());
    String key = utf8(record.key());
    if (key != null) attributes.append(KEY, key);
    attributes.append(GROUP, group);
  }

  /**
   * {@code bytes} (a key, a header value) as text; null when null or not valid UTF-8 (for a key the
   * conventions say: no canonical string form, no attribute).
   */
  static String utf8(byte[] bytes) {
    if (bytes == null) return null;
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
