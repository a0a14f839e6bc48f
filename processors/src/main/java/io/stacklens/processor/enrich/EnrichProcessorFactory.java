package io.stacklens.processor.enrich;

import io.stacklens.agent.api.DeclaredProcessorFactory;
import io.stacklens.agent.api.Stability;
import io.stacklens.agent.data.Signal;
import io.stacklens.processor.enrich.lookup.LookupTable;
import io.stacklens.processor.enrich.lookup.LookupTables;
import java.util.EnumSet;

/** Factory of the {@code enrich} processor (logs). */
public final class EnrichProcessorFactory extends DeclaredProcessorFactory<EnrichProcessorConfig> {
  public static final String TYPE = "enrich";

  public EnrichProcessorFactory() {
    super(
        TYPE,
        Stability.ALPHA,
        EnumSet.of(Signal.LOGS),
        "Adds host/resource attributes, GeoIP, lookup-table and HTTP API data to log records, with provenance",
        EnrichProcessorConfig::new,
        (context, config, signal) ->
            EnrichProcessor.create(
                context,
                config,
                System::getenv,
                EnrichProcessorFactory::openTable,
                System::nanoTime));
  }

  static LookupTable openTable(EnrichProcessorConfig.LookupSettings l) {
    return l.csv != null ? LookupTables.csv(l.csv) : LookupTables.postgres(l.postgres);
  }
}
