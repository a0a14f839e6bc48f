package io.stacklens.receiver.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.stacklens.agent.data.MetricsBatch;
import io.stacklens.agent.limits.DecodeBudget;
import io.stacklens.agent.limits.DecodeLimitException;
import io.stacklens.agent.otlp.OtlpJson;
import io.stacklens.agent.otlp.OtlpProtoScanner;
import io.stacklens.agent.otlp.OtlpJsonException;
import io.stacklens.receiver.kafka.KafkaReceiverConfig.Encoding;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Encodings {@code otlp_proto} and {@code otlp_json} for metrics: each message is an {@code ExportMetricsServiceRequest}. */
final class OtlpMetricsBuilder implements BatchBuilder {
  private final boolean json;
  private final MessageLimits limits;
  private final List<ResourceMetrics> resources = new ArrayList<>();
  private long bytes;

  OtlpMetricsBuilder(Encoding encoding, MessageLimits limits) {
    this.json = encoding == Encoding.OTLP_JSON;
    this.limits = limits;
  }

  @Override
  public void add(ConsumerRecord<byte[], byte[]> message) throws DecodeException {
    byte[] value = message.value();
    if (value == null) throw new DecodeException(DecodeException.NO_VALUE, "the message has no value (a tombstone)");
    ExportMetricsServiceRequest request;
    DecodeBudget budget = limits.budget();
    try {
      request = decode(value, budget);
    } catch (DecodeLimitException e) {
      throw MessageLimits.refused(e);
    }
    MessageLimits.requireNoRejections(budget);
    resources.addAll(request.getResourceMetricsList());
    bytes += budget.decodedBytes();
  }

  private ExportMetricsServiceRequest decode(byte[] value, DecodeBudget budget) throws DecodeException {
    ExportMetricsServiceRequest request;
    if (json) {
      try {
        request = OtlpJson.parseMetrics(value, budget);
      } catch (OtlpJsonException e) {
        throw new DecodeException(
            DecodeException.INVALID_JSON, "not an OTLP/JSON ExportMetricsServiceRequest: " + e.getMessage());
      }
    } else {
      try {
        OtlpProtoScanner.scan(value, ExportMetricsServiceRequest.getDescriptor(), budget);
        request = ExportMetricsServiceRequest.parseFrom(value);
      } catch (InvalidProtocolBufferException e) {
        throw new DecodeException(
            DecodeException.INVALID_PROTOBUF, "not an OTLP protobuf ExportMetricsServiceRequest: " + e.getMessage());
      }
    }
    return request;
  }

  @Override
  public MetricsBatch build() {
    return new MetricsBatch(resources);
  }

  @Override
  public long decodedBytes() {
    return bytes;
  }
}
