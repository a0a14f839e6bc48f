package io.stacklens.agent.api;

import io.stacklens.agent.data.Signal;
import java.util.Set;
import java.util.function.Supplier;

/** A {@link ProcessorFactory} made from data (see {@link DeclaredFactory}). */
public abstract class DeclaredProcessorFactory<C extends ComponentConfig> extends DeclaredFactory<C>
    implements ProcessorFactory<C> {
  /** How the component is made for one pipeline: usually its constructor. */
  @FunctionalInterface
  public interface Creator<C> {
    /**
     * Builds the processor for one pipeline of {@code signal}; an exception fails start-up (throw
     * {@link StartException} to name the setting at fault).
     */
    Processor create(ComponentContext context, C config, Signal signal) throws Exception;
  }

  private final Creator<C> creator;

  /**
   * Declares the processor type; see {@link DeclaredFactory} for what each argument must be. {@code
   * creator} is called once per pipeline naming the processor.
   */
  protected DeclaredProcessorFactory(
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
  public final Processor createProcessor(ComponentContext context, C config, Signal signal)
      throws Exception {
    return creator.create(context, config, signal);
  }
}
