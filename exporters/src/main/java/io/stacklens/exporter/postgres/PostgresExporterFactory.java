package io.stacklens.exporter.postgres;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.Exporter;
import io.stacklens.agent.api.ExporterFactory;
import io.stacklens.agent.api.Signal;
import io.stacklens.agent.api.Stability;
import java.time.Duration;
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

  /**
   * Defaults beyond {@link PostgresExporterConfig}'s own: a 60 s attempt timeout, longer than the
   * 30 s statement timeout, so the server ends a slow statement before the attempt is abandoned;
   * two sender threads to match the two pooled connections.
   */
  @Override
  public PostgresExporterConfig createDefaultConfig() {
    PostgresExporterConfig c = new PostgresExporterConfig();
    c.timeout = Duration.ofSeconds(60);
    c.sendingQueue.numConsumers = 2;
    return c;
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
