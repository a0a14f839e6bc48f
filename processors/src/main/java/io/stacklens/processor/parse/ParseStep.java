package io.stacklens.processor.parse;

import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.expr.Conditions;
import io.stacklens.agent.expr.FieldPath;
import io.stacklens.agent.expr.LogContext;
import java.nio.charset.StandardCharsets;

/**
 * The first step of the {@code parse} processor: reads the source field, parses it in the
 * configured format (one subclass per format) and stores what it parsed in the target. Built once
 * from a validated config; on a record it allocates only what parsing produces, and a message when
 * it fails.
 */
abstract class ParseStep {
  /** {@link #apply}: the target holds what was parsed. */
  static final int PARSED = 0;

  /**
   * {@link #apply}: the source field is absent and {@code if_missing: skip}; the record passes
   * untouched.
   */
  static final int MISSING = 1;

  /** {@link #apply}: the record failed; why is in the errors. */
  static final int FAILED = 2;

  /** {@code json}, {@code regex} or {@code key_value}, at the start of every message. */
  final String formatName;

  /** The source field as written, for messages. */
  final String sourceName;

  /** The target is the whole attribute map: the parsed value must be a map, merged into it. */
  final boolean targetIsAttributes;

  private final FieldPath source;
  private final FieldPath target;
  private final boolean targetInsideSource;
  private final boolean removeSource;
  private final boolean errorIfMissing;

  /** What the source must hold, for the message when it holds something else. */
  private final String expected;

  ParseStep(ParseProcessorConfig c, String formatName, String expected) {
    this.formatName = formatName;
    this.expected = expected;
    source = Conditions.fieldValidated(c.source);
    sourceName = c.source.trim();
    target = Conditions.fieldValidated(c.target);
    targetIsAttributes = target.root() == FieldPath.Root.ATTRIBUTES && target.keys().isEmpty();
    targetInsideSource = ParseProcessorConfig.contains(source, target);
    removeSource = c.removeSource;
    errorIfMissing = c.ifMissing == ParseProcessorConfig.IfMissing.ERROR;
  }

  /** The step for {@code c.format}; null with {@code format: none}, which parses nothing. */
  static ParseStep of(ParseProcessorConfig c) {
    return switch (c.format) {
      case JSON -> new Json(c);
      case REGEX -> new Regex(c);
      case KEY_VALUE -> new KeyValue(c);
      case NONE -> null;
    };
  }

  /**
   * Parses the source field of the record in {@code ctx} into the target: {@link #PARSED}, {@link
   * #MISSING} or {@link #FAILED}.
   */
  final int apply(LogContext ctx, StringBuilder errors) {
    Object value = source.get(ctx);
    if (value == null) {
      if (!errorIfMissing) return MISSING;
      Step.error(errors, formatName + ": " + sourceName + " is missing (if_missing: error)");
      return FAILED;
    }
    Object parsed;
    try {
      parsed = parseValue(value);
    } catch (RecordError e) {
      Step.error(errors, e.getMessage());
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
      Step.error(
          errors,
          formatName + ": cannot store what was parsed from " + sourceName + ": " + e.getMessage());
      return FAILED;
    }
    if (removeSource && !targetInsideSource) source.remove(ctx);
    return PARSED;
  }

  /**
   * Parses the source's value: text (a string, or bytes read as UTF-8); a format may take other
   * values too.
   */
  Object parseValue(Object value) throws RecordError {
    String text;
    if (value instanceof String s) {
      text = s;
    } else if (value instanceof byte[] b) {
      text = new String(b, StandardCharsets.UTF_8);
    } else {
      throw new RecordError(
          formatName
              + ": "
              + sourceName
              + " is "
              + TimestampParse.article(value)
              + ", expected "
              + expected);
    }
    return parseText(text);
  }

  /** Parses the source's text. */
  abstract Object parseText(String text) throws RecordError;

  /** {@code format: json}: text, or a map (a structured body) that is flattened when asked. */
  static final class Json extends ParseStep {
    private final JsonParse json;

    Json(ParseProcessorConfig c) {
      super(c, "json", "text to parse (or a map)");
      boolean flatten = c.json.flatten != null ? c.json.flatten : targetIsAttributes;
      json = new JsonParse(flatten, c.json.separator, c.json.maxDepth);
    }

    @Override
    Object parseValue(Object value) throws RecordError {
      return value instanceof Attributes map ? json.fromMap(map) : super.parseValue(value);
    }

    @Override
    Object parseText(String text) throws RecordError {
      return json.parse(text, sourceName, targetIsAttributes);
    }
  }

  /** {@code format: regex}: the named groups of the pattern. */
  static final class Regex extends ParseStep {
    private final RegexParse regex;

    Regex(ParseProcessorConfig c) {
      super(c, "regex", "text to parse");
      regex = new RegexParse(c.regex.pattern);
    }

    @Override
    Object parseText(String text) throws RecordError {
      return regex.parse(text, sourceName);
    }
  }

  /** {@code format: key_value}: {@code key=value} pairs. */
  static final class KeyValue extends ParseStep {
    private final KeyValueParse keyValue;

    KeyValue(ParseProcessorConfig c) {
      super(c, "key_value", "text to parse");
      keyValue = new KeyValueParse(c.keyValue.pairDelimiter, c.keyValue.valueDelimiter);
    }

    @Override
    Object parseText(String text) throws RecordError {
      return keyValue.parse(text, sourceName);
    }
  }
}
