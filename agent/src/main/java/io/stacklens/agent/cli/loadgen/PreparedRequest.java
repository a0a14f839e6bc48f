package io.stacklens.agent.cli.loadgen;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;

/**
 * A request ready to send as often as needed: the message (for gRPC) and its encoded, possibly
 * compressed HTTP body (null for gRPC).
 *
 * @param message the OTLP request
 * @param records number of log records in it
 * @param httpBody encoded (and gzipped with {@code --gzip}) body for OTLP/HTTP, null for gRPC
 */
public record PreparedRequest(ExportLogsServiceRequest message, int records, byte[] httpBody) {}
