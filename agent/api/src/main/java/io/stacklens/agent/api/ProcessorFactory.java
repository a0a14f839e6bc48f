package io.stacklens.agent.api;

import io.stacklens.agent.data.Signal;

/**
 * Creates processors of one type. Most processors extend {@link DeclaredProcessorFactory} rather
 * than implement this directly.
 */
public interface ProcessorFactory<C extends ComponentConfig> extends Factory<C> {
  @Override
  default ComponentKind kind() {
    return ComponentKind.PROCESSOR;
  }

  /**
   * Creates the instance for one pipeline; each pipeline naming the id gets its own.
   *
   * @throws Exception when the component cannot be built: start-up fails, printing the component's
   *     YAML path (extended by the setting a {@link StartException} names) and the message
   */
  Processor createProcessor(ComponentContext context, C config, Signal signal) throws Exception;
}
