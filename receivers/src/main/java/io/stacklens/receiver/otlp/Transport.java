package io.stacklens.receiver.otlp;

/** How a request arrived; the {@code transport} metric label. */
enum Transport {
  GRPC,
  HTTP;

  String id() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
