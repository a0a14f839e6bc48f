package io.stacklens.agent.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Dotted YAML key paths ({@code exporters.kafka/enriched.retry_on_failure.max_interval}, list
 * entries as {@code exporters[1]}) and finding where a path was written.
 */
final class YamlPath {
  private YamlPath() {}

  static String child(String parent, String key) {
    return parent.isEmpty() ? key : parent + "." + key;
  }

  static String index(String parent, int index) {
    return parent + "[" + index + "]";
  }

  /**
   * Location of {@code path} in {@code root}: the key's location, a list entry's location, or that
   * of the nearest parent that was written when the path itself was not.
   */
  static Location locate(YamlNode root, String path) {
    if (path.isEmpty()) {
      return root.location();
    }
    return walk(root, path.split("\\.", -1), 0, root.location());
  }

  private static Location walk(YamlNode node, String[] parts, int from, Location best) {
    if (from == parts.length || !(node instanceof YamlNode.Mapping mapping)) {
      return best;
    }
    // Map keys may themselves contain dots (attribute names): try ever longer keys.
    for (int to = from; to < parts.length; to++) {
      String joined = String.join(".", java.util.Arrays.copyOfRange(parts, from, to + 1));
      Segment segment = Segment.parse(joined);
      YamlNode.Entry entry = mapping.entries().get(segment.key());
      if (entry == null) {
        continue;
      }
      Location found = entry.keyLocation();
      YamlNode value = entry.value();
      for (int index : segment.indices()) {
        if (!(value instanceof YamlNode.Sequence seq) || index < 0 || index >= seq.items().size()) {
          return found;
        }
        value = seq.items().get(index);
        found = value.location();
      }
      return walk(value, parts, to + 1, found);
    }
    return best;
  }

  /** {@code exporters[1][0]} -> key {@code exporters}, indices [1, 0]. */
  private record Segment(String key, List<Integer> indices) {
    static Segment parse(String text) {
      List<Integer> indices = new ArrayList<>();
      String rest = text;
      while (rest.endsWith("]")) {
        int open = rest.lastIndexOf('[');
        if (open < 0) {
          break;
        }
        try {
          indices.add(0, Integer.parseInt(rest.substring(open + 1, rest.length() - 1)));
        } catch (NumberFormatException notAnIndex) {
          break;
        }
        rest = rest.substring(0, open);
      }
      return new Segment(rest, indices);
    }
  }
}
