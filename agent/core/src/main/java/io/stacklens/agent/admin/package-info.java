/**
 * The admin endpoint ({@code service.telemetry.metrics.address}): {@code /metrics} in the
 * Prometheus text format, {@code /health} from the health registry every component reports its
 * status to, and {@code /stats}. Served by the shared HTTP server of {@code
 * io.stacklens.agent.http}.
 */
package io.stacklens.agent.admin;
