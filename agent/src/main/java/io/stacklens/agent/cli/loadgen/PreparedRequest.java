package io.stacklens.agent.cli.loadgen;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;

/**
 * A request ready to send as often as needed, encoded once: sending it costs no serialization.
 *
 * @param message the OTLP request
 * @param records number of log records in it
 * @param body the bytes on the wire: the OTLP/HTTP body (JSON or protobuf, gzipped with {@code --gzip}),
 *     or the protobuf message for gRPC
 */
public record PreparedRequest(ExportLogsServiceRequest message, int records, byte[] body) {}
