package io.stacklens.agent.api;

import io.stacklens.agent.data.Batch;

/**
 * Entry point of the next stage. Receivers hand decoded batches to it.
 *
 * <p>Ownership: when the answer is {@link Admission#ACCEPTED}, the batch belongs to the pipeline
 * and the caller must not touch it again (processors mutate it in place). When refused, the caller
 * still owns it. Never blocks.
 */
@FunctionalInterface
public interface Consumer {
  /**
   * Offers {@code batch} to the next stage without blocking; on {@link Admission#ACCEPTED}
   * ownership passes to the pipeline, on a refusal it stays with the caller.
   */
  Admission consume(Batch batch);
}
