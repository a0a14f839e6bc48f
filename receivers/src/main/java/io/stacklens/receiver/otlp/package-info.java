/**
 * The {@code otlp} receiver: OTLP over gRPC and HTTP (protobuf and JSON, gzip and zstd) for logs,
 * traces and metrics, with partial success, retry hints on refusals, and the server protections of
 * docs/receivers/otlp.md.
 */
package io.stacklens.receiver.otlp;
