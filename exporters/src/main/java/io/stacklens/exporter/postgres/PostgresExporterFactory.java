package io.stacklens.exporter.postgres;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.Exporter;
import io.stacklens.agent.api.ExporterFactory;
import io.stacklens.agent.api.Signal;
import io.stacklens.agent.api.Stability;
import java.util.EnumSet;
import java.util.Set;

/** Factory of the {@code postgres} exporter: logs (or alerts) into PostgreSQL tables. */
public final class PostgresExporterFactory implements ExporterFactory<PostgresExporterConfig> {
  public static final String TYPE = "postgres";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<PostgresExporterConfig> configClass() {
    return PostgresExporterConfig.class;
  }

  @Override
  public PostgresExporterConfig createDefaultConfig() {
    return new PostgresExporterConfig();
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
    return "Writes logs (or alerts) into PostgreSQL tables: typed columns, exactly-once ids, dead-letter table";
  }

  @Override
  public Exporter createExporter(ComponentContext context, PostgresExporterConfig config) {
    return new PostgresExporter(context, config);
  }
}
