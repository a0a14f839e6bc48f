package io.stacklens.agent.cli.loadgen;

/** OTLP transport the load generator speaks. */
public enum Protocol {
  /**
   * OTLP/gRPC, {@code opentelemetry.proto.collector.logs.v1.LogsService/Export}; default port 4317.
   */
  GRPC(4317),
  /** OTLP/HTTP, {@code POST /v1/logs}; default port 4318. */
  HTTP(4318);

  private final int defaultPort;

  Protocol(int defaultPort) {
    this.defaultPort = defaultPort;
  }

  /** The endpoint used when none is given: {@code 127.0.0.1:<default port>}. */
  public String defaultEndpoint() {
    return "127.0.0.1:" + defaultPort;
  }
}
