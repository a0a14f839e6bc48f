package io.stacklens.receiver.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.otlp.OtlpJson;
import io.stacklens.agent.otlp.OtlpJsonException;
import io.stacklens.agent.otlp.OtlpLogs;
import io.stacklens.agent.otlp.OtlpLogsDecoder;
import io.stacklens.receiver.kafka.KafkaReceiverConfig.Encoding;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Encodings {@code otlp_proto} and {@code otlp_json} for logs: each message is an
 * {@code ExportLogsServiceRequest}; its resources are appended to the batch as they are.
 */
final class OtlpLogsBuilder implements BatchBuilder {
  private final boolean json;
  private final KafkaMetadata metadata;
  private final LogsBatch batch = new LogsBatch();

  OtlpLogsBuilder(Encoding encoding, KafkaMetadata metadata) {
    this.json = encoding == Encoding.OTLP_JSON;
    this.metadata = metadata;
  }

  @Override
  public void add(ConsumerRecord<byte[], byte[]> message) throws DecodeException {
    LogsBatch decoded = decode(message.value());
    if (metadata != null) decoded.forEachRecord(record -> metadata.put(record.attributes(), message));
    batch.appendAll(decoded);
  }

  private LogsBatch decode(byte[] value) throws DecodeException {
    if (value == null) throw new DecodeException(DecodeException.NO_VALUE, "the message has no value (a tombstone)");
    if (json) {
      try {
        return OtlpLogs.fromProto(OtlpJson.parseLogs(value));
      } catch (OtlpJsonException e) {
        throw new DecodeException(DecodeException.INVALID_JSON, "not an OTLP/JSON ExportLogsServiceRequest: " + e.getMessage());
      }
    }
    try {
      return OtlpLogsDecoder.decode(value);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new DecodeException(
          DecodeException.INVALID_PROTOBUF, "not an OTLP protobuf ExportLogsServiceRequest: " + e.getMessage());
    }
  }

  @Override
  public LogsBatch build() {
    return batch;
  }
}
