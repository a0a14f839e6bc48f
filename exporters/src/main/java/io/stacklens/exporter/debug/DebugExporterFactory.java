package io.stacklens.exporter.debug;

import io.stacklens.agent.api.DeclaredExporterFactory;
import io.stacklens.agent.api.Stability;
import io.stacklens.agent.data.Signal;
import java.util.EnumSet;

/**
 * Factory of the {@code debug} exporter: prints every signal to standard output, for development.
 */
public final class DebugExporterFactory extends DeclaredExporterFactory<DebugExporterConfig> {
  public static final String TYPE = "debug";

  public DebugExporterFactory() {
    super(
        TYPE,
        Stability.DEVELOPMENT,
        EnumSet.allOf(Signal.class),
        "Prints logs, traces and metrics to standard output, for development",
        DebugExporterConfig::new,
        (context, config) -> new DebugExporter(context, config.verbosity, System.out));
  }
}
