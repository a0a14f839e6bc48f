package io.stacklens.exporter.debug;

import static io.stacklens.exporter.debug.DebugText.block;
import static io.stacklens.exporter.debug.DebugText.field;

import io.stacklens.agent.data.AnyValues;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;

/** Debug output of log batches. */
final class DebugLogs {
  private DebugLogs() {}

  static void append(LogsBatch batch, boolean detailed, StringBuilder sb) {
    if (detailed) {
      appendDetailed(batch, sb);
    } else {
      batch.forEachRecord(r -> appendLine(r, sb));
    }
  }

  /** {@code <time> <severity> <body> <attributes>}. */
  private static void appendLine(LogRecord r, StringBuilder sb) {
    long time = r.timeUnixNano() != 0 ? r.timeUnixNano() : r.observedTimeUnixNano();
    sb.append(DebugText.time(time))
        .append(' ')
        .append(DebugText.severity(r.severityText(), r.severityNumber()))
        .append(' ')
        .append(r.body() == null ? "" : AnyValues.toDisplayString(r.body()))
        .append(' ')
        .append(DebugText.inline(r.attributes()))
        .append('\n');
  }

  private static void appendDetailed(LogsBatch batch, StringBuilder sb) {
    int ri = 0;
    for (ResourceLogs rl : batch.resourceLogs()) {
      sb.append("ResourceLogs #").append(ri++).append('\n');
      if (!rl.schemaUrl().isEmpty()) field("  ", "SchemaURL", rl.schemaUrl(), sb);
      block("  ", "Resource attributes", rl.resource().attributes(), sb);
      if (rl.resource().droppedAttributesCount() != 0) {
        field(
            "  ", "Resource dropped attributes count", rl.resource().droppedAttributesCount(), sb);
      }
      int si = 0;
      for (ScopeLogs sl : rl.scopeLogs()) {
        sb.append("  ScopeLogs #").append(si++).append('\n');
        if (!sl.schemaUrl().isEmpty()) field("    ", "SchemaURL", sl.schemaUrl(), sb);
        field(
            "    ",
            "InstrumentationScope",
            (sl.scope().name() + " " + sl.scope().version()).strip(),
            sb);
        block("    ", "InstrumentationScope attributes", sl.scope().attributes(), sb);
        if (sl.scope().droppedAttributesCount() != 0) {
          field(
              "    ",
              "InstrumentationScope dropped attributes count",
              sl.scope().droppedAttributesCount(),
              sb);
        }
        int li = 0;
        for (LogRecord r : sl.logRecords()) {
          sb.append("    LogRecord #").append(li++).append('\n');
          appendRecord(r, sb);
        }
      }
    }
  }

  private static void appendRecord(LogRecord r, StringBuilder sb) {
    String in = "      ";
    field(in, "ObservedTimestamp", DebugText.time(r.observedTimeUnixNano()), sb);
    field(in, "Timestamp", DebugText.time(r.timeUnixNano()), sb);
    field(in, "SeverityText", r.severityText(), sb);
    field(
        in,
        "SeverityNumber",
        DebugText.severity("", r.severityNumber()) + "(" + r.severityNumber() + ")",
        sb);
    if (!r.eventName().isEmpty()) field(in, "EventName", r.eventName(), sb);
    field(in, "Body", DebugText.typed(r.body()), sb);
    block(in, "Attributes", r.attributes(), sb);
    if (r.droppedAttributesCount() != 0)
      field(in, "DroppedAttributesCount", r.droppedAttributesCount(), sb);
    field(in, "Trace ID", DebugText.hex(r.traceId()), sb);
    field(in, "Span ID", DebugText.hex(r.spanId()), sb);
    field(in, "Flags", r.flags(), sb);
  }
}
