/**
 * The {@code postgres} exporter: typed log rows with promoted columns, exactly-once record ids,
 * COPY or INSERT writes, data errors bisected to the bad records (reported to the exporter helper
 * as a permanent failure of those records alone, for its dead-letter path), time partitions with
 * retention, the alerts table, the dead-letter table ({@code table_kind: dead_letters}, where
 * another exporter's dead letters are stored), schema migrations and views
 * (docs/exporters/postgres.md). Connections come from the agent's shared pool ({@link
 * io.stacklens.agent.sql.ConnectionPool}).
 */
package io.stacklens.exporter.postgres;
