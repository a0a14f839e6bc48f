package io.stacklens.agent.otlp;

import com.google.protobuf.Message;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.MetricsBatch;
import io.stacklens.agent.data.TracesBatch;

/**
 * A batch as the OTLP {@code Export*ServiceRequest} of its signal, for exporters that send OTLP.
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

  /** {@code batch} encoded as OTLP protobuf ({@code json}: false) or OTLP/JSON. */
  public static byte[] encode(Batch batch, boolean json) {
    Message request = of(batch);
    return json ? OtlpJson.toJsonBytes(request) : request.toByteArray();
  }
}
