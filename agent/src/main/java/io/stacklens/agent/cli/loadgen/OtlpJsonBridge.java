package io.stacklens.agent.cli.loadgen;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;

/** OTLP/JSON encoding of a request, delegated to the agent's OTLP/JSON codec. */
final class OtlpJsonBridge {
  private OtlpJsonBridge() {}

  static byte[] toJsonBytes(ExportLogsServiceRequest request) {
    throw new UnsupportedOperationException("--encoding json: the OTLP/JSON codec is not built in yet");
  }
}
