package io.stacklens.processor.enrich.lookup;

/** Creates lookup tables from their configs. */
public final class LookupTables {
  private LookupTables() {}

  public static LookupTable csv(CsvTableConfig config) {
    throw new UnsupportedOperationException("csv lookup tables are not built yet");
  }

  public static LookupTable postgres(PostgresTableConfig config) {
    throw new UnsupportedOperationException("postgres lookup tables are not built yet");
  }
}
