package io.stacklens.processor.enrich.lookup;

import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ConfigProblems;
import java.util.ArrayList;
import java.util.List;

/**
 * Records validation problems as {@code "path: message"} ({@code "warning path: message"} for
 * warnings).
 */
final class Problems implements ConfigProblems {
  final List<String> all = new ArrayList<>();

  static List<String> of(ComponentConfig config) {
    Problems p = new Problems();
    config.validate(p);
    return p.all;
  }

  @Override
  public void error(String relativePath, String message) {
    all.add(relativePath + ": " + message);
  }

  @Override
  public void warning(String relativePath, String message) {
    all.add("warning " + relativePath + ": " + message);
  }
}
