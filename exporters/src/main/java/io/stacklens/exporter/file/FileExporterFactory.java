package io.stacklens.exporter.file;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.Exporter;
import io.stacklens.agent.api.ExporterFactory;
import io.stacklens.agent.api.Signal;
import io.stacklens.agent.api.Stability;
import java.util.EnumSet;
import java.util.Set;

/** Factory of the {@code file} exporter: logs, traces and metrics to a local file, rotated. */
public final class FileExporterFactory implements ExporterFactory<FileExporterConfig> {
  public static final String TYPE = "file";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<FileExporterConfig> configClass() {
    return FileExporterConfig.class;
  }

  @Override
  public FileExporterConfig createDefaultConfig() {
    return new FileExporterConfig();
  }

  @Override
  public Stability stability() {
    return Stability.ALPHA;
  }

  @Override
  public Set<Signal> signals() {
    return EnumSet.allOf(Signal.class);
  }

  @Override
  public String description() {
    return "Writes logs, traces and metrics to a local file as JSON lines or OTLP/JSON, with rotation";
  }

  @Override
  public Exporter createExporter(ComponentContext context, FileExporterConfig config) {
    return new FileExporter(context, config);
  }
}
