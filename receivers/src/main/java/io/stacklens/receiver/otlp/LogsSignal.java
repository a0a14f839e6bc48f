package io.stacklens.receiver.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.stacklens.agent.api.Signal;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.otlp.OtlpJson;
import io.stacklens.agent.otlp.OtlpLogs;
import io.stacklens.agent.otlp.OtlpLogsDecoder;
import java.util.Iterator;

/**
 * Logs: decoded straight into the mutable {@link LogsBatch}; a record is invalid when its severity_number is
 * outside 0..24, or its trace_id / span_id is present but not 16 / 8 bytes long.
 */
final class LogsSignal extends OtlpSignal<LogsBatch, ExportLogsServiceResponse> {
  static final LogsSignal INSTANCE = new LogsSignal();

  @Override
  Signal signal() {
    return Signal.LOGS;
  }

  @Override
  String httpPath() {
    return "/v1/logs";
  }

  @Override
  String recordNoun() {
    return "log records";
  }

  /** Protobuf goes straight into the model, without generated message objects (the hot path). */
  @Override
  LogsBatch parseProtobuf(byte[] body) throws InvalidProtocolBufferException {
    return OtlpLogsDecoder.decode(body);
  }

  @Override
  LogsBatch parseJson(byte[] body) {
    return OtlpLogs.fromProto(OtlpJson.parseLogs(body));
  }

  @Override
  Validated validate(LogsBatch batch) {
    long rejected = 0;
    String first = "";
    for (int r = 0; r < batch.resourceLogs().size(); r++) {
      ResourceLogs resource = batch.resourceLogs().get(r);
      for (int s = 0; s < resource.scopeLogs().size(); s++) {
        ScopeLogs scope = resource.scopeLogs().get(s);
        int index = 0;
        for (Iterator<LogRecord> it = scope.logRecords().iterator(); it.hasNext(); index++) {
          String problem = problem(it.next());
          if (problem == null) continue;
          if (rejected++ == 0) {
            first = "resource_logs[" + r + "].scope_logs[" + s + "].log_records[" + index + "]: " + problem;
          }
          it.remove();
        }
      }
    }
    if (rejected > 0) batch.removeEmpty();
    return new Validated(batch, rejected, describe(first, rejected, recordNoun()));
  }

  private static String problem(LogRecord record) {
    int severity = record.severityNumber();
    if (severity < LogRecord.SEVERITY_UNSPECIFIED || severity > LogRecord.SEVERITY_MAX) {
      return "severity_number " + severity + " is outside 0..24";
    }
    if (record.traceId() != null && record.traceId().length != 16) {
      return "trace_id must be 16 bytes (or empty), got " + record.traceId().length;
    }
    if (record.spanId() != null && record.spanId().length != 8) {
      return "span_id must be 8 bytes (or empty), got " + record.spanId().length;
    }
    return null;
  }

  @Override
  ExportLogsServiceResponse response(long rejected, String problem) {
    ExportLogsServiceResponse.Builder b = ExportLogsServiceResponse.newBuilder();
    if (rejected > 0) {
      b.setPartialSuccess(ExportLogsPartialSuccess.newBuilder().setRejectedLogRecords(rejected).setErrorMessage(problem));
    }
    return b.build();
  }
}
