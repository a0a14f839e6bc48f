package io.stacklens.agent.api;

import io.stacklens.agent.data.Signal;

/**
 * Implemented by a config whose settings narrow the signals its factory supports (the {@code kafka}
 * exporter's {@code encoding: raw} carries logs only), so that config validation reports a pipeline
 * of another signal naming the component, at that pipeline's entry, before anything starts.
 */
public interface SignalLimitedConfig extends ComponentConfig {
  /**
   * Why a component with this config cannot be in a pipeline of {@code signal}, completing
   * "exporter 'kafka/raw' does not support traces ...", e.g. {@code "with encoding raw, which
   * carries logs only; use otlp_proto, otlp_json or json"}; null when it can.
   */
  String unsupported(Signal signal);
}
