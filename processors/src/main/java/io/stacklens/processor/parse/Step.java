package io.stacklens.processor.parse;

import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.expr.Conditions;
import io.stacklens.agent.expr.FieldPath;
import io.stacklens.agent.expr.LogContext;
import io.stacklens.agent.expr.SeverityNames;
import io.stacklens.processor.parse.ParseProcessorConfig.FieldType;
import io.stacklens.processor.parse.ParseProcessorConfig.LetterCase;
import io.stacklens.processor.parse.ParseProcessorConfig.SeverityText;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One step of the {@code parse} processor after the parse itself (a rename rule, the timestamp, the
 * severity, a normalize rule, the schema), compiled from a validated config: paths parsed, layouts
 * and mappings built once. {@link #apply} allocates nothing on a record it can handle.
 */
abstract class Step {
  /**
   * Works on the record in {@code ctx}. When it cannot, adds why to {@code errors} (with {@link
   * #error}) and returns false; the other steps still run.
   */
  abstract boolean apply(LogContext ctx, StringBuilder errors);

  /** Adds {@code message} to a record's errors, after a {@code "; "} when there are some. */
  static void error(StringBuilder errors, String message) {
    if (errors.length() > 0) errors.append("; ");
    errors.append(message);
  }

  /**
   * The steps between the parse and the schema, in order: renames, timestamp, severity, normalize.
   */
  static Step[] between(ParseProcessorConfig c, Timestamp timestamp) {
    List<ParseProcessorConfig.RenameRule> renames = c.rename == null ? List.of() : c.rename;
    List<ParseProcessorConfig.NormalizeRule> normalize =
        c.normalize == null ? List.of() : c.normalize;
    List<Step> steps = new ArrayList<>();
    for (ParseProcessorConfig.RenameRule r : renames) steps.add(new Rename(r));
    if (timestamp != null) steps.add(timestamp);
    if (c.severity != null) steps.add(new Severity(c.severity));
    for (ParseProcessorConfig.NormalizeRule r : normalize) steps.add(new Normalize(r));
    return steps.toArray(new Step[0]);
  }

  /** {@code rename[i]}: moves one field to another. */
  static final class Rename extends Step {
    private final FieldPath from;
    private final FieldPath to;
    private final String text;

    Rename(ParseProcessorConfig.RenameRule r) {
      from = Conditions.fieldValidated(r.from);
      to = Conditions.fieldValidated(r.to);
      text = r.from.trim() + " to " + r.to.trim();
    }

    @Override
    boolean apply(LogContext ctx, StringBuilder errors) {
      try {
        from.moveTo(ctx, to);
        return true;
      } catch (IllegalArgumentException e) {
        error(errors, "rename: cannot move " + text + ": " + e.getMessage());
        return false;
      }
    }
  }

  /** {@code timestamp}: sets the record's time from a field in one layout. */
  static final class Timestamp extends Step {
    private final FieldPath field;
    private final String name;
    private final boolean remove;

    /** The layout, also what the schema's {@code timestamp} type checks against. */
    final TimestampParse time;

    Timestamp(ParseProcessorConfig.TimestampSettings t) {
      field = Conditions.fieldValidated(t.field);
      name = t.field.trim();
      time = new TimestampParse(t.layout, TimestampParse.zone(t.timeZone));
      remove = t.remove;
    }

    @Override
    boolean apply(LogContext ctx, StringBuilder errors) {
      Object value = field.get(ctx);
      if (value == null) return true;
      try {
        ctx.record().setTimeUnixNano(time.parse(value, name));
      } catch (RecordError e) {
        error(errors, e.getMessage());
        return false;
      }
      if (remove) field.remove(ctx);
      return true;
    }
  }

  /**
   * {@code severity}: sets the severity number (and text) from a level name, a mapped word or a
   * number.
   */
  static final class Severity extends Step {
    private final FieldPath field;
    private final String name;
    private final Map<String, Integer> mapping = new HashMap<>();
    private final SeverityText text;
    private final boolean remove;

    Severity(ParseProcessorConfig.SeveritySettings s) {
      field = Conditions.fieldValidated(s.field);
      name = s.field.trim();
      if (s.mapping != null) {
        s.mapping.forEach(
            (k, v) -> mapping.put(k.trim().toLowerCase(Locale.ROOT), SeverityNames.parse(v)));
      }
      text = s.text;
      remove = s.remove;
    }

    @Override
    boolean apply(LogContext ctx, StringBuilder errors) {
      Object value = field.get(ctx);
      if (value == null) return true;
      int number;
      String written = null;
      if (value instanceof String s) {
        written = s.trim();
        Integer mapped = mapping.isEmpty() ? null : mapping.get(written.toLowerCase(Locale.ROOT));
        number = mapped != null ? mapped : SeverityNames.parse(written);
        if (number < 1) {
          error(
              errors,
              "severity: "
                  + name
                  + " "
                  + RecordError.show(s)
                  + " is not a known severity (expected e.g. "
                  + "debug, info, warn, error, fatal or a number 1..24; map other words with severity.mapping)");
          return false;
        }
      } else if (value instanceof Long l && l >= 1 && l <= LogRecord.SEVERITY_MAX) {
        number = (int) (long) l;
      } else if (value instanceof Double d
          && d >= 1
          && d <= LogRecord.SEVERITY_MAX
          && d == Math.rint(d)) {
        number = (int) (double) d;
      } else {
        error(
            errors,
            "severity: "
                + name
                + " is "
                + TimestampParse.article(value)
                + " "
                + RecordError.show(value)
                + ", expected a level name or a number 1..24");
        return false;
      }
      LogRecord record = ctx.record();
      record.setSeverityNumber(number);
      switch (text) {
        case SOURCE ->
            record.setSeverityText(written != null ? written : SeverityNames.name(number));
        case NAME -> record.setSeverityText(SeverityNames.name(number));
        case KEEP -> {}
      }
      if (remove) field.remove(ctx);
      return true;
    }
  }

  /** {@code normalize[i]}: trims a string field and/or changes its letter case. */
  static final class Normalize extends Step {
    private final FieldPath field;
    private final String name;
    private final boolean trim;
    private final LetterCase letterCase;

    Normalize(ParseProcessorConfig.NormalizeRule r) {
      field = Conditions.fieldValidated(r.field);
      name = r.field.trim();
      trim = r.trim;
      letterCase = r.letterCase;
    }

    @Override
    boolean apply(LogContext ctx, StringBuilder errors) {
      if (!(field.get(ctx) instanceof String s)) return true;
      String v = trim ? s.trim() : s;
      v =
          switch (letterCase) {
            case LOWER -> v.toLowerCase(Locale.ROOT);
            case UPPER -> v.toUpperCase(Locale.ROOT);
            case NONE -> v;
          };
      if (v.equals(s)) return true;
      try {
        field.set(ctx, v);
        return true;
      } catch (IllegalArgumentException e) {
        error(errors, "normalize: cannot set " + name + ": " + e.getMessage());
        return false;
      }
    }
  }

  /**
   * {@code schema}: checks every required field; all violations of a record go into one message.
   */
  static final class Schema extends Step {
    private final FieldPath[] fields;
    private final String[] names;
    private final FieldType[] types;

    /**
     * The timestamp step's layout, for the {@code timestamp} type; null without a timestamp
     * section.
     */
    private final TimestampParse time;

    Schema(ParseProcessorConfig.SchemaSettings s, TimestampParse time) {
      List<ParseProcessorConfig.RequiredField> required = s.required;
      fields = new FieldPath[required.size()];
      names = new String[required.size()];
      types = new FieldType[required.size()];
      for (int i = 0; i < required.size(); i++) {
        fields[i] = Conditions.fieldValidated(required.get(i).field);
        names[i] = required.get(i).field.trim();
        types[i] = required.get(i).type;
      }
      this.time = time;
    }

    /**
     * Returns false (the record is invalid) when a required field is missing, empty or of another
     * type.
     */
    @Override
    boolean apply(LogContext ctx, StringBuilder errors) {
      boolean valid = true;
      for (int i = 0; i < fields.length; i++) {
        String problem = check(i, fields[i].get(ctx));
        if (problem == null) continue;
        error(errors, valid ? "schema: " + problem : problem);
        valid = false;
      }
      return valid;
    }

    /** What is wrong with required field {@code i} holding {@code value}, or null. */
    private String check(int i, Object value) {
      String name = names[i];
      if (value == null) return "required field \"" + name + "\" is missing";
      if (value instanceof String s && s.isEmpty())
        return "required field \"" + name + "\" is empty";
      FieldType type = types[i];
      boolean ok =
          switch (type) {
            case ANY -> true;
            case STRING -> value instanceof String;
            case INT -> value instanceof Long || (value instanceof String s && isLong(s));
            case DOUBLE ->
                value instanceof Long
                    || value instanceof Double
                    || (value instanceof String s && isDouble(s));
            case BOOL ->
                value instanceof Boolean
                    || (value instanceof String s
                        && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")));
            case MAP -> value instanceof Attributes;
            case ARRAY -> value instanceof List<?>;
            case TIMESTAMP -> isTime(i, value);
          };
      if (ok) return null;
      String expected =
          switch (type) {
            case STRING -> "a string";
            case INT -> "an int";
            case DOUBLE -> "a number";
            case BOOL -> "a bool";
            case MAP -> "a map";
            case ARRAY -> "an array";
            case TIMESTAMP -> "a timestamp in layout " + time.layout();
            case ANY -> "a value";
          };
      return "field \""
          + name
          + "\" must be "
          + expected
          + ", got "
          + TimestampParse.article(value)
          + " "
          + RecordError.show(value);
    }

    private boolean isTime(int i, Object value) {
      FieldPath.Root root = fields[i].root();
      if (root == FieldPath.Root.TIME || root == FieldPath.Root.OBSERVED_TIME) return true;
      try {
        time.parse(value, names[i]);
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
      if (!(c >= '0' && c <= '9') && c != '.')
        return false; // refuses "1d", "NaN", "Infinity" suffixes
      try {
        return Double.isFinite(Double.parseDouble(t));
      } catch (NumberFormatException e) {
        return false;
      }
    }
  }
}
