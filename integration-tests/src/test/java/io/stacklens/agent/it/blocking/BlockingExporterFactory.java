package io.stacklens.agent.it.blocking;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.Exporter;
import io.stacklens.agent.api.ExporterFactory;
import io.stacklens.agent.api.Stability;
import io.stacklens.agent.data.Signal;
import java.util.EnumSet;
import java.util.Set;

/**
 * Test-only exporter type {@code blocking}: every push waits on a static gate until the test
 * releases it, then counts the records. Registered for the integration tests only (test resources
 * {@code META-INF/services}). Options: the exporter helper's, plus two inert strings for redaction tests.
 */
public final class BlockingExporterFactory implements ExporterFactory<BlockingExporterConfig> {
  @Override
  public String type() {
    return "blocking";
  }

  @Override
  public Class<BlockingExporterConfig> configClass() {
    return BlockingExporterConfig.class;
  }

  @Override
  public BlockingExporterConfig createDefaultConfig() {
    return new BlockingExporterConfig();
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
    return "Test only: blocks every push until released, then counts records";
  }

  @Override
  public Exporter createExporter(ComponentContext context, BlockingExporterConfig config) {
    return new BlockingExporter();
  }
}
