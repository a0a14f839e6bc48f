package io.stacklens.agent.otlp;

import io.grpc.Status;
import io.stacklens.agent.data.MemoryLimiter;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A gRPC request message as {@link RawRequestMarshaller} read it: the bytes (after decompression)
 * and the memory reserved for them, or why it could not be read. Reading never throws, so the
 * service can answer every failure with a status that says what was wrong (gRPC would answer an
 * exception from the marshaller with UNKNOWN).
 *
 * <p>The service {@link #release}s the reservation once it is done with the bytes (after the
 * export).
 */
public final class RawRequest {
  private final byte[] bytes;
  private final MemoryLimiter memory;
  private final long reserved;
  private final Status failure;
  private final String reason;
  private final boolean retryable;
  private final AtomicBoolean released = new AtomicBoolean();

  private RawRequest(
      byte[] bytes,
      MemoryLimiter memory,
      long reserved,
      Status failure,
      String reason,
      boolean retryable) {
    this.bytes = bytes;
    this.memory = memory;
    this.reserved = reserved;
    this.failure = failure;
    this.reason = reason;
    this.retryable = retryable;
  }

  /** Bytes read, {@code reserved} of them taken from {@code memory}. */
  public static RawRequest of(byte[] bytes, MemoryLimiter memory, long reserved) {
    return new RawRequest(bytes, memory, reserved, null, null, false);
  }

  /**
   * A message that could not be read.
   *
   * @param status the answer (code and description)
   * @param reason the {@code reason} label it is counted under ({@code too_large}, {@code
   *     malformed_body}, ...)
   * @param retryable whether the client should retry later (the answer then carries a retry hint)
   */
  public static RawRequest failed(Status status, String reason, boolean retryable) {
    return new RawRequest(null, MemoryLimiter.unlimited(), 0, status, reason, retryable);
  }

  public boolean failed() {
    return failure != null;
  }

  /** The message bytes; only when not {@link #failed()}. */
  public byte[] bytes() {
    if (failure != null) throw new IllegalStateException("the message was not read: " + failure);
    return bytes;
  }

  /** The answer to a message that could not be read; null when it was read. */
  public Status failure() {
    return failure;
  }

  /** The metric reason of a failure; null when read. */
  public String reason() {
    return reason;
  }

  public boolean retryable() {
    return retryable;
  }

  /** Bytes taken from the memory budget for this message. */
  public long reserved() {
    return reserved;
  }

  /** Gives the reservation back; idempotent. */
  public void release() {
    if (released.compareAndSet(false, true)) memory.release(reserved);
  }
}
