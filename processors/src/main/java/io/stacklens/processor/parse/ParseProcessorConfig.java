package io.stacklens.processor.parse;

import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ConfigKey;
import io.stacklens.agent.api.ConfigProblems;
import io.stacklens.agent.expr.Conditions;
import io.stacklens.agent.expr.ExpressionException;
import io.stacklens.agent.expr.FieldPath;
import io.stacklens.agent.expr.SeverityNames;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Config of the {@code parse} processor. Steps run per record in this order: parse, rename,
 * timestamp, severity, normalize, schema (docs/processors/parse.md).
 *
 * <pre>
 * when: 'resource.attributes["service.name"] == "checkout"'   # optional: only matching records
 * source: body                 # field parsed
 * format: json                 # json | regex | key_value | none
 * target: attributes           # attributes, attributes["x"], body or body["x"]
 * remove_source: false
 * if_missing: skip             # skip | error: when the source field is absent
 * on_error: tag                # tag | drop | keep
 * json: { flatten: (auto), separator: ".", max_depth: 10 }
 * regex: { pattern: '^(?&lt;ip&gt;\S+) (?&lt;method&gt;\w+)' }
 * key_value: { pair_delimiter: " ", value_delimiter: "=" }
 * rename: [ { from: msg, to: body } ]
 * timestamp: { field: ts, layout: iso8601, time_zone: UTC, remove: false }
 * severity: { field: level, mapping: { notice: INFO2 }, text: source, remove: false }
 * normalize: [ { field: env, trim: true, case: lower } ]
 * schema: { required: [ { field: service, type: string } ] }
 * </pre>
 *
 * <p>Each section validates itself (the config loader runs {@code validate} on every nested
 * section, with keys relative to it). {@link #validate} here reports what needs more than one
 * section: the {@code regex} section, whose pattern is required or refused depending on {@code
 * format} (so it is no {@code ComponentConfig}: it would be checked for every format), a section or
 * list entry left empty, and the schema rules that depend on the steps before it.
 */
public class ParseProcessorConfig implements ComponentConfig {
  /** What the body (or source field) is parsed as. */
  public enum Format {
    JSON,
    REGEX,
    KEY_VALUE,
    NONE
  }

  /** What happens to a record that fails a step or the schema. */
  public enum OnError {
    TAG,
    DROP,
    KEEP
  }

  /** What happens to a record whose source field is absent. */
  public enum IfMissing {
    SKIP,
    ERROR
  }

  /** Where severity_text comes from. */
  public enum SeverityText {
    SOURCE,
    NAME,
    KEEP
  }

  /** Letter case applied by a normalize rule. */
  public enum LetterCase {
    NONE,
    LOWER,
    UPPER
  }

  /** Types a schema rule can require. */
  public enum FieldType {
    STRING,
    INT,
    DOUBLE,
    BOOL,
    MAP,
    ARRAY,
    TIMESTAMP,
    ANY
  }

  /**
   * The layout names understood by {@code timestamp.layout}; anything else is a java.time pattern.
   */
  static final List<String> LAYOUTS =
      List.of("iso8601", "epoch_s", "epoch_ms", "epoch_us", "epoch_ns");

  /** Optional condition: only records matching it are processed; others pass untouched. */
  public String when;

  public String source = "body";

  public Format format = Format.JSON;

  public String target = "attributes";

  /** Removes the source field after a successful parse. */
  public boolean removeSource = false;

  public IfMissing ifMissing = IfMissing.SKIP;

  public OnError onError = OnError.TAG;

  public JsonSettings json = new JsonSettings();

  /** Required with {@code format: regex}. */
  public RegexSettings regex = new RegexSettings();

  public KeyValueSettings keyValue = new KeyValueSettings();

  public List<RenameRule> rename = new ArrayList<>();

  /** Off (null) unless written. */
  public TimestampSettings timestamp;

  /** Off (null) unless written. */
  public SeveritySettings severity;

  public List<NormalizeRule> normalize = new ArrayList<>();

  /** Off (null) unless written. */
  public SchemaSettings schema;

  /** Options of {@code format: json}. */
  public static class JsonSettings implements ComponentConfig {
    /**
     * Nested objects become keys joined by {@link #separator}. Unset: flatten when the target is
     * the whole attributes map, keep nested maps otherwise (a map body).
     */
    public Boolean flatten;

    public String separator = ".";

    /** Objects and arrays nested deeper than this are kept as their JSON text (a string value). */
    public int maxDepth = 10;

    @Override
    public void validate(ConfigProblems problems) {
      if (separator == null || separator.isEmpty()) {
        problems.error(
            "separator", "must not be empty: it joins the keys of flattened objects, e.g. \".\"");
      }
      if (maxDepth < 1) problems.error("max_depth", "must be at least 1, got " + maxDepth);
    }
  }

  /**
   * Options of {@code format: regex}; validated by {@link ParseProcessorConfig#validate}, which
   * knows the format.
   */
  public static class RegexSettings {
    /**
     * A Java regex with named groups {@code (?<name>...)}; each group that matched becomes a field.
     */
    public String pattern;
  }

  /** Options of {@code format: key_value}. */
  public static class KeyValueSettings implements ComponentConfig {
    /** Between pairs; a delimiter of only whitespace means any run of whitespace. */
    public String pairDelimiter = " ";

    /** Between a key and its value (the first one in the pair). */
    public String valueDelimiter = "=";

    @Override
    public void validate(ConfigProblems problems) {
      boolean ok = true;
      if (pairDelimiter == null || pairDelimiter.isEmpty()) {
        problems.error("pair_delimiter", "must not be empty, e.g. \" \" or \",\"");
        ok = false;
      } else if (hasQuote(pairDelimiter)) {
        problems.error("pair_delimiter", "must not contain quotes (they quote values)");
        ok = false;
      }
      if (valueDelimiter == null || valueDelimiter.isEmpty()) {
        problems.error("value_delimiter", "must not be empty, e.g. \"=\" or \":\"");
        ok = false;
      } else if (hasQuote(valueDelimiter)) {
        problems.error("value_delimiter", "must not contain quotes (they quote values)");
        ok = false;
      }
      if (ok
          && (pairDelimiter.contains(valueDelimiter)
              || valueDelimiter.contains(pairDelimiter)
              || (pairDelimiter.isBlank() && valueDelimiter.isBlank()))) {
        problems.error(
            "value_delimiter",
            "must differ from pair_delimiter ('"
                + pairDelimiter
                + "'), or pairs cannot be told apart");
      }
    }
  }

  /** One entry of {@code rename}: moves a field. */
  public static class RenameRule implements ComponentConfig {
    public String from;
    public String to;

    @Override
    public void validate(ConfigProblems problems) {
      FieldPath fromPath = field(problems, "from", from, true);
      FieldPath toPath = field(problems, "to", to, true);
      if (fromPath != null && toPath != null && fromPath.equals(toPath)) {
        problems.error(
            "to", "is the same field as from ('" + from.trim() + "'); nothing would move");
      }
    }
  }

  /** Sets the record's time from a field. */
  public static class TimestampSettings implements ComponentConfig {
    /** Field holding the time. Required. */
    public String field;

    /**
     * iso8601, epoch_s, epoch_ms, epoch_us, epoch_ns, or a java.time pattern such as {@code
     * dd/MMM/yyyy:HH:mm:ss Z}.
     */
    public String layout = "iso8601";

    /** Zone for values without an offset; UTC when unset. */
    public String timeZone;

    /** Removes the field once the time is set. */
    public boolean remove = false;

    @Override
    public void validate(ConfigProblems problems) {
      field(problems, "field", field, true);
      boolean epoch = layout != null && layout.startsWith("epoch_") && LAYOUTS.contains(layout);
      if (layout == null || layout.isBlank()) {
        problems.error(
            "layout",
            "must not be empty: iso8601, epoch_s, epoch_ms, epoch_us, epoch_ns or a java.time pattern");
      } else {
        try {
          TimestampParse.layoutCheck(layout);
        } catch (IllegalArgumentException e) {
          problems.error("layout", e.getMessage());
        }
      }
      if (timeZone != null) {
        try {
          ZoneId.of(timeZone);
          if (epoch) {
            problems.warning(
                "time_zone",
                "has no effect with layout " + layout + " (epoch values are always UTC)");
          }
        } catch (RuntimeException e) {
          problems.error(
              "time_zone",
              "unknown time zone '"
                  + timeZone
                  + "'; expected a region such as Europe/Paris, an offset such as +02:00, or UTC");
        }
      }
    }
  }

  /** Sets the record's severity from a field. */
  public static class SeveritySettings implements ComponentConfig {
    /** Field holding the level. Required. */
    public String field;

    /**
     * Text (case-insensitive) to a severity name (INFO, WARN2, error, ...) or number; checked
     * before the built-in names.
     */
    public Map<String, String> mapping = new LinkedHashMap<>();

    /** severity_text: the field's text (source), the OTLP name (name), or untouched (keep). */
    public SeverityText text = SeverityText.SOURCE;

    public boolean remove = false;

    @Override
    public void validate(ConfigProblems problems) {
      field(problems, "field", field, true);
      if (text == null) problems.error("text", "must be source, name or keep");
      if (mapping == null) return;
      Map<String, String> seen = new HashMap<>();
      for (Map.Entry<String, String> e : mapping.entrySet()) {
        String key = e.getKey();
        String p = "mapping." + key;
        if (key == null || key.isBlank()) {
          problems.error(
              "mapping", "has an empty key; map the text your logs write, e.g. notice: INFO2");
          continue;
        }
        String folded = key.trim().toLowerCase(Locale.ROOT);
        String before = seen.put(folded, key);
        if (before != null) {
          problems.error(
              p, "maps the same text as '" + before + "' (keys are compared case-insensitively)");
        }
        if (SeverityNames.parse(e.getValue()) < 1) {
          problems.error(
              p,
              "'"
                  + e.getValue()
                  + "' is not a severity; expected an OTLP name (TRACE, DEBUG, INFO, "
                  + "WARN, ERROR, FATAL, with an optional 2..4 suffix such as INFO2) or a number 1..24");
        }
      }
    }
  }

  /** One entry of {@code normalize}: trims and/or changes the letter case of a field. */
  public static class NormalizeRule implements ComponentConfig {
    public String field;
    public boolean trim = false;

    @ConfigKey("case")
    public LetterCase letterCase = LetterCase.NONE;

    @Override
    public void validate(ConfigProblems problems) {
      field(problems, "field", field, true);
      if (letterCase == null) problems.error("case", "must be none, lower or upper");
      if (!trim && letterCase == LetterCase.NONE) {
        problems.error("", "does nothing: set trim: true and/or case: lower | upper");
      }
    }
  }

  /** Fields every record must have once the other steps ran. */
  public static class SchemaSettings implements ComponentConfig {
    public List<RequiredField> required = new ArrayList<>();

    /**
     * Checks that there are rules; whether a rule can hold is checked by {@link
     * ParseProcessorConfig#validate}.
     */
    @Override
    public void validate(ConfigProblems problems) {
      if (required == null || required.isEmpty()) {
        problems.error(
            "required", "must list at least one field, e.g. [ { field: service, type: string } ]");
        return;
      }
      for (int i = 0; i < required.size(); i++) {
        if (required.get(i) == null) {
          problems.error(
              "required[" + i + "]",
              "must be { field: <field>, type: string | int | double | bool | map | array | timestamp | any }");
        }
      }
    }
  }

  /** One entry of {@code schema.required}. */
  public static class RequiredField implements ComponentConfig {
    public String field;
    public FieldType type = FieldType.ANY;

    @Override
    public void validate(ConfigProblems problems) {
      field(problems, "field", field, true);
      if (type == null)
        problems.error("type", "must be string, int, double, bool, map, array, timestamp or any");
    }
  }

  // ---------------------------------------------------------------- validation

  @Override
  public void validate(ConfigProblems problems) {
    if (when != null) Conditions.check(problems, "when", when, false);
    FieldPath src = field(problems, "source", source, true);
    if (src != null && format != Format.NONE && src.type() == FieldPath.Type.INT) {
      problems.error(
          "source",
          "'"
              + source.trim()
              + "' holds a number, not text to parse; use body, "
              + "attributes[\"key\"] or another text field");
    }
    FieldPath tgt = field(problems, "target", target, true);
    if (tgt != null
        && tgt.root() != FieldPath.Root.ATTRIBUTES
        && tgt.root() != FieldPath.Root.BODY) {
      problems.error(
          "target",
          "must be attributes, attributes[\"key\"], body or body[\"key\"]; got '"
              + target.trim()
              + "'");
    }
    if (format == null) problems.error("format", "must be json, regex, key_value or none");
    if (onError == null) problems.error("on_error", "must be tag, drop or keep");
    if (ifMissing == null) problems.error("if_missing", "must be skip or error");
    if (removeSource && format == Format.NONE) {
      problems.error(
          "remove_source", "has no effect with format: none (nothing is parsed); remove it");
    } else if (removeSource && src != null && tgt != null && contains(src, tgt)) {
      problems.error(
          "remove_source",
          "would remove what was just parsed: the source '"
              + source.trim()
              + "' and the target '"
              + target.trim()
              + "' are the same field");
    }
    if (json == null) problems.error("json", "must not be empty");
    validateRegex(problems);
    if (keyValue == null) problems.error("key_value", "must not be empty");
    if (rename != null) {
      for (int i = 0; i < rename.size(); i++) {
        if (rename.get(i) == null)
          problems.error("rename[" + i + "]", "must be { from: <field>, to: <field> }");
      }
    }
    if (normalize != null) {
      for (int i = 0; i < normalize.size(); i++) {
        if (normalize.get(i) == null) {
          problems.error(
              "normalize[" + i + "]", "must be { field: <field>, trim: true, case: lower }");
        }
      }
    }
    validateSchemaAgainstSteps(problems, src);
  }

  private void validateRegex(ConfigProblems problems) {
    String pattern = regex == null ? null : regex.pattern;
    if (format == Format.REGEX) {
      if (pattern == null || pattern.isEmpty()) {
        problems.error(
            "regex.pattern",
            "is required with format: regex, e.g. '^(?<level>\\w+) (?<message>.*)$'");
        return;
      }
      try {
        RegexParse.compile(pattern);
      } catch (IllegalArgumentException e) {
        problems.error("regex.pattern", e.getMessage());
      }
    } else if (pattern != null) {
      problems.error(
          "regex.pattern",
          "is set but format is " + lower(format) + "; set format: regex or remove the pattern");
    }
  }

  /**
   * The schema rules that cannot hold because of the steps before the schema: a timestamp type
   * without a timestamp section, a field required twice, a field removed earlier. Each rule's own
   * keys are checked by {@link RequiredField}.
   */
  private void validateSchemaAgainstSteps(ConfigProblems problems, FieldPath src) {
    if (schema == null || schema.required == null) return;
    Map<FieldPath, String> removedBy = removedFields(src);
    Map<FieldPath, Integer> seen = new HashMap<>();
    for (int i = 0; i < schema.required.size(); i++) {
      RequiredField r = schema.required.get(i);
      if (r == null) continue;
      String p = "schema.required[" + i + "]";
      if (r.type == FieldType.TIMESTAMP && timestamp == null) {
        problems.error(
            p + ".type",
            "timestamp needs a timestamp section (its layout is how the value must parse)");
      }
      FieldPath f = quiet(r.field);
      if (f == null) continue;
      Integer before = seen.put(f, i);
      if (before != null) {
        problems.error(
            p + ".field",
            "'" + r.field.trim() + "' is already required by schema.required[" + before + "]");
      }
      String remover = removedBy.get(f);
      if (remover != null) {
        problems.error(
            p + ".field",
            "'"
                + r.field.trim()
                + "' is removed earlier by "
                + remover
                + ", so this requirement would fail for every record");
      }
    }
  }

  /** Fields removed by steps running before the schema, with the setting that removes them. */
  private Map<FieldPath, String> removedFields(FieldPath src) {
    Map<FieldPath, String> out = new HashMap<>();
    if (removeSource && src != null) out.put(src, "remove_source");
    if (rename != null) {
      for (int i = 0; i < rename.size(); i++) {
        RenameRule r = rename.get(i);
        FieldPath from = r == null ? null : quiet(r.from);
        if (from != null) out.put(from, "rename[" + i + "]");
      }
      // a later rule may move something back into a removed field
      for (RenameRule r : rename) {
        FieldPath to = r == null ? null : quiet(r.to);
        if (to != null) out.remove(to);
      }
    }
    if (timestamp != null && timestamp.remove && quiet(timestamp.field) != null)
      out.put(quiet(timestamp.field), "timestamp.remove");
    if (severity != null && severity.remove && quiet(severity.field) != null)
      out.put(quiet(severity.field), "severity.remove");
    return out;
  }

  // ---------------------------------------------------------------- helpers

  private static FieldPath field(
      ConfigProblems problems, String path, String text, boolean required) {
    if (!Conditions.checkField(problems, path, text, required)) return null;
    return quiet(text);
  }

  private static FieldPath quiet(String text) {
    if (text == null || text.isBlank()) return null;
    try {
      return FieldPath.parse(text);
    } catch (ExpressionException e) {
      return null;
    }
  }

  /** True when {@code inner} is {@code outer} or lies inside it. */
  static boolean contains(FieldPath outer, FieldPath inner) {
    if (outer.root() != inner.root()) return false;
    List<String> ko = outer.keys();
    List<String> ki = inner.keys();
    return ki.size() >= ko.size() && ki.subList(0, ko.size()).equals(ko);
  }

  private static boolean hasQuote(String s) {
    return s.indexOf('"') >= 0 || s.indexOf('\'') >= 0;
  }

  private static String lower(Enum<?> e) {
    return e == null ? "unset" : e.name().toLowerCase(Locale.ROOT);
  }
}
