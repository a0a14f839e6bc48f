package io.stacklens.receiver.kafka;

import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.json.JsonSyntaxException;
import io.stacklens.agent.json.JsonValueReader;
import io.stacklens.agent.limits.DecodeBudget;
import io.stacklens.agent.limits.DecodeLimitException;
import io.stacklens.agent.limits.RecordLimitException;
import io.stacklens.receiver.json.FieldError;
import io.stacklens.receiver.json.JsonRecordMapper;
import io.stacklens.receiver.json.LogsBatchAssembler;
import io.stacklens.receiver.json.MappedRecord;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Encoding {@code json}: each message is one JSON object, mapped to a log record by the shared
 * {@link JsonRecordMapper} (the {@code mapping:} options). A record without a time of its own takes
 * the message's Kafka timestamp. Records are grouped by the resource and scope the objects name.
 */
final class JsonLogsBuilder implements BatchBuilder {
  private final JsonRecordMapper mapper;
  private final KafkaMetadata metadata;
  private final LogsBatchAssembler assembler = new LogsBatchAssembler();
  private final long observedNanos = System.currentTimeMillis() * 1_000_000L;

  private final JsonValueReader reader;
  private final MessageLimits limits;
  private long bytes;

  JsonLogsBuilder(
      JsonRecordMapper mapper,
      KafkaMetadata metadata,
      JsonValueReader reader,
      MessageLimits limits) {
    this.mapper = mapper;
    this.metadata = metadata;
    this.reader = reader;
    this.limits = limits;
  }

  @Override
  public void add(ConsumerRecord<byte[], byte[]> message) throws DecodeException {
    byte[] value = message.value();
    if (value == null)
      throw new DecodeException(DecodeException.NO_VALUE, "the message has no value (a tombstone)");
    DecodeBudget budget = limits.budget();
    MappedRecord mapped;
    try {
      mapped = mapper.map(reader.readObject(value, 0, value.length, budget), observedNanos);
    } catch (JsonSyntaxException e) {
      throw new DecodeException(
          DecodeException.INVALID_JSON, "not a JSON object: " + new FieldError("", e.getMessage()));
    } catch (RecordLimitException e) {
      throw MessageLimits.refused(e);
    } catch (DecodeLimitException e) {
      throw MessageLimits.refused(e);
    }
    if (!mapped.ok()) {
      boolean syntax = mapped.errors().size() == 1 && mapped.errors().get(0).field().isEmpty();
      String problems =
          mapped.errors().stream().map(FieldError::toString).collect(Collectors.joining("; "));
      throw new DecodeException(
          syntax ? DecodeException.INVALID_JSON : DecodeException.INVALID_RECORD,
          (syntax ? "not a JSON object: " : "the JSON object does not map to a log record: ")
              + problems);
    }
    if (mapped.record().timeUnixNano() == 0 && message.timestamp() > 0) {
      mapped.record().setTimeUnixNano(message.timestamp() * 1_000_000L);
    }
    if (metadata != null) metadata.put(mapped.record().attributes(), message);
    assembler.add(mapped);
    bytes += budget.decodedBytes();
  }

  @Override
  public long decodedBytes() {
    return bytes;
  }

  @Override
  public LogsBatch build() {
    return assembler.batch();
  }
}
