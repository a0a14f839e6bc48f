package io.stacklens.agent.config;

import java.util.List;
import java.util.Optional;

/**
 * Outcome of {@link ConfigLoader}: the config when there is no error, and every problem found
 * (errors and warnings), ordered by file, line and column.
 */
public record LoadResult(Optional<AgentConfig> config, List<ConfigProblem> problems) {
  public LoadResult {
    problems = List.copyOf(problems);
  }

  public boolean hasErrors() {
    return problems.stream().anyMatch(ConfigProblem::isError);
  }

  public List<ConfigProblem> errors() {
    return problems.stream().filter(ConfigProblem::isError).toList();
  }

  public List<ConfigProblem> warnings() {
    return problems.stream().filter(p -> !p.isError()).toList();
  }
}
