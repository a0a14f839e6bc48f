package io.stacklens.agent.limits;

/**
 * A request refused while it was being decoded, before it could take more memory: over a
 * request-level limit ({@link #retryable()} false: 413 / RESOURCE_EXHAUSTED without a retry hint),
 * or the agent's memory budget is spent ({@link #retryable()} true: 429 / RESOURCE_EXHAUSTED with a
 * retry hint). The message names what was crossed, where, and the config key. Thrown without a
 * stack trace: it is an answer, not a bug.
 */
public final class DecodeLimitException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String reason;
  private final boolean retryable;

  public DecodeLimitException(String reason, boolean retryable, String message) {
    super(message, null, false, false);
    this.reason = reason;
    this.retryable = retryable;
  }

  /** The metric {@code reason} label: {@code max_records_per_request}, {@code memory_limit}, ... */
  public String reason() {
    return reason;
  }

  /**
   * True when the client should retry later (the memory budget), false when the request itself is
   * too big.
   */
  public boolean retryable() {
    return retryable;
  }
}
