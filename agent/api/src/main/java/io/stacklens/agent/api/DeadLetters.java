package io.stacklens.agent.api;

import io.stacklens.agent.data.Batch;

/**
 * A dead-letter exporter as a receiver sees it ({@link Host#deadLetters}): where the records go
 * that the receiver can never hand to a pipeline, such as a Kafka message that does not decode,
 * turned into a log record holding its original bytes.
 *
 * <p>The agent sends a copy of the records to the exporter's queue, marked with why on their
 * resource: {@value #ERROR_REASON}, {@value #ERROR_MESSAGE} (at most 1 KiB) and {@value #RECEIVER}
 * (the receiver's id); the exporter helper marks its own permanent failures the same way, with
 * {@value #EXPORTER} instead. Counted in {@code
 * stacklens_receiver_dead_letter_records_total{receiver,dead_letter}}.
 *
 * <p>Like {@link Consumer#consume}, {@link #offer} never blocks: a full queue is a refusal the
 * caller retries later, as it would a full pipeline.
 */
@FunctionalInterface
public interface DeadLetters {
  /**
   * Resource attribute: why the records are dead letters, a snake_case reason such as {@code
   * invalid_protobuf}.
   */
  String ERROR_REASON = "stacklens.error.reason";

  /** Resource attribute: what is wrong, in words (at most 1 KiB). */
  String ERROR_MESSAGE = "stacklens.error.message";

  /** Resource attribute: the id of the exporter that failed the records permanently. */
  String EXPORTER = "stacklens.exporter";

  /** Resource attribute: the id of the receiver that could not hand the records to a pipeline. */
  String RECEIVER = "stacklens.receiver";

  /**
   * Offers a copy of {@code records}, marked with {@code reason} and {@code message}, to the
   * dead-letter exporter's queue without waiting. The caller keeps {@code records} whatever the
   * answer, and offers them again later after a refusal.
   *
   * @return {@link Admission#ACCEPTED} when the queue took the copy; {@link Admission#REFUSED_FULL}
   *     when it is full; {@link Admission#REFUSED_SHUTTING_DOWN} when the exporter is not started
   *     or is stopping
   */
  Admission offer(Batch records, String reason, String message);
}
