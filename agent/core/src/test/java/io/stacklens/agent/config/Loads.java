package io.stacklens.agent.config;

import java.util.List;
import java.util.Map;

/** Shortcuts for loading YAML text in tests, against {@link TestFactories#registry()}. */
final class Loads {
  private Loads() {}

  static LoadResult load(String yaml) {
    return load(yaml, Map.of());
  }

  static LoadResult load(String yaml, Map<String, String> env) {
    return new ConfigLoader(TestFactories.registry(), env).loadString(yaml, "agent.yaml");
  }

  /** Problems as printed: {@code agent.yaml:12:7: path: message}. */
  static List<String> printed(LoadResult result) {
    return result.problems().stream().map(ConfigProblem::toString).toList();
  }
}
