package io.stacklens.agent.exporterhelper;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.telemetry.Counter;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where every record that enters the exporter helper ends up counted exactly once: sent ({@code
 * stacklens_exporter_sent_records_total}) or failed ({@code
 * stacklens_exporter_send_failed_records_total{permanent, reason}}).
 *
 * <p>A batch being sent is registered as the sender thread's in-flight batch. Whoever takes it from
 * there ({@link #claim}: the sender when it finishes, or the shutdown for a sender stuck past the
 * deadline) counts it, so a batch is never counted twice.
 */
final class Outcomes {
  static final String SHUTDOWN_TIMEOUT = "shutdown_timeout";
  static final String QUEUE_FULL = "queue_full";

  private final ComponentContext context;
  private final String exporterLabel;
  private final Map<Signal, Counter> sent = new EnumMap<>(Signal.class);
  private final Map<Thread, Batch> inFlight = new ConcurrentHashMap<>();
  private final AtomicLong lostAtShutdown = new AtomicLong();

  Outcomes(ComponentContext context) {
    this.context = context;
    this.exporterLabel = context.id().toString();
    for (Signal s : Signal.values()) {
      sent.put(
          s,
          context
              .metrics()
              .counter(
                  "stacklens_exporter_sent_records_total",
                  "Records the exporter delivered",
                  "exporter",
                  exporterLabel,
                  "signal",
                  s.id()));
      failedCounter(
          s, SHUTDOWN_TIMEOUT, false); // present from the start, so a loss shows as a change
    }
  }

  /** Registers {@code batch} as the calling sender's batch in flight. */
  void startSending(Batch batch) {
    inFlight.put(Thread.currentThread(), batch);
  }

  /**
   * The calling sender now sends only {@code rest} of its in-flight batch {@code current}: the
   * other {@code delivered} records are counted as sent. False when the shutdown already counted
   * the batch.
   */
  boolean narrow(Batch current, Batch rest, int delivered) {
    if (!inFlight.replace(Thread.currentThread(), current, rest)) return false;
    if (delivered > 0) sent.get(current.signal()).add(delivered);
    return true;
  }

  /**
   * Takes the calling sender's in-flight batch; false when the shutdown already accounted for it.
   */
  boolean claim(Batch batch) {
    return inFlight.remove(Thread.currentThread(), batch);
  }

  /** Takes a stuck sender's in-flight batch at shutdown, or null. */
  Batch claimFrom(Thread sender) {
    return inFlight.remove(sender);
  }

  void sent(Batch batch) {
    sent.get(batch.signal()).add(batch.recordCount());
  }

  /**
   * {@code batch} reached the destination, which refused {@code rejected} of its records without
   * naming them: those count as failed permanently with {@code reason}, the rest as sent.
   */
  void sentButRejected(Batch batch, long rejected, String reason) {
    sent.get(batch.signal()).add(batch.recordCount() - rejected);
    failedCounter(batch.signal(), reason, true).add(rejected);
  }

  void failed(Batch batch, String reason, boolean permanent) {
    failedCounter(batch.signal(), reason, permanent).add(batch.recordCount());
    if (SHUTDOWN_TIMEOUT.equals(reason)) lostAtShutdown.addAndGet(batch.recordCount());
  }

  /**
   * Records a full disk queue dropped ({@code when_full: drop_oldest}), never handed to a sender.
   */
  void droppedFromQueue(Signal signal, long records) {
    failedCounter(signal, QUEUE_FULL, false).add(records);
  }

  long lostAtShutdown() {
    return lostAtShutdown.get();
  }

  private Counter failedCounter(Signal s, String reason, boolean permanent) {
    return context
        .metrics()
        .counter(
            "stacklens_exporter_send_failed_records_total",
            "Records the exporter gave up on",
            "exporter",
            exporterLabel,
            "signal",
            s.id(),
            "permanent",
            Boolean.toString(permanent),
            "reason",
            reason);
  }
}
