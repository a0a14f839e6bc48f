package io.stacklens.agent.otlp;

import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.MetricsBatch;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.data.TracesBatch;

/**
 * A batch as the OTLP {@code Export*ServiceRequest} of its signal, for exporters that send OTLP,
 * and the {@code Export*ServiceResponse} that answers it.
 */
public final class OtlpRequests {
  private OtlpRequests() {}

  /**
   * {@code batch} as an {@code ExportLogsServiceRequest}, {@code ExportTraceServiceRequest} or
   * {@code ExportMetricsServiceRequest}.
   */
  public static Message of(Batch batch) {
    if (batch instanceof LogsBatch logs) return OtlpLogs.toProto(logs);
    if (batch instanceof TracesBatch traces) return traces.toRequest();
    return ((MetricsBatch) batch).toRequest();
  }

  /**
   * A builder of the {@code Export*ServiceResponse} that answers a request of {@code signal}, to
   * parse a server's answer into.
   */
  public static Message.Builder responseBuilder(Signal signal) {
    return switch (signal) {
      case LOGS -> ExportLogsServiceResponse.newBuilder();
      case TRACES -> ExportTraceServiceResponse.newBuilder();
      case METRICS -> ExportMetricsServiceResponse.newBuilder();
    };
  }

  /**
   * {@code batch} encoded as OTLP protobuf ({@code json}: false) or OTLP/JSON. Logs are written to
   * protobuf straight from the model ({@link OtlpLogsEncoder}).
   */
  public static byte[] encode(Batch batch, boolean json) {
    if (json) return OtlpJson.toJsonBytes(of(batch));
    if (batch instanceof LogsBatch logs) return OtlpLogsEncoder.encode(logs);
    return of(batch).toByteArray();
  }
}
