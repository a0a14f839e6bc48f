package io.stacklens.processor.enrich.lookup;

import io.stacklens.agent.api.ComponentConfig;

/** A lookup table read with a PostgreSQL query (filled in with its options by the lookup tables' owner). */
public class PostgresTableConfig implements ComponentConfig {
  public String endpoint;
  public String query;
}
