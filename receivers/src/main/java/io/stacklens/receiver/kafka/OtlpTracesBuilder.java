package io.stacklens.receiver.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.stacklens.agent.data.TracesBatch;
import io.stacklens.agent.limits.DecodeBudget;
import io.stacklens.agent.limits.DecodeLimitException;
import io.stacklens.agent.otlp.OtlpJson;
import io.stacklens.agent.otlp.OtlpProtoScanner;
import io.stacklens.agent.otlp.OtlpJsonException;
import io.stacklens.receiver.kafka.KafkaReceiverConfig.Encoding;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Encodings {@code otlp_proto} and {@code otlp_json} for traces: each message is an {@code ExportTraceServiceRequest}. */
final class OtlpTracesBuilder implements BatchBuilder {
  private final boolean json;
  private final MessageLimits limits;
  private final List<ResourceSpans> resources = new ArrayList<>();
  private long bytes;

  OtlpTracesBuilder(Encoding encoding, MessageLimits limits) {
    this.json = encoding == Encoding.OTLP_JSON;
    this.limits = limits;
  }

  @Override
  public void add(ConsumerRecord<byte[], byte[]> message) throws DecodeException {
    byte[] value = message.value();
    if (value == null) throw new DecodeException(DecodeException.NO_VALUE, "the message has no value (a tombstone)");
    ExportTraceServiceRequest request;
    DecodeBudget budget = limits.budget();
    try {
      request = decode(value, budget);
    } catch (DecodeLimitException e) {
      throw MessageLimits.refused(e);
    }
    MessageLimits.requireNoRejections(budget);
    resources.addAll(request.getResourceSpansList());
    bytes += budget.decodedBytes();
  }

  private ExportTraceServiceRequest decode(byte[] value, DecodeBudget budget) throws DecodeException {
    ExportTraceServiceRequest request;
    if (json) {
      try {
        request = OtlpJson.parseTraces(value, budget);
      } catch (OtlpJsonException e) {
        throw new DecodeException(DecodeException.INVALID_JSON, "not an OTLP/JSON ExportTraceServiceRequest: " + e.getMessage());
      }
    } else {
      try {
        OtlpProtoScanner.scan(value, ExportTraceServiceRequest.getDescriptor(), budget);
        request = ExportTraceServiceRequest.parseFrom(value);
      } catch (InvalidProtocolBufferException e) {
        throw new DecodeException(
            DecodeException.INVALID_PROTOBUF, "not an OTLP protobuf ExportTraceServiceRequest: " + e.getMessage());
      }
    }
    return request;
  }

  @Override
  public TracesBatch build() {
    return new TracesBatch(resources);
  }

  @Override
  public long decodedBytes() {
    return bytes;
  }
}
