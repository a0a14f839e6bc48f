package io.stacklens.agent.api;

/**
 * Creates exporters of one type. Most exporters extend {@link DeclaredExporterFactory} rather than
 * implement this directly.
 */
public interface ExporterFactory<C extends ExporterConfig> extends Factory<C> {
  @Override
  default ComponentKind kind() {
    return ComponentKind.EXPORTER;
  }

  /**
   * Creates the one exporter instance for an exporter id. The runtime wraps it in the exporter
   * helper configured by the {@link ExporterConfig} settings (queue, batch, retry, timeout).
   *
   * @throws Exception when the component cannot be built: start-up fails, printing the component's
   *     YAML path (extended by the setting a {@link StartException} names) and the message
   */
  Exporter createExporter(ComponentContext context, C config) throws Exception;
}
