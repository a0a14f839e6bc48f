package io.stacklens.agent.api;

import io.stacklens.agent.data.Signal;
import java.util.Set;
import java.util.function.Supplier;

/** An {@link ExporterFactory} made from data (see {@link DeclaredFactory}). */
public abstract class DeclaredExporterFactory<C extends ExporterConfig> extends DeclaredFactory<C>
    implements ExporterFactory<C> {
  /** How the component is made: usually its constructor. */
  @FunctionalInterface
  public interface Creator<C> {
    /**
     * Builds the exporter for one exporter id; an exception fails start-up (throw {@link
     * StartException} to name the setting at fault).
     */
    Exporter create(ComponentContext context, C config) throws Exception;
  }

  private final Creator<C> creator;

  /**
   * Declares the exporter type; see {@link DeclaredFactory} for what each argument must be. {@code
   * creator} is called once per exporter id.
   */
  protected DeclaredExporterFactory(
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
  public final Exporter createExporter(ComponentContext context, C config) throws Exception {
    return creator.create(context, config);
  }
}
