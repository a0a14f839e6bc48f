package io.stacklens.exporter.file;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.Exporter;
import io.stacklens.agent.api.ExporterFactory;
import io.stacklens.agent.api.Signal;
import io.stacklens.agent.api.Stability;
import java.time.Duration;
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

  /**
   * Defaults beyond {@link FileExporterConfig}'s own: batching on (1000 to 10000 records, 200ms) so
   * each push is one large sequential write; two sender threads, so one encodes its batch while the
   * other writes (writes to the file still serialize; measured in docs/benchmarks.md); a 30s attempt
   * timeout for slow disks and rotations.
   */
  @Override
  public FileExporterConfig createDefaultConfig() {
    FileExporterConfig c = new FileExporterConfig();
    c.timeout = Duration.ofSeconds(30);
    c.batch.enabled = true;
    c.batch.minSize = 1000;
    c.batch.maxSize = 10000;
    c.batch.flushTimeout = Duration.ofMillis(200);
    c.sendingQueue.numConsumers = 2;
    return c;
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
