package io.stacklens.agent.cli.loadgen;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.util.Arrays;

/**
 * Where the log records' times sit in an encoded request, so that {@link PreparedRequest#stamped}
 * can move them without re-encoding. {@code time_unix_nano} (field 1) and {@code
 * observed_time_unix_nano} (field 11) are fixed64 in OTLP: a one-byte tag (0x09, 0x59) then 8
 * little-endian bytes. The encoded bytes are walked record by record in message order, looking for
 * each record's tag followed by its value, and every record must be found.
 */
final class TimeFields {
  private static final byte TIME_TAG = 0x09; // field 1, wire type 1 (fixed64)
  private static final byte OBSERVED_TIME_TAG = 0x59; // field 11, wire type 1

  private TimeFields() {}

  static int[] offsets(ExportLogsServiceRequest message, byte[] body) {
    int[] out = new int[2 * count(message)];
    int n = 0;
    int from = 0;
    for (ResourceLogs rl : message.getResourceLogsList()) {
      for (ScopeLogs sl : rl.getScopeLogsList()) {
        for (LogRecord r : sl.getLogRecordsList()) {
          int time = find(body, from, TIME_TAG, r.getTimeUnixNano());
          int observed = find(body, time, OBSERVED_TIME_TAG, r.getObservedTimeUnixNano());
          out[n++] = time;
          out[n++] = observed;
          from = observed + 8;
        }
      }
    }
    return Arrays.copyOf(out, n);
  }

  private static int count(ExportLogsServiceRequest message) {
    int n = 0;
    for (ResourceLogs rl : message.getResourceLogsList()) {
      for (ScopeLogs sl : rl.getScopeLogsList()) n += sl.getLogRecordsCount();
    }
    return n;
  }

  /**
   * Offset of the 8 value bytes after {@code tag} holding {@code value}, searching from {@code
   * from}.
   */
  private static int find(byte[] body, int from, byte tag, long value) {
    for (int i = from; i + 9 <= body.length; i++) {
      if (body[i] == tag && littleEndianLong(body, i + 1) == value) return i + 1;
    }
    throw new IllegalStateException("time field " + value + " not found in the encoded request");
  }

  private static long littleEndianLong(byte[] b, int at) {
    long v = 0;
    for (int k = 7; k >= 0; k--) v = (v << 8) | (b[at + k] & 0xffL);
    return v;
  }
}
