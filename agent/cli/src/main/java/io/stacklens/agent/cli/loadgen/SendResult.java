package io.stacklens.agent.cli.loadgen;

import java.time.Duration;

/** How the server answered one request attempt. */
public sealed interface SendResult {

  /**
   * The server took the request.
   *
   * @param rejectedRecords records the server reported as rejected in {@code partial_success}
   */
  record Accepted(long rejectedRecords) implements SendResult {}

  /**
   * The server asked to try again later (gRPC RESOURCE_EXHAUSTED or UNAVAILABLE, HTTP 429 or 503).
   *
   * @param status gRPC status code name or HTTP status code, e.g. {@code RESOURCE_EXHAUSTED},
   *     {@code 429}
   * @param retryAfter the server's RetryInfo / Retry-After delay, null when it gave none
   */
  record Refused(String status, Duration retryAfter) implements SendResult {}

  /**
   * Any other failure; the request is not retried.
   *
   * @param status gRPC status code name, HTTP status code, or {@code io_error}
   * @param message what the server or the transport said
   */
  record Failed(String status, String message) implements SendResult {}
}
