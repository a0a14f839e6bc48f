package io.stacklens.agent.api;

/** Collects validation problems; see {@link ComponentConfig#validate}. */
public interface ConfigProblems {
  /**
   * Reports a setting that makes the config invalid; any error stops the agent from starting.
   * {@code relativePath} is the YAML key of the setting relative to the config being validated
   * (e.g. {@code queue_size}), or empty for the config as a whole; {@code message} says what is
   * wrong, without the key.
   */
  void error(String relativePath, String message);

  /**
   * Reports a setting that is accepted but probably not what was meant; it is printed and start-up
   * continues. Arguments as for {@link #error}.
   */
  void warning(String relativePath, String message);
}
