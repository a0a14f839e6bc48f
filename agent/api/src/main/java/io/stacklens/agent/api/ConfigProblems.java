package io.stacklens.agent.api;

/** Collects validation problems; see {@link ComponentConfig#validate}. */
public interface ConfigProblems {
  void error(String relativePath, String message);

  void warning(String relativePath, String message);
}
