package io.stacklens.processor.parse;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.Processor;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.expr.Condition;
import io.stacklens.agent.expr.Conditions;
import io.stacklens.agent.expr.FieldPath;
import io.stacklens.agent.expr.LogContext;
import io.stacklens.agent.expr.SeverityNames;
import io.stacklens.agent.telemetry.Counter;
import io.stacklens.processor.parse.ParseProcessorConfig.FieldType;
import io.stacklens.processor.parse.ParseProcessorConfig.Format;
import io.stacklens.processor.parse.ParseProcessorConfig.IfMissing;
import io.stacklens.processor.parse.ParseProcessorConfig.LetterCase;
import io.stacklens.processor.parse.ParseProcessorConfig.OnError;
import io.stacklens.processor.parse.ParseProcessorConfig.SeverityText;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code parse} processor: per record, in this order, parse the source field, rename/move
 * fields, set the timestamp, set the severity, normalise fields, check the schema. A record failing a
 * step is tagged, dropped or kept untouched ({@code on_error}); every failure is counted.
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

  // parse
  private final Format format;
  private final String formatName;
  private final FieldPath source;
  private final String sourceName;
  private final FieldPath target;
  private final boolean targetIsAttributes;
  private final boolean targetInsideSource;
  private final boolean removeSource;
  private final IfMissing ifMissing;
  private final OnError onError;
  private final JsonParse json;
  private final RegexParse regex;
  private final KeyValueParse keyValue;

  // rename
  private final FieldPath[] renameFrom;
  private final FieldPath[] renameTo;
  private final String[] renameText;

  // timestamp
  private final FieldPath timeField;
  private final String timeName;
  private final TimestampParse time;
  private final boolean timeRemove;

  // severity
  private final FieldPath severityField;
  private final String severityName;
  private final Map<String, Integer> severityMapping;
  private final SeverityText severityText;
  private final boolean severityRemove;

  // normalize
  private final FieldPath[] normalizeFields;
  private final String[] normalizeNames;
  private final boolean[] normalizeTrim;
  private final LetterCase[] normalizeCase;

  // schema
  private final FieldPath[] requiredFields;
  private final String[] requiredNames;
  private final FieldType[] requiredTypes;

  private final Counter parseErrors;
  private final Counter schemaErrors;
  private final Counter parseDropped;
  private final Counter schemaDropped;

  ParseProcessor(ComponentContext context, ParseProcessorConfig c) {
    when = c.when == null || c.when.isBlank() ? null : Conditions.compileValidated(c.when);
    format = c.format;
    formatName = c.format.name().toLowerCase(Locale.ROOT);
    source = Conditions.fieldValidated(c.source);
    sourceName = c.source.trim();
    target = Conditions.fieldValidated(c.target);
    targetIsAttributes = target.root() == FieldPath.Root.ATTRIBUTES && target.keys().isEmpty();
    targetInsideSource = ParseProcessorConfig.contains(source, target);
    removeSource = c.removeSource;
    ifMissing = c.ifMissing;
    onError = c.onError;
    boolean flatten = c.json.flatten != null ? c.json.flatten : targetIsAttributes;
    json = format == Format.JSON ? new JsonParse(flatten, c.json.separator, c.json.maxDepth) : null;
    regex = format == Format.REGEX ? new RegexParse(c.regex.pattern) : null;
    keyValue = format == Format.KEY_VALUE ? new KeyValueParse(c.keyValue.pairDelimiter, c.keyValue.valueDelimiter) : null;

    List<ParseProcessorConfig.RenameRule> renames = c.rename == null ? List.of() : c.rename;
    renameFrom = new FieldPath[renames.size()];
    renameTo = new FieldPath[renames.size()];
    renameText = new String[renames.size()];
    for (int i = 0; i < renames.size(); i++) {
      renameFrom[i] = Conditions.fieldValidated(renames.get(i).from);
      renameTo[i] = Conditions.fieldValidated(renames.get(i).to);
      renameText[i] = renames.get(i).from.trim() + " to " + renames.get(i).to.trim();
    }

    if (c.timestamp != null) {
      timeField = Conditions.fieldValidated(c.timestamp.field);
      timeName = c.timestamp.field.trim();
      time = new TimestampParse(c.timestamp.layout, TimestampParse.zone(c.timestamp.timeZone));
      timeRemove = c.timestamp.remove;
    } else {
      timeField = null;
      timeName = null;
      time = null;
      timeRemove = false;
    }

    if (c.severity != null) {
      severityField = Conditions.fieldValidated(c.severity.field);
      severityName = c.severity.field.trim();
      severityMapping = new HashMap<>();
      if (c.severity.mapping != null) {
        c.severity.mapping.forEach((k, v) -> severityMapping.put(k.trim().toLowerCase(Locale.ROOT), SeverityNames.parse(v)));
      }
      severityText = c.severity.text;
      severityRemove = c.severity.remove;
    } else {
      severityField = null;
      severityName = null;
      severityMapping = Map.of();
      severityText = SeverityText.KEEP;
      severityRemove = false;
    }

    List<ParseProcessorConfig.NormalizeRule> rules = c.normalize == null ? List.of() : c.normalize;
    normalizeFields = new FieldPath[rules.size()];
    normalizeNames = new String[rules.size()];
    normalizeTrim = new boolean[rules.size()];
    normalizeCase = new LetterCase[rules.size()];
    for (int i = 0; i < rules.size(); i++) {
      normalizeFields[i] = Conditions.fieldValidated(rules.get(i).field);
      normalizeNames[i] = rules.get(i).field.trim();
      normalizeTrim[i] = rules.get(i).trim;
      normalizeCase[i] = rules.get(i).letterCase;
    }

    List<ParseProcessorConfig.RequiredField> required = c.schema == null ? List.of() : c.schema.required;
    requiredFields = new FieldPath[required.size()];
    requiredNames = new String[required.size()];
    requiredTypes = new FieldType[required.size()];
    for (int i = 0; i < required.size(); i++) {
      requiredFields[i] = Conditions.fieldValidated(required.get(i).field);
      requiredNames[i] = required.get(i).field.trim();
      requiredTypes[i] = required.get(i).type;
    }

    String processor = context.id().toString();
    String pipeline = context.pipeline() == null ? "" : context.pipeline();
    String help = "Records that failed a parse step (parse_failed) or the schema (schema_invalid), whatever on_error did with them";
    parseErrors = context.metrics().counter(ERRORS_METRIC, help, "processor", processor, "pipeline", pipeline, "reason", PARSE_FAILED);
    schemaErrors = context.metrics().counter(ERRORS_METRIC, help, "processor", processor, "pipeline", pipeline, "reason", SCHEMA_INVALID);
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

  /** The record to pass on (itself, or its untouched copy with on_error: keep), or null when dropped. */
  private LogRecord processRecord(ResourceLogs r, ScopeLogs s, LogRecord record) {
    ctx.set(r, s, record);
    if (when != null && !when.test(ctx)) return record;
    LogRecord original = onError == OnError.KEEP ? record.copy() : null;
    errors.setLength(0);
    int outcome = run(record);
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

  /** Runs the steps; the messages of what failed are in {@link #errors}. */
  private int run(LogRecord record) {
    if (format != Format.NONE) {
      int parsed = parse();
      if (parsed != OK) return parsed;
    }
    boolean failed = false;
    for (int i = 0; i < renameFrom.length; i++) failed |= !rename(i);
    if (timeField != null) failed |= !timestamp(record);
    if (severityField != null) failed |= !severity(record);
    for (int i = 0; i < normalizeFields.length; i++) failed |= !normalize(i);
    boolean valid = requiredFields.length == 0 || schema();
    return failed ? FAILED : valid ? OK : INVALID;
  }

  // ---------------------------------------------------------------- parse

  private int parse() {
    Object value = source.get(ctx);
    if (value == null) {
      if (ifMissing == IfMissing.SKIP) return SKIPPED;
      error(formatName + ": " + sourceName + " is missing (if_missing: error)");
      return FAILED;
    }
    Object parsed;
    try {
      parsed = parseValue(value);
    } catch (RecordError e) {
      error(e.getMessage());
      return FAILED;
    }
    try {
      if (targetInsideSource) source.remove(ctx);
      if (targetIsAttributes) {
        ctx.record().attributes().putAll((Attributes) parsed);
      } else {
        target.set(ctx, parsed);
      }
    } catch (IllegalArgumentException e) {
      if (targetInsideSource && source.get(ctx) == null) source.set(ctx, value);
      error(formatName + ": cannot store what was parsed from " + sourceName + ": " + e.getMessage());
      return FAILED;
    }
    if (removeSource && !targetInsideSource) source.remove(ctx);
    return OK;
  }

  private Object parseValue(Object value) throws RecordError {
    if (format == Format.JSON && value instanceof Attributes map) return json.fromMap(map);
    String text;
    if (value instanceof String s) text = s;
    else if (value instanceof byte[] b) text = new String(b, StandardCharsets.UTF_8);
    else {
      throw new RecordError(formatName + ": " + sourceName + " is " + TimestampParse.article(value)
          + ", expected text to parse" + (format == Format.JSON ? " (or a map)" : ""));
    }
    return switch (format) {
      case JSON -> json.parse(text, sourceName, targetIsAttributes);
      case REGEX -> regex.parse(text, sourceName);
      case KEY_VALUE -> keyValue.parse(text, sourceName);
      case NONE -> throw new IllegalStateException("no parse step");
    };
  }

  // ---------------------------------------------------------------- rename

  private boolean rename(int i) {
    try {
      renameFrom[i].moveTo(ctx, renameTo[i]);
      return true;
    } catch (IllegalArgumentException e) {
      error("rename: cannot move " + renameText[i] + ": " + e.getMessage());
      return false;
    }
  }

  // ---------------------------------------------------------------- timestamp

  private boolean timestamp(LogRecord record) {
    Object value = timeField.get(ctx);
    if (value == null) return true;
    try {
      record.setTimeUnixNano(time.parse(value, timeName));
    } catch (RecordError e) {
      error(e.getMessage());
      return false;
    }
    if (timeRemove) timeField.remove(ctx);
    return true;
  }

  // ---------------------------------------------------------------- severity

  private boolean severity(LogRecord record) {
    Object value = severityField.get(ctx);
    if (value == null) return true;
    int number;
    String text = null;
    if (value instanceof String s) {
      text = s.trim();
      Integer mapped = severityMapping.isEmpty() ? null : severityMapping.get(text.toLowerCase(Locale.ROOT));
      number = mapped != null ? mapped : SeverityNames.parse(text);
      if (number < 1) {
        error("severity: " + severityName + " " + RecordError.show(s) + " is not a known severity (expected e.g. debug, "
            + "info, warn, error, fatal or a number 1..24; map other words with severity.mapping)");
        return false;
      }
    } else if (value instanceof Long l && l >= 1 && l <= LogRecord.SEVERITY_MAX) {
      number = (int) (long) l;
    } else if (value instanceof Double d && d >= 1 && d <= LogRecord.SEVERITY_MAX && d == Math.rint(d)) {
      number = (int) (double) d;
    } else {
      error("severity: " + severityName + " is " + TimestampParse.article(value) + " " + RecordError.show(value)
          + ", expected a level name or a number 1..24");
      return false;
    }
    record.setSeverityNumber(number);
    switch (severityText) {
      case SOURCE -> record.setSeverityText(text != null ? text : SeverityNames.name(number));
      case NAME -> record.setSeverityText(SeverityNames.name(number));
      case KEEP -> { }
    }
    if (severityRemove) severityField.remove(ctx);
    return true;
  }

  // ---------------------------------------------------------------- normalize

  private boolean normalize(int i) {
    if (!(normalizeFields[i].get(ctx) instanceof String s)) return true;
    String v = normalizeTrim[i] ? s.trim() : s;
    v = switch (normalizeCase[i]) {
      case LOWER -> v.toLowerCase(Locale.ROOT);
      case UPPER -> v.toUpperCase(Locale.ROOT);
      case NONE -> v;
    };
    if (v.equals(s)) return true;
    try {
      normalizeFields[i].set(ctx, v);
      return true;
    } catch (IllegalArgumentException e) {
      error("normalize: cannot set " + normalizeNames[i] + ": " + e.getMessage());
      return false;
    }
  }

  // ---------------------------------------------------------------- schema

  /** Checks every required field; all violations go into one message. */
  private boolean schema() {
    int start = errors.length();
    boolean first = true;
    for (int i = 0; i < requiredFields.length; i++) {
      Object value = requiredFields[i].get(ctx);
      String problem = check(i, value);
      if (problem == null) continue;
      if (first) {
        if (start > 0) errors.append("; ");
        errors.append("schema: ");
        first = false;
      } else {
        errors.append("; ");
      }
      errors.append(problem);
    }
    return first;
  }

  /** What is wrong with required field {@code i} holding {@code value}, or null. */
  private String check(int i, Object value) {
    String name = requiredNames[i];
    if (value == null) return "required field \"" + name + "\" is missing";
    if (value instanceof String s && s.isEmpty()) return "required field \"" + name + "\" is empty";
    FieldType type = requiredTypes[i];
    boolean ok = switch (type) {
      case ANY -> true;
      case STRING -> value instanceof String;
      case INT -> value instanceof Long || (value instanceof String s && isLong(s));
      case DOUBLE -> value instanceof Long || value instanceof Double || (value instanceof String s && isDouble(s));
      case BOOL -> value instanceof Boolean || (value instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")));
      case MAP -> value instanceof Attributes;
      case ARRAY -> value instanceof List<?>;
      case TIMESTAMP -> isTime(i, value);
    };
    if (ok) return null;
    String expected = switch (type) {
      case STRING -> "a string";
      case INT -> "an int";
      case DOUBLE -> "a number";
      case BOOL -> "a bool";
      case MAP -> "a map";
      case ARRAY -> "an array";
      case TIMESTAMP -> "a timestamp in layout " + time.layout();
      case ANY -> "a value";
    };
    return "field \"" + name + "\" must be " + expected + ", got " + TimestampParse.article(value) + " " + RecordError.show(value);
  }

  private boolean isTime(int i, Object value) {
    FieldPath.Root root = requiredFields[i].root();
    if (root == FieldPath.Root.TIME || root == FieldPath.Root.OBSERVED_TIME) return true;
    try {
      time.parse(value, requiredNames[i]);
      return true;
    } catch (RecordError e) {
      return false;
    }
  }

  private static boolean isLong(String s) {
    String t = s.trim();
    int i = t.startsWith("-") || t.startsWith("+") ? 1 : 0;
    if (i == t.length() || t.length() - i > 19) return false;
    for (; i < t.length(); i++) {
      if (t.charAt(i) < '0' || t.charAt(i) > '9') return false;
    }
    try {
      Long.parseLong(t);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static boolean isDouble(String s) {
    String t = s.trim();
    if (t.isEmpty()) return false;
    char c = t.charAt(t.length() - 1);
    if (!(c >= '0' && c <= '9') && c != '.') return false; // refuses "1d", "NaN", "Infinity" suffixes
    try {
      return Double.isFinite(Double.parseDouble(t));
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private void error(String message) {
    if (errors.length() > 0) errors.append("; ");
    errors.append(message);
  }
}
