package io.stacklens.processor.transform;

import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ConfigProblems;
import io.stacklens.agent.api.Secret;
import io.stacklens.agent.expr.Conditions;
import io.stacklens.agent.expr.FieldPath;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One entry of {@code actions}. Which options apply depends on {@link #action}; others are errors.
 */
public class ActionConfig implements ComponentConfig {
  /** What the action does. */
  public enum Action {
    SET,
    RENAME,
    COPY,
    DELETE,
    HASH,
    REDACT,
    TRUNCATE,
    CONVERT
  }

  /** Value types for {@code set} and {@code convert}. */
  public enum ValueType {
    STRING,
    INT,
    DOUBLE,
    BOOL
  }

  /** What {@code convert} does with a value it cannot convert. */
  public enum OnError {
    /** Leave the value as it is and set attribute {@code transform.error} to what went wrong. */
    TAG,
    /** Remove the field. */
    REMOVE
  }

  /** Built-in patterns for {@code redact}. */
  public enum Preset {
    CREDIT_CARD,
    EMAIL,
    IPV4,
    US_SSN,
    JWT
  }

  public Action action;
  public String field;
  public String value;
  public String from;
  public String to;
  public String pattern;
  public String keysMatching;
  public String replacement;
  public Preset preset;
  public Integer maxLength;
  public ValueType type;
  @Secret public String salt;
  public OnError onError;
  public String when;

  /** The replacement {@code redact} uses when none is written. */
  public static final String DEFAULT_REPLACEMENT = "****";

  /** For each option, the actions it applies to (the others report it as an error). */
  private static final Map<String, Set<Action>> APPLIES = new LinkedHashMap<>();

  static {
    APPLIES.put("value", EnumSet.of(Action.SET));
    APPLIES.put("from", EnumSet.of(Action.SET));
    APPLIES.put("to", EnumSet.of(Action.RENAME, Action.COPY));
    APPLIES.put("pattern", EnumSet.of(Action.REDACT));
    APPLIES.put("keys_matching", EnumSet.of(Action.DELETE));
    APPLIES.put("replacement", EnumSet.of(Action.REDACT));
    APPLIES.put("preset", EnumSet.of(Action.REDACT));
    APPLIES.put("max_length", EnumSet.of(Action.TRUNCATE));
    APPLIES.put("type", EnumSet.of(Action.SET, Action.CONVERT));
    APPLIES.put("salt", EnumSet.of(Action.HASH));
    APPLIES.put("on_error", EnumSet.of(Action.CONVERT));
  }

  private Object option(String key) {
    return switch (key) {
      case "value" -> value;
      case "from" -> from;
      case "to" -> to;
      case "pattern" -> pattern;
      case "keys_matching" -> keysMatching;
      case "replacement" -> replacement;
      case "preset" -> preset;
      case "max_length" -> maxLength;
      case "type" -> type;
      case "salt" -> salt;
      case "on_error" -> onError;
      default -> throw new IllegalArgumentException(key);
    };
  }

  /**
   * Reports every problem, with paths relative to this action ({@code field}, {@code max_length}).
   */
  @Override
  public void validate(ConfigProblems problems) {
    if (action == null) {
      problems.error(
          "action",
          "is required: one of set, rename, copy, delete, hash, redact, truncate, convert");
      return;
    }
    String name = action.name().toLowerCase(java.util.Locale.ROOT);
    for (Map.Entry<String, Set<Action>> e : APPLIES.entrySet()) {
      if (option(e.getKey()) != null && !e.getValue().contains(action)) {
        List<String> users = new ArrayList<>();
        for (Action a : e.getValue()) users.add(a.name().toLowerCase(java.util.Locale.ROOT));
        problems.error(
            e.getKey(),
            "does not apply to " + name + " (used by " + String.join(", ", users) + ")");
      }
    }
    Conditions.check(problems, "when", when, false);
    if (field != null
        && action != Action.COPY
        && action != Action.DELETE
        && action != Action.REDACT) {
      checkNotWholeMap(problems, "field", name);
    }
    switch (action) {
      case SET -> {
        Conditions.checkField(problems, "field", field, true);
        if ((value == null) == (from == null)) {
          problems.error(
              value == null ? "value" : "from",
              "set needs exactly one of value (a literal) or from (another field)");
        }
        if (from != null) Conditions.checkField(problems, "from", from, true);
        if (value != null && type != null) {
          try {
            Values.convert(value, type);
          } catch (IllegalArgumentException ex) {
            problems.error(
                "value",
                ex.getMessage()
                    + " (type: "
                    + type.name().toLowerCase(java.util.Locale.ROOT)
                    + ")");
          }
        }
      }
      case RENAME, COPY -> {
        Conditions.checkField(problems, "field", field, true);
        Conditions.checkField(problems, "to", to, true);
        if (field != null && field.equals(to)) {
          problems.error("to", "is the same field as field: " + name + " would do nothing");
        }
      }
      case DELETE -> {
        if (keysMatching == null) {
          if (field == null) {
            problems.error(
                "field",
                "delete needs field (one field) or keys_matching (a regex over the keys of a map)");
          } else {
            Conditions.checkField(problems, "field", field, true);
          }
        } else {
          checkRegex(problems, "keys_matching", keysMatching, false);
          if (field != null && Conditions.checkField(problems, "field", field, true)) {
            FieldPath.Root root = Conditions.fieldValidated(field).root();
            if (!isMapRoot(root)) {
              problems.error(
                  "field",
                  "with keys_matching, field names the map to delete from: attributes, "
                      + "resource.attributes, scope.attributes, body or a map inside them; got "
                      + field);
            }
          }
        }
      }
      case HASH -> Conditions.checkField(problems, "field", field, true);
      case REDACT -> {
        if (field != null) Conditions.checkField(problems, "field", field, true);
        if ((pattern == null) == (preset == null)) {
          problems.error(
              pattern == null ? "pattern" : "preset",
              "redact needs exactly one of pattern (a regex) or preset (credit_card, email, ipv4, us_ssn, jwt)");
        }
        if (pattern != null) checkRegex(problems, "pattern", pattern, true);
      }
      case TRUNCATE -> {
        Conditions.checkField(problems, "field", field, true);
        if (maxLength == null) {
          problems.error(
              "max_length", "is required for truncate: the most characters to keep, e.g. 1024");
        } else if (maxLength < 0) {
          problems.error("max_length", "must be 0 or more, got " + maxLength);
        }
      }
      case CONVERT -> {
        Conditions.checkField(problems, "field", field, true);
        if (type == null)
          problems.error("type", "is required for convert: string, int, double or bool");
      }
      default -> throw new AssertionError(action);
    }
  }

  /** A whole attribute map (no key) cannot be set, renamed, hashed, truncated or converted. */
  private void checkNotWholeMap(ConfigProblems problems, String path, String name) {
    try {
      FieldPath p = FieldPath.parse(field);
      if (p.keys().isEmpty() && p.root() != FieldPath.Root.BODY && isMapRoot(p.root())) {
        problems.error(
            path,
            name
                + " needs one field, not the whole map "
                + p
                + "; name a key, e.g. "
                + p
                + "[\"key\"]");
      }
    } catch (io.stacklens.agent.expr.ExpressionException e) {
      // reported by checkField
    }
  }

  static boolean isMapRoot(FieldPath.Root root) {
    return root == FieldPath.Root.ATTRIBUTES
        || root == FieldPath.Root.RESOURCE_ATTRIBUTES
        || root == FieldPath.Root.SCOPE_ATTRIBUTES
        || root == FieldPath.Root.BODY;
  }

  private static void checkRegex(
      ConfigProblems problems, String path, String regex, boolean nonEmptyMatch) {
    if (regex.isEmpty()) {
      problems.error(path, "must not be empty");
      return;
    }
    try {
      Pattern p = Pattern.compile(regex);
      if (nonEmptyMatch && p.matcher("").matches()) {
        problems.error(
            path,
            "matches the empty string ('"
                + regex
                + "'), so it would match everywhere; "
                + "use + instead of * or anchor it");
      }
    } catch (PatternSyntaxException e) {
      problems.error(
          path,
          "invalid regex: "
              + e.getDescription()
              + " near index "
              + e.getIndex()
              + " of '"
              + regex
              + "'");
    }
  }

  /** The field path; only after validation passed. */
  FieldPath fieldPath() {
    return Conditions.fieldValidated(field);
  }
}
