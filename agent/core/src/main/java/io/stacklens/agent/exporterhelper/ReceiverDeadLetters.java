package io.stacklens.agent.exporterhelper;

import io.stacklens.agent.api.Admission;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.DeadLetters;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.MemoryLimiter;
import io.stacklens.agent.telemetry.Counter;
import io.stacklens.agent.telemetry.MetricsRegistry;

/**
 * A receiver's dead letters ({@code receivers.<id>.dead_letter.exporter}), as the service hands
 * them out through {@link io.stacklens.agent.api.Host#deadLetters}: each offer is marked like the
 * helper's own dead letters ({@link DeadLetterCopies}, with {@code stacklens.receiver} = the
 * receiver's id) and offered to the dead-letter exporter's queue without waiting ({@link
 * ExporterRunner#offer}). Records the queue took are counted in {@value #METRIC}{@code
 * {receiver,dead_letter}}.
 */
public final class ReceiverDeadLetters implements DeadLetters {
  /** Records receivers handed to their dead-letter exporter. */
  public static final String METRIC = "stacklens_receiver_dead_letter_records_total";

  private final String receiver;
  private final ExporterRunner target;
  private final MemoryLimiter memory;
  private final Counter accepted;

  /**
   * The dead letters of {@code receiver}, going to {@code target}; copies count against {@code
   * memory}.
   */
  public ReceiverDeadLetters(
      ComponentId receiver, ExporterRunner target, MetricsRegistry metrics, MemoryLimiter memory) {
    this.receiver = receiver.toString();
    this.target = target;
    this.memory = memory;
    this.accepted =
        metrics.counter(
            METRIC,
            "Records a receiver could not hand to a pipeline and handed to its dead-letter exporter",
            "receiver",
            this.receiver,
            "dead_letter",
            target.id().toString());
  }

  @Override
  public Admission offer(Batch records, String reason, String message) {
    if (records.recordCount() == 0) return Admission.ACCEPTED;
    Batch copy =
        DeadLetterCopies.copy(records, reason, message, DeadLetters.RECEIVER, receiver, memory);
    Admission answer = target.offer(copy);
    if (answer.accepted()) {
      accepted.add(copy.recordCount());
    } else {
      copy.releaseMemory();
    }
    return answer;
  }
}
