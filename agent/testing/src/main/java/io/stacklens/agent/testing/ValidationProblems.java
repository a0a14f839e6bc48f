package io.stacklens.agent.testing;

import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ConfigProblems;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.Assertions;

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

  /**
   * Asserts that {@code problems} is exactly one error, at {@code key}, whose message contains each
   * of {@code fragments}.
   */
  public static void assertOneError(List<Problem> problems, String key, String... fragments) {
    Assertions.assertThat(problems)
        .singleElement()
        .satisfies(
            p -> {
              Assertions.assertThat(p.error()).isTrue();
              Assertions.assertThat(p.key()).isEqualTo(key);
              if (fragments.length > 0) Assertions.assertThat(p.message()).contains(fragments);
            });
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
