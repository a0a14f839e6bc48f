package io.stacklens.agent.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Expands {@code ${env:NAME}} and {@code ${env:NAME:-default}} in every scalar value of a tree
 * (anywhere in the string); {@code $$} is a literal {@code $}. Keys are not expanded. An unset
 * variable without a default is an error at the scalar's location; the value is then treated as not
 * written, so no second error follows from it.
 */
final class EnvExpander {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final Map<String, String> env;
  private final ProblemCollector problems;

  EnvExpander(Map<String, String> env, ProblemCollector problems) {
    this.env = env;
    this.problems = problems;
  }

  YamlNode expand(YamlNode node, String path) {
    if (node instanceof YamlNode.Scalar scalar) {
      return expandScalar(scalar, path);
    }
    if (node instanceof YamlNode.Sequence sequence) {
      List<YamlNode> items = new ArrayList<>();
      for (YamlNode item : sequence.items()) {
        items.add(expand(item, YamlPath.index(path, items.size())));
      }
      return new YamlNode.Sequence(List.copyOf(items), sequence.location());
    }
    YamlNode.Mapping mapping = (YamlNode.Mapping) node;
    Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
    for (YamlNode.Entry entry : mapping.entries().values()) {
      YamlNode value = expand(entry.value(), YamlPath.child(path, entry.key()));
      entries.put(entry.key(), new YamlNode.Entry(entry.key(), entry.keyLocation(), value));
    }
    return new YamlNode.Mapping(entries, mapping.location());
  }

  private YamlNode expandScalar(YamlNode.Scalar scalar, String path) {
    String text = scalar.text();
    if (text == null || text.indexOf('$') < 0) {
      return scalar;
    }
    List<String> errors = new ArrayList<>();
    String expanded = expandText(text, errors);
    for (String error : errors) {
      problems.error(path, scalar.location(), error);
    }
    return new YamlNode.Scalar(errors.isEmpty() ? expanded : null, scalar.location());
  }

  /** Expands one string; problems go to {@code errors}. */
  String expandText(String text, List<String> errors) {
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c != '$' || i + 1 >= text.length()) {
        out.append(c);
        i++;
      } else if (text.charAt(i + 1) == '$') {
        out.append('$');
        i += 2;
      } else if (text.charAt(i + 1) == '{') {
        int close = text.indexOf('}', i + 2);
        if (close < 0) {
          errors.add("unterminated '${' in '" + text + "'; write $$ for a literal '$'");
          return text;
        }
        out.append(substitute(text.substring(i, close + 1), errors));
        i = close + 1;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private String substitute(String reference, List<String> errors) {
    String body = reference.substring(2, reference.length() - 1);
    if (!body.startsWith("env:")) {
      errors.add(
          "unsupported substitution '"
              + reference
              + "': use ${env:NAME} or ${env:NAME:-default}, "
              + "or write $$ for a literal '$'");
      return "";
    }
    String spec = body.substring("env:".length());
    int separator = spec.indexOf(":-");
    String name = separator < 0 ? spec : spec.substring(0, separator);
    if (!NAME.matcher(name).matches()) {
      errors.add("invalid environment variable name '" + name + "' in '" + reference + "'");
      return "";
    }
    String value = env.get(name);
    if (value != null) {
      return value;
    }
    if (separator >= 0) {
      return spec.substring(separator + 2);
    }
    errors.add(
        "environment variable '"
            + name
            + "' is not set; set it, or give a default: ${env:"
            + name
            + ":-default}");
    return "";
  }
}
