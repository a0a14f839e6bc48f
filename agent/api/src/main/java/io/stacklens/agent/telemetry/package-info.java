/**
 * The agent's own telemetry: the metrics registry and its Prometheus text, health per component,
 * the admin endpoint ({@code /metrics}, {@code /health}, {@code /stats}), JVM metrics, refusal
 * counting and rate-limited logging of bad requests (docs/telemetry.md).
 */
package io.stacklens.agent.telemetry;
