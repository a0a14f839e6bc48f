package io.stacklens.exporter.postgres;

import io.stacklens.agent.api.DeclaredExporterFactory;
import io.stacklens.agent.api.Stability;
import io.stacklens.agent.data.Signal;
import java.util.EnumSet;

/**
 * Factory of the {@code postgres} exporter: logs, alerts or dead letters into PostgreSQL tables.
 */
public final class PostgresExporterFactory extends DeclaredExporterFactory<PostgresExporterConfig> {
  public static final String TYPE = "postgres";

  public PostgresExporterFactory() {
    super(
        TYPE,
        Stability.ALPHA,
        EnumSet.of(Signal.LOGS),
        "Writes logs, alerts or dead letters into PostgreSQL tables: typed columns, exactly-once ids",
        PostgresExporterConfig::new,
        PostgresExporter::new);
  }
}
