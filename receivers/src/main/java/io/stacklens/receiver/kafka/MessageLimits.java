package io.stacklens.receiver.kafka;

import io.stacklens.agent.data.MemoryLimiter;
import io.stacklens.agent.limits.DecodeBudget;
import io.stacklens.agent.limits.DecodeLimitException;
import io.stacklens.agent.limits.DecodeLimits;
import io.stacklens.agent.limits.RecordLimitException;

/**
 * The decode limits applied to one Kafka message (the receiver's {@code limits} section: one
 * message is what one request is to the OTLP receiver). A message over any limit, request- or
 * record-level, becomes a poison message: counted with the limit as its reason and sent whole to
 * the dead-letter topic with its original bytes, so none of its records is lost to a partial
 * decode. The memory a poll's decoded records hold is counted by the worker, per partition chunk.
 */
final class MessageLimits {
  private final DecodeLimits limits;

  MessageLimits(DecodeLimits limits) {
    this.limits = limits;
  }

  DecodeLimits limits() {
    return limits;
  }

  /**
   * A budget for one message: its limits, not counted against the memory limiter (the chunk is).
   */
  DecodeBudget budget() {
    return new DecodeBudget(limits, MemoryLimiter.unlimited());
  }

  static DecodeException refused(DecodeLimitException e) {
    return new DecodeException(e.reason(), "over a decode limit: " + e.getMessage());
  }

  static DecodeException refused(RecordLimitException e) {
    return new DecodeException(e.reason(), "over a decode limit: " + e.getMessage());
  }

  /**
   * Throws when the decoder left records out for a record-level limit: the message is dead-lettered
   * whole instead.
   */
  static void requireNoRejections(DecodeBudget budget) throws DecodeException {
    if (budget.rejected() == 0) return;
    String reason = budget.rejectedByReason().keySet().iterator().next();
    throw new DecodeException(
        reason,
        "over a decode limit: "
            + budget.firstRejection()
            + (budget.rejected() > 1 ? " (and " + (budget.rejected() - 1) + " more records)" : ""));
  }
}
