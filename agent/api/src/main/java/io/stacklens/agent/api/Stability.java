package io.stacklens.agent.api;

import java.util.Locale;

/** Maturity of a component type, shown by {@code stacklens-agent components}. */
public enum Stability {
  /** Being built; config and behaviour may change or the component may disappear without notice. */
  DEVELOPMENT,
  /** Usable for testing; config may still change between releases. */
  ALPHA,
  /** Mostly settled; config changes are rare. */
  BETA,
  /** Used in production; config and behaviour are kept compatible. */
  STABLE;

  /** Lower-case name as printed, e.g. {@code beta}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
