/**
 * The {@code postgres} exporter: typed log rows with promoted columns, exactly-once record ids, COPY
 * or INSERT writes, data errors bisected to the bad records (written to the dead-letter table), time
 * partitions with retention, the alerts table, schema migrations and views (docs/exporters/postgres.md).
 */
package io.stacklens.exporter.postgres;
