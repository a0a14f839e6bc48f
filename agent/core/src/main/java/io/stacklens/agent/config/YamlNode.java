package io.stacklens.agent.config;

import java.util.List;
import java.util.Map;

/**
 * The loader's own YAML tree: every node keeps its {@link Location}, so nodes from several files
 * and {@code --set} overrides can be merged and still point at where each value was written.
 */
sealed interface YamlNode permits YamlNode.Scalar, YamlNode.Sequence, YamlNode.Mapping {
  Location location();

  /** How the node is named in "expected X, got Y" messages. */
  String describe();

  /** A scalar; {@code text} is null for a YAML null ({@code ~}, {@code null} or an empty value). */
  record Scalar(String text, Location location) implements YamlNode {
    boolean isNull() {
      return text == null;
    }

    @Override
    public String describe() {
      return text == null ? "nothing" : "'" + text + "'";
    }
  }

  record Sequence(List<YamlNode> items, Location location) implements YamlNode {
    @Override
    public String describe() {
      return "a list";
    }
  }

  /** Entries in the order they were written; each keeps the location of its key. */
  record Mapping(Map<String, Entry> entries, Location location) implements YamlNode {
    @Override
    public String describe() {
      return "a mapping";
    }

    YamlNode get(String key) {
      Entry entry = entries.get(key);
      return entry == null ? null : entry.value();
    }
  }

  /** One key of a {@link Mapping} with its value. */
  record Entry(String key, Location keyLocation, YamlNode value) {}

  /** True for a missing node or a YAML null: "keep the default". */
  static boolean isAbsent(YamlNode node) {
    return node == null || (node instanceof Scalar scalar && scalar.isNull());
  }
}
