/**
 * The {@code otlp} (gRPC) and {@code otlphttp} (HTTP, protobuf or JSON) exporters: logs, traces and
 * metrics to an OpenTelemetry Collector, a gateway or another agent, with the OTLP specification's
 * retry rules (retryable codes, {@code Retry-After} / {@code RetryInfo}, {@code partial_success}).
 */
package io.stacklens.exporter.otlp;
