package io.stacklens.receiver.kafka;

import io.stacklens.agent.api.Admission;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.AnyValues;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** A pipeline stand-in: keeps every accepted batch; answers what {@link #answer} says (ACCEPTED by default). */
final class CollectingConsumer implements Consumer {
  final List<Batch> batches = new CopyOnWriteArrayList<>();
  final AtomicInteger refusals = new AtomicInteger();
  volatile Supplier<Admission> answer = () -> Admission.ACCEPTED;

  @Override
  public Admission consume(Batch batch) {
    Admission a = answer.get();
    if (a.accepted()) {
      batches.add(batch);
      batch.releaseMemory(); // the end of the line: keeps the records for the test, gives the budget back
    }
    else refusals.incrementAndGet();
    return a;
  }

  int records() {
    return batches.stream().mapToInt(Batch::recordCount).sum();
  }

  /** Every accepted log record, in the order accepted. */
  List<LogRecord> logRecords() {
    List<LogRecord> out = new ArrayList<>();
    for (Batch b : batches) ((LogsBatch) b).forEachRecord(out::add);
    return out;
  }

  /** The accepted log records' bodies as text, in the order accepted. */
  List<String> bodies() {
    return logRecords().stream().map(r -> AnyValues.toDisplayString(r.body())).toList();
  }
}
