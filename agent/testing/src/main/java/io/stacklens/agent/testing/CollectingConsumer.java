package io.stacklens.agent.testing;

import io.stacklens.agent.api.Admission;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.data.Acknowledgement;
import io.stacklens.agent.data.AnyValues;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A pipeline stand-in for receiver tests (the Collector's {@code consumertest.LogsSink}): keeps
 * every accepted batch and answers what {@link #answer} says ({@code ACCEPTED} unless a test
 * changes it, e.g. to {@code REFUSED_FULL} for backpressure). An accepted batch's memory is given
 * back at once: this is the end of the line.
 */
public final class CollectingConsumer implements Consumer {
  /** Accepted batches, in the order accepted. */
  public final List<Batch> batches = new CopyOnWriteArrayList<>();

  /** How many batches were refused. */
  public final AtomicInteger refusals = new AtomicInteger();

  /** The answer to the next batch. */
  public volatile Supplier<Admission> answer = () -> Admission.ACCEPTED;

  /**
   * When set, this consumer holds the receiver's answer like a pipeline with {@code delivery:
   * durable} or {@code end_to_end}: it takes a party of an accepted batch's acknowledgement and
   * hands it here, to be settled (done or failed) when the test says.
   */
  public volatile java.util.function.Consumer<Acknowledgement> holdAnswers;

  @Override
  public Admission consume(Batch batch) {
    Admission a = answer.get();
    if (a.accepted()) {
      Acknowledgement ack = Acknowledgement.of(batch);
      java.util.function.Consumer<Acknowledgement> hold = holdAnswers;
      if (ack != null && hold != null) {
        ack.addParties(1);
        hold.accept(ack);
      }
      batches.add(batch);
      batch.releaseMemory();
    } else {
      refusals.incrementAndGet();
    }
    return a;
  }

  /** Records in the accepted batches. */
  public int records() {
    return batches.stream().mapToInt(Batch::recordCount).sum();
  }

  /** Every accepted log record, in the order accepted. */
  public List<LogRecord> logRecords() {
    List<LogRecord> out = new ArrayList<>();
    for (Batch b : batches) {
      ((LogsBatch) b).forEachRecord(out::add);
    }
    return out;
  }

  /** The accepted log records' bodies as text, in the order accepted. */
  public List<String> bodies() {
    return logRecords().stream().map(r -> AnyValues.toDisplayString(r.body())).toList();
  }
}
