package io.stacklens.agent.otlp;

import io.stacklens.agent.data.LogRecord;

/**
 * What makes a decoded OTLP log record invalid, for every receiver that takes OTLP logs: a
 * severity_number outside 0..24, a trace_id / span_id present but not 16 / 8 bytes long, or a time
 * past what a signed 64-bit count of nanoseconds holds (a fixed64 of 2^63 or more: after
 * 2262-04-11T23:47:16Z), which the agent could not write back faithfully.
 */
public final class LogRecordRules {
  private LogRecordRules() {}

  /** What is wrong with {@code record}, or null when nothing is. */
  public static String problem(LogRecord record) {
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
    if (record.timeUnixNano() < 0) return timeProblem("time_unix_nano", record.timeUnixNano());
    if (record.observedTimeUnixNano() < 0)
      return timeProblem("observed_time_unix_nano", record.observedTimeUnixNano());
    return null;
  }

  private static String timeProblem(String field, long value) {
    return field
        + " "
        + Long.toUnsignedString(value)
        + " is after 2262-04-11T23:47:16Z, the latest time the agent can hold (2^63-1 ns); send nanoseconds since 1970";
  }
}
