package io.stacklens.exporter.debug;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.Exporter;
import io.stacklens.agent.api.ExporterFactory;
import io.stacklens.agent.api.Signal;
import io.stacklens.agent.api.Stability;
import java.util.EnumSet;
import java.util.Set;

/** Factory of the {@code debug} exporter: prints every signal to standard output, for development. */
public final class DebugExporterFactory implements ExporterFactory<DebugExporterConfig> {
  public static final String TYPE = "debug";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<DebugExporterConfig> configClass() {
    return DebugExporterConfig.class;
  }

  @Override
  public DebugExporterConfig createDefaultConfig() {
    return new DebugExporterConfig();
  }

  @Override
  public Stability stability() {
    return Stability.DEVELOPMENT;
  }

  @Override
  public Set<Signal> signals() {
    return EnumSet.allOf(Signal.class);
  }

  @Override
  public String description() {
    return "Prints logs, traces and metrics to standard output, for development";
  }

  @Override
  public Exporter createExporter(ComponentContext context, DebugExporterConfig config) {
    return new DebugExporter(context, config.verbosity, System.out);
  }
}
