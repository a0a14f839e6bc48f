/**
 * Lookup tables for the {@code enrich} processor: a CSV file (reloaded when it changes) or a
 * PostgreSQL query, loaded whole into memory and swapped atomically
 * (docs/processors/enrich-lookup-tables.md).
 */
package io.stacklens.processor.enrich.lookup;
