package io.stacklens.agent.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code --set path=value} override: a dotted key path ({@code exporters.file.path}; component
 * ids contain {@code /} but never {@code .}) and a value parsed as YAML, so {@code [file, debug]}
 * is a list and {@code {a: 1}} a mapping. It becomes a small tree merged over the files.
 */
final class SetOverride {
  private SetOverride() {}

  /**
   * Name under which problems in the override are reported: {@code --set 'exporters.file.path=/x'}.
   */
  static String sourceName(String argument) {
    return "--set '" + argument + "'";
  }

  /** The override as a tree to merge over the config; empty when malformed (reported). */
  static Optional<YamlNode> parse(String argument, ProblemCollector problems) {
    String source = sourceName(argument);
    problems.registerSource(source);
    int equals = argument.indexOf('=');
    String path = equals < 0 ? argument : argument.substring(0, equals);
    String[] keys = path.split("\\.", -1);
    if (equals < 0 || path.isBlank() || java.util.Arrays.stream(keys).anyMatch(String::isBlank)) {
      problems.error(
          "",
          Location.startOf(source),
          "malformed override: expected path=value with a dotted path, e.g. --set exporters.file.path=/tmp/x");
      return Optional.empty();
    }
    String valueText = argument.substring(equals + 1);
    Optional<YamlNode> value =
        valueText.isBlank()
            ? Optional.of(new YamlNode.Scalar(null, new Location(source, 1, equals + 2)))
            : YamlReader.read(valueText, source, equals + 1, problems);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    YamlNode tree = value.get();
    int[] keyColumns = keyColumns(keys);
    for (int i = keys.length - 1; i >= 0; i--) {
      Location keyAt = new Location(source, 1, keyColumns[i]);
      Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
      entries.put(keys[i], new YamlNode.Entry(keys[i], keyAt, tree));
      tree = new YamlNode.Mapping(entries, keyAt);
    }
    return Optional.of(tree);
  }

  private static int[] keyColumns(String[] keys) {
    int[] columns = new int[keys.length];
    int column = 1;
    for (int i = 0; i < keys.length; i++) {
      columns[i] = column;
      column += keys[i].length() + 1;
    }
    return columns;
  }
}
