package io.stacklens.agent.api;

import io.stacklens.agent.data.Signal;
import java.util.Map;

/**
 * Creates receivers of one type. Most receivers extend {@link DeclaredReceiverFactory} rather than
 * implement this directly.
 */
public interface ReceiverFactory<C extends ComponentConfig> extends Factory<C> {
  @Override
  default ComponentKind kind() {
    return ComponentKind.RECEIVER;
  }

  /**
   * Creates the one receiver instance for a receiver id.
   *
   * @param consumers one consumer per signal that has a pipeline naming this receiver; a signal
   *     without an entry has no pipeline (the receiver answers such requests as unsupported)
   * @throws Exception when the component cannot be built: start-up fails, printing the component's
   *     YAML path (extended by the setting a {@link StartException} names) and the message
   */
  Receiver createReceiver(ComponentContext context, C config, Map<Signal, Consumer> consumers)
      throws Exception;
}
