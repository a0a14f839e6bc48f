package io.stacklens.agent.it.support;

/** The network entry points of an agent that hostile-input tests send to. */
public enum Transport {
  /** {@code otlp} receiver, HTTP, {@code application/x-protobuf}. */
  OTLP_HTTP_PROTOBUF,
  /** {@code otlp} receiver, HTTP, {@code application/json} (OTLP/JSON). */
  OTLP_HTTP_JSON,
  /** {@code otlp} receiver, gRPC. */
  OTLP_GRPC,
  /** {@code http_json} receiver ({@code POST /ingest}). */
  HTTP_JSON;

  public boolean isHttp() {
    return this != OTLP_GRPC;
  }
}
