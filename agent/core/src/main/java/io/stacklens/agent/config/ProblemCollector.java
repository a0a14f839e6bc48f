package io.stacklens.agent.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Gathers every problem of one load, so that all of them are reported together. */
final class ProblemCollector {
  private final List<ConfigProblem> problems = new ArrayList<>();

  /** Source names in the order they were read, to sort problems by file then position. */
  private final Map<String, Integer> sourceOrder = new LinkedHashMap<>();

  /** Paths with an error already; validation problems there would only repeat it. */
  private final Set<String> erroredPaths = new HashSet<>();

  void registerSource(String name) {
    sourceOrder.putIfAbsent(name, sourceOrder.size());
  }

  void error(String path, Location location, String message) {
    add(Severity.ERROR, path, location, message);
  }

  void warning(String path, Location location, String message) {
    add(Severity.WARNING, path, location, message);
  }

  /** A problem with a whole file (e.g. unreadable), without a line. */
  void fileError(String file, String message) {
    problems.add(new ConfigProblem(Severity.ERROR, "", file, 0, 0, message));
  }

  void add(Severity severity, String path, Location location, String message) {
    if (severity == Severity.ERROR) {
      erroredPaths.add(path);
    }
    problems.add(
        new ConfigProblem(
            severity, path, location.file(), location.line(), location.column(), message));
  }

  /** True when an error was reported at {@code path} (e.g. a value that could not be bound). */
  boolean hasErrorAt(String path) {
    return erroredPaths.contains(path);
  }

  boolean hasErrors() {
    return problems.stream().anyMatch(ConfigProblem::isError);
  }

  /** All problems, ordered by source (in reading order), line and column. */
  List<ConfigProblem> sorted() {
    List<ConfigProblem> result = new ArrayList<>(problems);
    result.sort(
        Comparator.<ConfigProblem>comparingInt(
                p -> sourceOrder.getOrDefault(p.file(), Integer.MAX_VALUE))
            .thenComparingInt(ConfigProblem::line)
            .thenComparingInt(ConfigProblem::column));
    return List.copyOf(result);
  }
}
