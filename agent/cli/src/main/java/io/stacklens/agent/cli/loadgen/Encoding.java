package io.stacklens.agent.cli.loadgen;

/** Body encoding of OTLP/HTTP requests (gRPC always uses protobuf). */
public enum Encoding {
  /** Binary protobuf, {@code Content-Type: application/x-protobuf}. */
  PROTO("application/x-protobuf"),
  /** OTLP/JSON, {@code Content-Type: application/json}. */
  JSON("application/json");

  private final String contentType;

  Encoding(String contentType) {
    this.contentType = contentType;
  }

  public String contentType() {
    return contentType;
  }
}
