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
    /**
     * Builds the receiver for one receiver id, with one consumer per signal that has a pipeline
     * naming it; an exception fails start-up (throw {@link StartException} to name the setting at
     * fault).
     */
    Receiver create(ComponentContext context, C config, Map<Signal, Consumer> consumers)
        throws Exception;
  }

  private final Creator<C> creator;

  /**
   * Declares the receiver type; see {@link DeclaredFactory} for what each argument must be. {@code
   * creator} is called once per receiver id.
   */
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
