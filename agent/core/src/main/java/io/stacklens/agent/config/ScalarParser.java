package io.stacklens.agent.config;

import io.stacklens.agent.api.ByteSize;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.Durations;
import io.stacklens.agent.api.Suggestions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns scalar text into a config field's type; failures are {@link IllegalArgumentException}s with
 * a readable message.
 */
final class ScalarParser {
  private static final Pattern INTEGER = Pattern.compile("[-+]?\\d+");
  private static final Pattern NUMBER =
      Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");

  private ScalarParser() {}

  static Object parse(Class<?> type, String text) {
    if (type == String.class) {
      return text;
    }
    if (type == boolean.class || type == Boolean.class) {
      if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
        return Boolean.parseBoolean(text);
      }
      throw expected(type, text);
    }
    if (type == int.class || type == Integer.class) {
      return (int) parseInteger(text, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }
    if (type == long.class || type == Long.class) {
      return parseInteger(text, Long.MIN_VALUE, Long.MAX_VALUE);
    }
    if (type == double.class || type == Double.class) {
      if (!NUMBER.matcher(text.trim()).matches()) {
        throw expected(type, text);
      }
      return Double.parseDouble(text.trim());
    }
    if (type == Duration.class) {
      return Durations.parse(text);
    }
    if (type == ByteSize.class) {
      try {
        return ByteSize.parse(text);
      } catch (ArithmeticException tooLarge) {
        throw new IllegalArgumentException("size '" + text + "' is too large");
      }
    }
    if (type == ComponentId.class) {
      return ComponentId.parse(text);
    }
    if (type == PipelineId.class) {
      return PipelineId.parse(text);
    }
    if (type.isEnum()) {
      return parseEnum(type, text);
    }
    throw new IllegalStateException("unsupported config field type " + type.getName());
  }

  /** What a value of {@code type} looks like, for "expected X, got Y". */
  static String describe(Class<?> type) {
    if (type == String.class) return "a string";
    if (type == boolean.class || type == Boolean.class) return "true or false";
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      return "an integer";
    }
    if (type == double.class || type == Double.class) return "a number";
    if (type == Duration.class) return "a duration such as 5s, 200ms or 1m30s";
    if (type == ByteSize.class) return "a size such as 512KiB or 20MiB";
    if (type == ComponentId.class) return "a component id (type[/name])";
    if (type == PipelineId.class) return "a pipeline id (signal[/name])";
    if (type.isEnum()) return "one of " + String.join(", ", enumValues(type));
    return "a value of type " + type.getSimpleName();
  }

  /** YAML names of an enum's constants: lower-case constant names. */
  static List<String> enumValues(Class<?> type) {
    return Arrays.stream(type.getEnumConstants())
        .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT))
        .toList();
  }

  private static long parseInteger(String text, long min, long max) {
    String trimmed = text.trim();
    if (!INTEGER.matcher(trimmed).matches()) {
      throw new IllegalArgumentException("expected an integer, got '" + text + "'");
    }
    try {
      long value = Long.parseLong(trimmed);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException tooLarge) {
      // reported below
    }
    throw new IllegalArgumentException(
        "expected an integer between " + min + " and " + max + ", got '" + text + "'");
  }

  private static Object parseEnum(Class<?> type, String text) {
    for (Object constant : type.getEnumConstants()) {
      if (((Enum<?>) constant).name().toLowerCase(Locale.ROOT).equals(text)) {
        return constant;
      }
    }
    List<String> allowed = enumValues(type);
    throw new IllegalArgumentException(
        "unknown value '"
            + text
            + "' (allowed values: "
            + String.join(", ", allowed)
            + ")"
            + Suggestions.didYouMean(text, allowed));
  }

  private static IllegalArgumentException expected(Class<?> type, String text) {
    return new IllegalArgumentException("expected " + describe(type) + ", got '" + text + "'");
  }
}
