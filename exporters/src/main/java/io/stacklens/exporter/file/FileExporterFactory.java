package io.stacklens.exporter.file;

import io.stacklens.agent.api.DeclaredExporterFactory;
import io.stacklens.agent.api.Stability;
import io.stacklens.agent.data.Signal;
import java.util.EnumSet;

/** Factory of the {@code file} exporter: logs, traces and metrics to a local file, rotated. */
public final class FileExporterFactory extends DeclaredExporterFactory<FileExporterConfig> {
  public static final String TYPE = "file";

  public FileExporterFactory() {
    super(
        TYPE,
        Stability.ALPHA,
        EnumSet.allOf(Signal.class),
        "Writes logs, traces and metrics to a local file as JSON lines or OTLP/JSON, with rotation",
        FileExporterConfig::new,
        FileExporter::new);
  }
}
