package io.stacklens.agent.config;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Parses YAML text with snakeyaml's {@code compose} (a node tree with start marks) into a {@link
 * YamlNode} tree. Syntax errors, duplicate keys and non-scalar keys are reported with line:column.
 */
final class YamlReader {
  /** Deeper than this is an alias loop or not a config. */
  private static final int MAX_DEPTH = 64;

  private final String source;
  private final int columnOffset;
  private final ProblemCollector problems;

  private YamlReader(String source, int columnOffset, ProblemCollector problems) {
    this.source = source;
    this.columnOffset = columnOffset;
    this.problems = problems;
  }

  /**
   * Reads one YAML document. An empty document is an empty mapping at 1:1.
   *
   * @param columnOffset added to every column (a {@code --set} value starts after {@code path=})
   * @return empty when the text is not valid YAML (reported)
   */
  static Optional<YamlNode> read(
      String text, String source, int columnOffset, ProblemCollector problems) {
    Node root;
    try {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      Location where =
          mark == null
              ? Location.startOf(source)
              : new Location(source, mark.getLine() + 1, mark.getColumn() + 1 + columnOffset);
      String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
      problems.error("", where, "invalid YAML: " + problem.strip() + context(e, columnOffset));
      return Optional.empty();
    } catch (YAMLException e) {
      problems.error("", Location.startOf(source), "invalid YAML: " + e.getMessage());
      return Optional.empty();
    }
    if (root == null) {
      return Optional.of(new YamlNode.Mapping(new LinkedHashMap<>(), Location.startOf(source)));
    }
    return new YamlReader(source, columnOffset, problems).convert(root, "", 0);
  }

  /** {@code (while parsing a flow sequence started at 3:16)}, or nothing. */
  private static String context(MarkedYAMLException e, int columnOffset) {
    if (e.getContext() == null) {
      return "";
    }
    Mark mark = e.getContextMark();
    String started =
        mark == null
            ? ""
            : " started at " + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1 + columnOffset);
    return " (" + e.getContext() + started + ")";
  }

  private Location at(Node node) {
    Mark mark = node.getStartMark();
    return new Location(source, mark.getLine() + 1, mark.getColumn() + 1 + columnOffset);
  }

  private Optional<YamlNode> convert(Node node, String path, int depth) {
    if (depth > MAX_DEPTH) {
      problems.error(path, at(node), "nested too deeply (recursive alias?)");
      return Optional.empty();
    }
    if (node instanceof ScalarNode scalar) {
      String text = scalar.getTag().equals(Tag.NULL) ? null : scalar.getValue();
      return Optional.of(new YamlNode.Scalar(text, at(node)));
    }
    if (node instanceof SequenceNode sequence) {
      List<YamlNode> items = new ArrayList<>();
      for (Node item : sequence.getValue()) {
        Optional<YamlNode> converted = convert(item, YamlPath.index(path, items.size()), depth + 1);
        if (converted.isEmpty()) {
          return Optional.empty();
        }
        items.add(converted.get());
      }
      return Optional.of(new YamlNode.Sequence(List.copyOf(items), at(node)));
    }
    return convertMapping((MappingNode) node, path, depth);
  }

  private Optional<YamlNode> convertMapping(MappingNode node, String path, int depth) {
    Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
    boolean ok = true;
    for (NodeTuple tuple : node.getValue()) {
      if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)
          || keyNode.getTag().equals(Tag.NULL)) {
        problems.error(
            path, at(tuple.getKeyNode()), "keys must be plain names, not a list, mapping or null");
        ok = false;
        continue;
      }
      String key = keyNode.getValue();
      String childPath = YamlPath.child(path, key);
      YamlNode.Entry first = entries.get(key);
      if (first != null) {
        Location firstAt = first.keyLocation();
        problems.error(
            childPath,
            at(keyNode),
            "duplicate key '"
                + key
                + "' (first written at "
                + firstAt.line()
                + ":"
                + firstAt.column()
                + ")");
        ok = false;
        continue;
      }
      Optional<YamlNode> value = convert(tuple.getValueNode(), childPath, depth + 1);
      if (value.isEmpty()) {
        ok = false;
        continue;
      }
      entries.put(key, new YamlNode.Entry(key, at(keyNode), value.get()));
    }
    return ok ? Optional.of(new YamlNode.Mapping(entries, at(node))) : Optional.empty();
  }
}
