package io.stacklens.receiver.kafka;

import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.InstrumentationScope;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.MemoryEstimate;
import io.stacklens.agent.data.Resource;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.limits.DecodeBudget;
import io.stacklens.agent.limits.RecordLimitException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Encoding {@code text}: each message is one log record whose body is the value as UTF-8 (malformed
 * bytes become U+FFFD), time the message's Kafka timestamp, observed time now. All records of a
 * batch share one empty resource and scope.
 */
final class TextLogsBuilder implements BatchBuilder {
  private final KafkaMetadata metadata;
  private final List<LogRecord> records = new ArrayList<>();
  private final long observedNanos = System.currentTimeMillis() * 1_000_000L;

  private final MessageLimits limits;
  private long bytes;

  TextLogsBuilder(KafkaMetadata metadata, MessageLimits limits) {
    this.metadata = metadata;
    this.limits = limits;
  }

  @Override
  public void add(ConsumerRecord<byte[], byte[]> message) throws DecodeException {
    byte[] value = message.value();
    if (value == null)
      throw new DecodeException(DecodeException.NO_VALUE, "the message has no value (a tombstone)");
    DecodeBudget budget = limits.budget();
    try {
      budget.checkValueSize(value.length);
    } catch (RecordLimitException e) {
      throw MessageLimits.refused(e);
    }
    LogRecord record = new LogRecord(new Attributes(metadata == null ? 0 : 6));
    record.setBody(new String(value, StandardCharsets.UTF_8));
    if (message.timestamp() > 0) record.setTimeUnixNano(message.timestamp() * 1_000_000L);
    record.setObservedTimeUnixNano(observedNanos);
    if (metadata != null) metadata.append(record.attributes(), message);
    records.add(record);
    bytes += MemoryEstimate.record(record);
  }

  @Override
  public long decodedBytes() {
    return bytes;
  }

  @Override
  public LogsBatch build() {
    LogsBatch batch = new LogsBatch();
    if (records.isEmpty()) return batch;
    ScopeLogs scope = new ScopeLogs(new InstrumentationScope(), records);
    List<ScopeLogs> scopes = new ArrayList<>(1);
    scopes.add(scope);
    batch.resourceLogs().add(new ResourceLogs(new Resource(), scopes));
    return batch;
  }
}
