package io.stacklens.agent.exporterhelper;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.DeadLetters;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.MemoryLimiter;
import io.stacklens.agent.telemetry.Counter;
import java.lang.System.Logger.Level;

/**
 * The dead-letter stage: records an exporter fails permanently go to another exporter ({@code
 * dead_letter.exporter}) instead of being dropped. This is the one code path for dead letters: an
 * exporter only reports a permanent failure (with {@link
 * io.stacklens.agent.api.ExportException#withUnsent} for the records concerned, and a reason); the
 * helper does the rest.
 *
 * <p>The dead-letter copy ({@link DeadLetterCopies}, shared with {@link ReceiverDeadLetters})
 * carries why, as resource attributes (the failure concerns all its records): {@code
 * stacklens.error.reason} (the failure's reason label, e.g. {@code record_too_large}), {@code
 * stacklens.error.message} (the error text, at most 1 KiB) and {@code stacklens.exporter} (the
 * exporter that failed them). It is a copy: the failed batch may be shared with other exporters. It
 * holds its own share of the memory budget and enters the dead-letter exporter's queue like any
 * batch, waiting while that queue is full; a disk queue there is synced before this exporter
 * confirms the failed batch.
 */
final class DeadLetterStage {
  private final ComponentContext context;
  private final String label;
  private volatile ExporterRunner target;
  private volatile MemoryLimiter memory = MemoryLimiter.unlimited();
  private Counter deadLettered;

  DeadLetterStage(ComponentContext context) {
    this.context = context;
    this.label = context.id().toString();
  }

  void connect(ExporterRunner target) {
    this.target = target;
    this.deadLettered =
        context
            .metrics()
            .counter(
                "stacklens_exporter_dead_letter_records_total",
                "Records the exporter failed permanently and handed to its dead-letter exporter",
                "exporter",
                label,
                "dead_letter",
                target.id().toString());
  }

  void useMemory(MemoryLimiter memory) {
    this.memory = memory;
  }

  boolean connected() {
    return target != null;
  }

  /**
   * Hands a copy of {@code failed} to the dead-letter exporter; false when there is none or it
   * refused at shutdown.
   */
  boolean offer(Batch failed, String reason, String message) throws InterruptedException {
    ExporterRunner to = target;
    if (to == null || failed.recordCount() == 0) return false;
    Batch copy =
        DeadLetterCopies.copy(failed, reason, message, DeadLetters.EXPORTER, label, memory);
    if (!to.enqueue(copy)) {
      context
          .logger()
          .log(
              Level.ERROR,
              "exporter "
                  + label
                  + ": dead-letter exporter "
                  + to.id()
                  + " did not take "
                  + copy.recordCount()
                  + " records before the shutdown deadline; they are lost");
      return false;
    }
    deadLettered.add(copy.recordCount());
    // Forced to disk (as the target's fsync asks) before the failed entry is confirmed here: no
    // pipeline's sync thread syncs a dead-letter exporter's queue.
    to.sync();
    return true;
  }
}
