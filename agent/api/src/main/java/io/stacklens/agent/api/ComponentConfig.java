package io.stacklens.agent.api;

/**
 * A component's configuration. Implementations are plain classes whose fields are bound from YAML:
 * a field {@code maxMegabytes} is the key {@code max_megabytes} (override with {@link ConfigKey}).
 * Supported field types: String, boolean, int, long, double (and boxed), {@link java.time.Duration}
 * ({@code 5s}, {@code 200ms}, {@code 1m30s}), {@link ByteSize} ({@code 20MiB}), enums (YAML value
 * is the lower-case constant name), {@code List<T>}, {@code Map<String, T>} and nested config
 * classes (any class with a no-arg constructor; it may itself implement {@code ComponentConfig}).
 *
 * <p>Treat instances as immutable once loaded.
 */
public interface ComponentConfig {
  /**
   * Reports every problem with this config, each with the YAML key path relative to this config
   * ({@code "topic"}, {@code "retry_on_failure.max_interval"}; {@code ""} for the config itself).
   * The loader adds the component's own path and the line:column.
   */
  default void validate(ConfigProblems problems) {}
}
