package io.stacklens.agent.cli.loadgen;

import java.util.concurrent.CompletableFuture;

/** Sends one OTLP logs request asynchronously; one implementation per {@link Protocol}. */
public interface LogsSender extends AutoCloseable {

  /**
   * Sends {@code request} once. The future never completes exceptionally: every outcome is a {@link
   * SendResult}. It may complete on a transport thread, so callers keep the callback short.
   */
  CompletableFuture<SendResult> send(PreparedRequest request);

  /** Closes connections; requests still in flight are cancelled. */
  @Override
  void close();

  /** Creates the sender for {@code options.protocol()}. */
  static LogsSender create(LoadgenOptions options) {
    return switch (options.protocol()) {
      case GRPC -> new GrpcLogsSender(options);
      case HTTP -> new HttpLogsSender(options);
    };
  }
}
