package io.stacklens.receiver.kafka;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.MetricsBatch;
import io.stacklens.agent.data.TracesBatch;
import io.stacklens.agent.limits.DecodeBudget;
import io.stacklens.agent.limits.DecodeLimitException;
import io.stacklens.agent.otlp.OtlpJson;
import io.stacklens.agent.otlp.OtlpJsonException;
import io.stacklens.agent.otlp.OtlpProtoScanner;
import io.stacklens.receiver.kafka.KafkaReceiverConfig.Encoding;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Encodings {@code otlp_proto} and {@code otlp_json} for traces and metrics: each message is one
 * export request ({@link Kind} says which), scanned against the limits before protobuf-java parses
 * it.
 */
final class OtlpRequestBuilder<R extends Message, P> implements BatchBuilder {

  /** What differs between the signals: the request type, how to read it, and the batch it makes. */
  record Kind<R extends Message, P>(
      Descriptor descriptor,
      Parser<R> protoParser,
      BiFunction<byte[], DecodeBudget, R> jsonParser,
      Function<R, List<P>> resources,
      Function<List<P>, Batch> batch) {
    String requestName() {
      return descriptor.getName();
    }
  }

  static final Kind<ExportTraceServiceRequest, ResourceSpans> TRACES =
      new Kind<>(
          ExportTraceServiceRequest.getDescriptor(),
          ExportTraceServiceRequest.parser(),
          OtlpJson::parseTraces,
          ExportTraceServiceRequest::getResourceSpansList,
          TracesBatch::new);

  static final Kind<ExportMetricsServiceRequest, ResourceMetrics> METRICS =
      new Kind<>(
          ExportMetricsServiceRequest.getDescriptor(),
          ExportMetricsServiceRequest.parser(),
          OtlpJson::parseMetrics,
          ExportMetricsServiceRequest::getResourceMetricsList,
          MetricsBatch::new);

  private final Kind<R, P> kind;
  private final boolean json;
  private final MessageLimits limits;
  private final List<P> resources = new ArrayList<>();
  private long bytes;

  OtlpRequestBuilder(Kind<R, P> kind, Encoding encoding, MessageLimits limits) {
    this.kind = kind;
    this.json = encoding == Encoding.OTLP_JSON;
    this.limits = limits;
  }

  @Override
  public void add(ConsumerRecord<byte[], byte[]> message) throws DecodeException {
    byte[] value = message.value();
    if (value == null)
      throw new DecodeException(DecodeException.NO_VALUE, "the message has no value (a tombstone)");
    R request;
    DecodeBudget budget = limits.budget();
    try {
      request = decode(value, budget);
    } catch (DecodeLimitException e) {
      throw MessageLimits.refused(e);
    }
    MessageLimits.requireNoRejections(budget);
    resources.addAll(kind.resources().apply(request));
    bytes += budget.decodedBytes();
  }

  private R decode(byte[] value, DecodeBudget budget) throws DecodeException {
    if (json) {
      try {
        return kind.jsonParser().apply(value, budget);
      } catch (OtlpJsonException e) {
        throw new DecodeException(
            DecodeException.INVALID_JSON,
            "not an OTLP/JSON " + kind.requestName() + ": " + e.getMessage());
      }
    }
    try {
      OtlpProtoScanner.scan(value, kind.descriptor(), budget);
      return kind.protoParser().parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new DecodeException(
          DecodeException.INVALID_PROTOBUF,
          "not an OTLP protobuf " + kind.requestName() + ": " + e.getMessage());
    }
  }

  @Override
  public Batch build() {
    return kind.batch().apply(resources);
  }

  @Override
  public long decodedBytes() {
    return bytes;
  }
}
