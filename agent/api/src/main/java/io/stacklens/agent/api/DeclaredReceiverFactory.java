package io.stacklens.agent.api;

import io.stacklens.agent.data.Signal;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** A {@link ReceiverFactory} made from data (see {@link DeclaredFactory}). */
public abstract class DeclaredReceiverFactory<C extends ComponentConfig> extends DeclaredFactory<C>
    implements ReceiverFactory<C> {
  /** How the component is made: usually its constructor. */
  @FunctionalInterface
  public interface Creator<C> {
    Receiver create(ComponentContext context, C config, Map<Signal, Consumer> consumers)
        throws Exception;
  }

  private final Creator<C> creator;

  protected DeclaredReceiverFactory(
      String type,
      Stability stability,
      Set<Signal> signals,
      String description,
      Supplier<C> defaults,
      Creator<C> creator) {
    super(type, stability, signals, description, defaults);
    this.creator = creator;
  }

  @Override
  public final Receiver createReceiver(
      ComponentContext context, C config, Map<Signal, Consumer> consumers) throws Exception {
    return creator.create(context, config, consumers);
  }
}
