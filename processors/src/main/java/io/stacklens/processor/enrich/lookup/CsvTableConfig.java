package io.stacklens.processor.enrich.lookup;

import io.stacklens.agent.api.ComponentConfig;

/** A lookup table read from a CSV file (filled in with its options by the lookup tables' owner). */
public class CsvTableConfig implements ComponentConfig {
  public String path;
}
