package io.stacklens.agent.exporterhelper;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.MetricsBatch;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.data.TracesBatch;
import io.stacklens.agent.data.WireEncoding;
import io.stacklens.agent.otlp.OtlpLogsDecoder;
import io.stacklens.agent.otlp.OtlpRequests;

/**
 * How a batch is written into a disk queue entry: as the OTLP/protobuf export request of its
 * signal, the format the agent already decodes fastest ({@link OtlpLogsDecoder} for logs) and one a
 * person can read back with standard tools.
 */
final class QueueEntryCodec {
  private QueueEntryCodec() {}

  static byte signalCode(Signal s) {
    return (byte) s.ordinal();
  }

  static Signal signalOf(byte code) {
    Signal[] all = Signal.values();
    if (code < 0 || code >= all.length)
      throw new IllegalArgumentException("unknown signal code " + code);
    return all[code];
  }

  static byte[] encode(Batch batch) {
    byte[] received = WireEncoding.of(batch);
    if (received != null) return received; // unchanged since it was decoded from these bytes
    return OtlpRequests.encode(batch, false);
  }

  static Batch decode(Signal signal, byte[] bytes) throws InvalidProtocolBufferException {
    return switch (signal) {
      case LOGS -> OtlpLogsDecoder.decode(bytes);
      case TRACES -> TracesBatch.of(ExportTraceServiceRequest.parseFrom(bytes));
      case METRICS -> MetricsBatch.of(ExportMetricsServiceRequest.parseFrom(bytes));
    };
  }
}
