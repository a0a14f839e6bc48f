package io.stacklens.processor.enrich;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.Processor;
import io.stacklens.agent.api.ProcessorFactory;
import io.stacklens.agent.api.Signal;
import io.stacklens.agent.api.Stability;
import io.stacklens.processor.enrich.lookup.LookupTable;
import io.stacklens.processor.enrich.lookup.LookupTables;
import java.util.EnumSet;
import java.util.Set;

/** Factory of the {@code enrich} processor (logs). */
public final class EnrichProcessorFactory implements ProcessorFactory<EnrichConfig> {
  public static final String TYPE = "enrich";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<EnrichConfig> configClass() {
    return EnrichConfig.class;
  }

  @Override
  public EnrichConfig createDefaultConfig() {
    return new EnrichConfig();
  }

  @Override
  public Stability stability() {
    return Stability.ALPHA;
  }

  @Override
  public Set<Signal> signals() {
    return EnumSet.of(Signal.LOGS);
  }

  @Override
  public String description() {
    return "Adds host/resource attributes, GeoIP, lookup-table and HTTP API data to log records, with provenance";
  }

  @Override
  public Processor createProcessor(ComponentContext context, EnrichConfig config, Signal signal) {
    return EnrichProcessor.create(context, config, System::getenv, EnrichProcessorFactory::openTable, System::nanoTime);
  }

  static LookupTable openTable(EnrichConfig.LookupSettings l) {
    return l.csv != null ? LookupTables.csv(l.csv) : LookupTables.postgres(l.postgres);
  }
}
