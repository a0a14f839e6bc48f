package io.stacklens.agent.api;

import java.util.List;

/**
 * Implemented by the config of a {@link RoutingProcessor}, so that config validation can check, for
 * each pipeline using it, that it is the last processor and that every exporter it names is one of
 * the pipeline's exporters.
 */
public interface RoutingConfig extends ComponentConfig {
  /** One exporter named by the config, with the config-relative YAML path where it is written. */
  record Target(ComponentId exporter, String path) {}

  /**
   * Every exporter the config sends records to, each with where in the config it is named;
   * validation reports a target that is not among the pipeline's exporters at that path.
   */
  List<Target> routeTargets();
}
