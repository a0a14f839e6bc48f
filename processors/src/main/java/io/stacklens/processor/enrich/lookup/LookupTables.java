package io.stacklens.processor.enrich.lookup;

/**
 * Creates lookup tables from their (validated) configs; call {@link LookupTable#start()} before
 * use.
 */
public final class LookupTables {
  private LookupTables() {}

  /** A table held in memory from a CSV file, re-read when the file changes. */
  public static CsvLookupTable csv(CsvTableConfig config) {
    return new CsvLookupTable(config);
  }

  /** A table read with one PostgreSQL query per key over a small connection pool. */
  public static PostgresLookupTable postgres(PostgresTableConfig config) {
    return new PostgresLookupTable(config);
  }
}
