package io.stacklens.agent.testing;

import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ConfigProblems;
import java.util.ArrayList;
import java.util.List;

/** Records what a config's {@code validate} reports, for tests of one config class. */
public final class ValidationProblems implements ConfigProblems {
  /** One reported problem: an error or a warning at a YAML key (relative to the config). */
  public record Problem(boolean error, String key, String message) {}

  private final List<Problem> all = new ArrayList<>();

  /** What {@code config.validate} reports, in order. */
  public static List<Problem> of(ComponentConfig config) {
    ValidationProblems problems = new ValidationProblems();
    config.validate(problems);
    return problems.all;
  }

  @Override
  public void error(String relativePath, String message) {
    all.add(new Problem(true, relativePath, message));
  }

  @Override
  public void warning(String relativePath, String message) {
    all.add(new Problem(false, relativePath, message));
  }
}
