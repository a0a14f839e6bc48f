package io.stacklens.agent.api;

/**
 * Answer of a {@link Consumer} to one batch. Only {@link #ACCEPTED} means the batch is now owned by
 * the pipeline; the others are retryable refusals the receiver must pass on to its client (gRPC
 * RESOURCE_EXHAUSTED / HTTP 429 with a retry delay, or UNAVAILABLE / 503).
 */
public enum Admission {
  /** The pipeline took the batch; it now owns it. */
  ACCEPTED(null),
  /** The pipeline ring is full: backpressure. Retryable after a short delay. */
  REFUSED_FULL("ring_full"),
  /** The agent is shutting down or not yet started. */
  REFUSED_SHUTTING_DOWN("shutting_down");

  private final String reason;

  Admission(String reason) {
    this.reason = reason;
  }

  /** Metric {@code reason} label for a refusal; {@code null} for {@link #ACCEPTED}. */
  public String reason() {
    return reason;
  }

  /** Whether this is {@link #ACCEPTED}: the caller no longer owns the batch. */
  public boolean accepted() {
    return this == ACCEPTED;
  }
}
