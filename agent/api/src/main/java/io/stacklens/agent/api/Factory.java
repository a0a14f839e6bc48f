package io.stacklens.agent.api;

import io.stacklens.agent.data.Signal;
import java.util.Set;

/**
 * Creates components of one (kind, type). Found with {@link java.util.ServiceLoader} under {@code
 * META-INF/services/io.stacklens.agent.api.Factory}; a duplicate (kind, type) fails at start-up.
 *
 * @param <C> the config class, bound from YAML onto {@link #createDefaultConfig()}
 */
public interface Factory<C extends ComponentConfig> {
  /**
   * Which kind of component this factory creates; with {@link #type()} it must be unique among all
   * factories.
   */
  ComponentKind kind();

  /** The type part of component ids, e.g. {@code otlp}, {@code file}. */
  String type();

  /** The class of {@link #createDefaultConfig()}'s result, which YAML is bound into. */
  Class<C> configClass();

  /**
   * A new config holding every default. The one place defaults live; YAML is bound on top of it.
   */
  C createDefaultConfig();

  /** Maturity of this component type. */
  Stability stability();

  /**
   * Signals this component can be used in; a pipeline of another signal naming it is a config
   * error.
   */
  Set<Signal> signals();

  /** One line for {@code stacklens-agent components}. */
  default String description() {
    return "";
  }
}
