package io.stacklens.agent.cli.loadgen;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;

/**
 * A request ready to send as often as needed, encoded once: sending it costs no serialization.
 *
 * @param message the OTLP request
 * @param records number of log records in it
 * @param body the bytes on the wire: the OTLP/HTTP body (JSON or protobuf, gzipped with {@code
 *     --gzip}), or the protobuf message for gRPC
 */
public record PreparedRequest(
    ExportLogsServiceRequest message, int records, byte[] body, int[] timeOffsets) {
  public PreparedRequest(ExportLogsServiceRequest message, int records, byte[] body) {
    this(message, records, body, null);
  }

  /**
   * A copy whose records' {@code time_unix_nano} and {@code observed_time_unix_nano} are moved by
   * {@code deltaNanos}: the 8-byte little-endian values at {@code timeOffsets} of the protobuf body
   * are rewritten, so nothing is re-encoded. {@code message} keeps the original times.
   */
  public PreparedRequest stamped(long deltaNanos) {
    if (timeOffsets == null)
      throw new IllegalStateException("no time offsets: not a plain protobuf body");
    byte[] copy = body.clone();
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(copy).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int at : timeOffsets) b.putLong(at, b.getLong(at) + deltaNanos);
    return new PreparedRequest(message, records, copy, timeOffsets);
  }
}
