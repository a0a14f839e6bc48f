package io.stacklens.agent.config;

/** How bad a {@link ConfigProblem} is: any {@link #ERROR} stops the agent from starting. */
public enum Severity {
  ERROR,
  WARNING
}
