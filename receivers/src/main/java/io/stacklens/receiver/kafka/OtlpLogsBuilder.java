package io.stacklens.receiver.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.limits.DecodeBudget;
import io.stacklens.agent.limits.DecodeLimitException;
import io.stacklens.agent.otlp.LogRecordRules;
import io.stacklens.agent.otlp.OtlpJsonException;
import io.stacklens.agent.otlp.OtlpLogs;
import io.stacklens.agent.otlp.OtlpLogsDecoder;
import io.stacklens.receiver.kafka.KafkaReceiverConfig.Encoding;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Encodings {@code otlp_proto} and {@code otlp_json} for logs: each message is an {@code
 * ExportLogsServiceRequest}; its resources are appended to the batch as they are.
 */
final class OtlpLogsBuilder implements BatchBuilder {
  private final boolean json;
  private final KafkaMetadata metadata;
  private final MessageLimits limits;
  private final LogsBatch batch = new LogsBatch();
  private long bytes;

  OtlpLogsBuilder(Encoding encoding, KafkaMetadata metadata, MessageLimits limits) {
    this.json = encoding == Encoding.OTLP_JSON;
    this.metadata = metadata;
    this.limits = limits;
  }

  @Override
  public void add(ConsumerRecord<byte[], byte[]> message) throws DecodeException {
    DecodeBudget budget = limits.budget();
    LogsBatch decoded;
    try {
      decoded = decode(message.value(), budget);
    } catch (DecodeLimitException e) {
      throw MessageLimits.refused(e);
    }
    MessageLimits.requireNoRejections(budget);
    requireValid(decoded);
    if (metadata != null)
      decoded.forEachRecord(record -> metadata.put(record.attributes(), message));
    batch.appendAll(decoded);
    bytes += budget.decodedBytes();
  }

  private LogsBatch decode(byte[] value, DecodeBudget budget) throws DecodeException {
    if (value == null)
      throw new DecodeException(DecodeException.NO_VALUE, "the message has no value (a tombstone)");
    if (json) {
      try {
        return OtlpLogs.fromJson(value, budget);
      } catch (OtlpJsonException e) {
        throw new DecodeException(
            DecodeException.INVALID_JSON,
            "not an OTLP/JSON ExportLogsServiceRequest: " + e.getMessage());
      }
    }
    try {
      return OtlpLogsDecoder.decode(value, 0, value.length, budget);
    } catch (DecodeLimitException e) {
      throw e;
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new DecodeException(
          DecodeException.INVALID_PROTOBUF,
          "not an OTLP protobuf ExportLogsServiceRequest: " + e.getMessage());
    }
  }

  /**
   * A record the OTLP receiver would reject ({@link LogRecordRules}) makes the message undecodable,
   * whole.
   */
  private static void requireValid(LogsBatch decoded) throws DecodeException {
    String[] problem = new String[1];
    decoded.forEachRecord(
        record -> {
          if (problem[0] == null) problem[0] = LogRecordRules.problem(record);
        });
    if (problem[0] != null) {
      throw new DecodeException(
          DecodeException.INVALID_RECORD, "a log record is invalid: " + problem[0]);
    }
  }

  @Override
  public LogsBatch build() {
    return batch;
  }

  @Override
  public long decodedBytes() {
    return bytes;
  }
}
