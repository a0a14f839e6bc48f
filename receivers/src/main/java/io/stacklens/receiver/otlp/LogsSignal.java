package io.stacklens.receiver.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.limits.DecodeBudget;
import io.stacklens.agent.otlp.LogRecordRules;
import io.stacklens.agent.otlp.OtlpLogs;
import io.stacklens.agent.otlp.OtlpLogsDecoder;
import java.util.Iterator;

/**
 * Logs: decoded straight into the mutable {@link LogsBatch} (records over a decode limit are left
 * out by the decoder); a record is invalid when it breaks {@link LogRecordRules}.
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
  LogsBatch parseProtobuf(byte[] body, DecodeBudget budget) throws InvalidProtocolBufferException {
    return OtlpLogsDecoder.decode(body, 0, body.length, budget);
  }

  @Override
  LogsBatch parseJson(byte[] body, DecodeBudget budget) {
    return OtlpLogs.fromJson(body, budget);
  }

  @Override
  Validated validate(LogsBatch batch, DecodeBudget budget) {
    long invalid = 0;
    String first = "";
    for (int r = 0; r < batch.resourceLogs().size(); r++) {
      ResourceLogs resource = batch.resourceLogs().get(r);
      for (int s = 0; s < resource.scopeLogs().size(); s++) {
        ScopeLogs scope = resource.scopeLogs().get(s);
        int index = 0;
        for (Iterator<LogRecord> it = scope.logRecords().iterator(); it.hasNext(); index++) {
          String problem = LogRecordRules.problem(it.next());
          if (problem == null) continue;
          if (invalid++ == 0) {
            first =
                "resource_logs["
                    + r
                    + "].scope_logs["
                    + s
                    + "].log_records["
                    + index
                    + "]: "
                    + problem;
          }
          it.remove();
        }
      }
    }
    if (invalid > 0) batch.removeEmpty();
    long rejected = invalid + budget.rejected();
    return new Validated(
        batch, invalid, rejected, describe(first(budget, first), rejected, recordNoun()));
  }

  @Override
  ExportLogsServiceResponse response(long rejected, String problem) {
    ExportLogsServiceResponse.Builder b = ExportLogsServiceResponse.newBuilder();
    if (rejected > 0) {
      b.setPartialSuccess(
          ExportLogsPartialSuccess.newBuilder()
              .setRejectedLogRecords(rejected)
              .setErrorMessage(problem));
    }
    return b.build();
  }
}
