package io.stacklens.processor.parse;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.Processor;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.expr.Condition;
import io.stacklens.agent.expr.Conditions;
import io.stacklens.agent.expr.LogContext;
import io.stacklens.agent.telemetry.Counter;
import io.stacklens.processor.parse.ParseProcessorConfig.OnError;
import java.util.List;

/**
 * The {@code parse} processor: per record, in this order, parse the source field, rename/move
 * fields, set the timestamp, set the severity, normalise fields, check the schema. Each is a step
 * object built once ({@link ParseStep}, one per format; {@link Step}, one per rule or section);
 * this class runs them and decides what a failure does. A record failing a step is tagged, dropped
 * or kept untouched ({@code on_error}); every failure is counted.
 */
final class ParseProcessor implements Processor {
  static final String ERROR_ATTRIBUTE = "parse.error";
  static final String ERRORS_METRIC = "stacklens_processor_parse_errors_total";
  static final String PARSE_FAILED = "parse_failed";
  static final String SCHEMA_INVALID = "schema_invalid";

  private static final int OK = 0;
  private static final int SKIPPED = 1;
  private static final int FAILED = 2;
  private static final int INVALID = 3;

  private final Condition when;
  private final LogContext ctx = new LogContext();
  private final StringBuilder errors = new StringBuilder();
  private final OnError onError;

  /** Null with {@code format: none}. */
  private final ParseStep parse;

  /** Renames, timestamp, severity, normalize rules, in that order. */
  private final Step[] steps;

  /** Null without a schema section. */
  private final Step.Schema schema;

  private final Counter parseErrors;
  private final Counter schemaErrors;
  private final Counter parseDropped;
  private final Counter schemaDropped;

  ParseProcessor(ComponentContext context, ParseProcessorConfig c) {
    when = c.when == null || c.when.isBlank() ? null : Conditions.compileValidated(c.when);
    onError = c.onError;
    parse = ParseStep.of(c);
    Step.Timestamp timestamp = c.timestamp == null ? null : new Step.Timestamp(c.timestamp);
    steps = Step.between(c, timestamp);
    schema =
        c.schema == null
            ? null
            : new Step.Schema(c.schema, timestamp == null ? null : timestamp.time);

    String processor = context.id().toString();
    String pipeline = context.pipeline() == null ? "" : context.pipeline();
    String help =
        "Records that failed a parse step (parse_failed) or the schema (schema_invalid), whatever on_error did with them";
    parseErrors =
        context
            .metrics()
            .counter(
                ERRORS_METRIC,
                help,
                "processor",
                processor,
                "pipeline",
                pipeline,
                "reason",
                PARSE_FAILED);
    schemaErrors =
        context
            .metrics()
            .counter(
                ERRORS_METRIC,
                help,
                "processor",
                processor,
                "pipeline",
                pipeline,
                "reason",
                SCHEMA_INVALID);
    parseDropped = context.droppedCounter(PARSE_FAILED);
    schemaDropped = context.droppedCounter(SCHEMA_INVALID);
  }

  @Override
  public Batch process(Batch batch) {
    LogsBatch logs = (LogsBatch) batch;
    boolean droppedAny = false;
    for (ResourceLogs r : logs.resourceLogs()) {
      for (ScopeLogs s : r.scopeLogs()) {
        List<LogRecord> records = s.logRecords();
        int kept = 0;
        int n = records.size();
        for (int i = 0; i < n; i++) {
          LogRecord out = processRecord(r, s, records.get(i));
          if (out != null) {
            if (kept != i || out != records.get(i)) records.set(kept, out);
            kept++;
          }
        }
        if (kept < n) {
          records.subList(kept, n).clear();
          droppedAny = true;
        }
      }
    }
    if (droppedAny) logs.removeEmpty();
    return logs;
  }

  /**
   * The record to pass on (itself, or its untouched copy with on_error: keep), or null when
   * dropped.
   */
  private LogRecord processRecord(ResourceLogs r, ScopeLogs s, LogRecord record) {
    ctx.set(r, s, record);
    if (when != null && !when.test(ctx)) return record;
    LogRecord original = onError == OnError.KEEP ? record.copy() : null;
    errors.setLength(0);
    int outcome = run();
    if (outcome == OK || outcome == SKIPPED) return record;
    (outcome == INVALID ? schemaErrors : parseErrors).inc();
    switch (onError) {
      case TAG -> {
        record.attributes().put(ERROR_ATTRIBUTE, errors.toString());
        return record;
      }
      case DROP -> {
        (outcome == INVALID ? schemaDropped : parseDropped).inc();
        return null;
      }
      default -> {
        return original;
      }
    }
  }

  /**
   * Runs the steps on the record in {@link #ctx}; the messages of what failed are in {@link
   * #errors}. A record whose parse fails (or whose source is missing) goes through no other step;
   * after the parse every step runs, and the schema is checked last.
   */
  private int run() {
    if (parse != null) {
      int parsed = parse.apply(ctx, errors);
      if (parsed == ParseStep.MISSING) return SKIPPED;
      if (parsed == ParseStep.FAILED) return FAILED;
    }
    boolean failed = false;
    for (int i = 0; i < steps.length; i++) failed |= !steps[i].apply(ctx, errors);
    boolean valid = schema == null || schema.apply(ctx, errors);
    return failed ? FAILED : valid ? OK : INVALID;
  }
}
