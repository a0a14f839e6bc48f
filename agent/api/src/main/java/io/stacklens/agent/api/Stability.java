package io.stacklens.agent.api;

import java.util.Locale;

/** Maturity of a component type, shown by {@code stacklens-agent components}. */
public enum Stability {
  DEVELOPMENT,
  ALPHA,
  BETA,
  STABLE;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
