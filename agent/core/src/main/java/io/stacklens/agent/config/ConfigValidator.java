package io.stacklens.agent.config;

import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ConfigProblems;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Runs {@link ComponentConfig#validate} on a bound config and, recursively, on every nested config
 * object (fields, list entries, map values), prefixing the relative paths they report and placing
 * each problem at the key it names, or at the nearest parent that was written.
 *
 * <p>Every section is validated, whatever its siblings say, parent before children, each once. So a
 * nested config class validates only its own keys, relative to itself, and its parent reports only
 * what needs the parent (a required section missing, rules across sections). A section that must be
 * checked only in some modes (parse's {@code regex}, which only {@code format: regex} requires and
 * any other format refuses) is not a {@code ComponentConfig}: its parent, which knows the mode,
 * validates it. The loader keeps the first error at a key (later ones there are dropped), so a
 * parent that checks a key a section also checks should leave that case to the section.
 */
public final class ConfigValidator {
  private final ProblemCollector problems;
  private final YamlNode root;

  ConfigValidator(ProblemCollector problems, YamlNode root) {
    this.problems = problems;
    this.root = root;
  }

  /** Validates {@code config} written at {@code path} and everything nested in it. */
  void validate(Object config, String path) {
    visit(config, path, Collections.newSetFromMap(new IdentityHashMap<>()), this::runValidate);
  }

  /**
   * Validates {@code config} and every config nested in it the way the loader does, each section
   * once, reporting paths relative to {@code config} (e.g. {@code protocols.grpc.endpoint}). For
   * tests and tools that hold a config object without the YAML it came from.
   */
  public static void validateTree(ComponentConfig config, ConfigProblems problems) {
    visit(
        config,
        "",
        Collections.newSetFromMap(new IdentityHashMap<>()),
        (section, path) ->
            section.validate(
                new ConfigProblems() {
                  @Override
                  public void error(String relativePath, String message) {
                    problems.error(join(path, relativePath), message);
                  }

                  @Override
                  public void warning(String relativePath, String message) {
                    problems.warning(join(path, relativePath), message);
                  }
                }));
  }

  /**
   * {@link #validateTree}'s problems as text, in the order reported: {@code path: message} for an
   * error, {@code warning path: message} for a warning. For tests and tools.
   */
  public static List<String> problemsOf(ComponentConfig config) {
    List<String> out = new ArrayList<>();
    validateTree(
        config,
        new ConfigProblems() {
          @Override
          public void error(String path, String message) {
            out.add(path + ": " + message);
          }

          @Override
          public void warning(String path, String message) {
            out.add("warning " + path + ": " + message);
          }
        });
    return out;
  }

  /** {@code relativePath} (reported by a section) under the section's {@code path}. */
  private static String join(String path, String relativePath) {
    return relativePath == null || relativePath.isEmpty()
        ? path
        : YamlPath.child(path, relativePath);
  }

  private static void visit(
      Object value,
      String path,
      Set<Object> visited,
      BiConsumer<ComponentConfig, String> validateSection) {
    if (value == null) {
      return;
    }
    if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        visit(list.get(i), YamlPath.index(path, i), visited, validateSection);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach(
          (key, item) ->
              visit(item, YamlPath.child(path, String.valueOf(key)), visited, validateSection));
      return;
    }
    if (!ConfigFields.isNestedConfig(value.getClass()) || !visited.add(value)) {
      return;
    }
    if (value instanceof ComponentConfig config) {
      validateSection.accept(config, path);
    }
    for (ConfigFields.ConfigField field : ConfigFields.of(value.getClass()).values()) {
      visit(field.get(value), YamlPath.child(path, field.key()), visited, validateSection);
    }
  }

  private void runValidate(ComponentConfig config, String path) {
    ConfigProblems sink =
        new ConfigProblems() {
          @Override
          public void error(String relativePath, String message) {
            report(Severity.ERROR, relativePath, message);
          }

          @Override
          public void warning(String relativePath, String message) {
            report(Severity.WARNING, relativePath, message);
          }

          private void report(Severity severity, String relativePath, String message) {
            String full = join(path, relativePath);
            if (problems.hasErrorAt(full)) {
              return; // the value written there was already refused; its default is not the user's
              // doing
            }
            problems.add(severity, full, YamlPath.locate(root, full), message);
          }
        };
    try {
      config.validate(sink);
    } catch (RuntimeException e) {
      problems.error(path, YamlPath.locate(root, path), "validation failed: " + e);
    }
  }
}
