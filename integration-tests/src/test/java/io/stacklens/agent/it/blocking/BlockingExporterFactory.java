package io.stacklens.agent.it.blocking;

import io.stacklens.agent.api.DeclaredExporterFactory;
import io.stacklens.agent.api.Stability;
import io.stacklens.agent.data.Signal;
import java.util.EnumSet;

/**
 * Test-only exporter type {@code blocking}: every push waits on a static gate until the test
 * releases it, then counts the records. Registered for the integration tests only (test resources
 * {@code META-INF/services}). Options: the exporter helper's, plus two inert strings for redaction
 * tests.
 */
public final class BlockingExporterFactory extends DeclaredExporterFactory<BlockingExporterConfig> {
  public BlockingExporterFactory() {
    super(
        "blocking",
        Stability.DEVELOPMENT,
        EnumSet.allOf(Signal.class),
        "Test only: blocks every push until released, then counts records",
        BlockingExporterConfig::new,
        (context, config) -> new BlockingExporter());
  }
}
