package io.stacklens.receiver.otlp;

import io.stacklens.agent.api.Admission;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.data.Batch;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/** Keeps every accepted batch; answers what {@link #answer} says (ACCEPTED by default). */
final class CollectingConsumer implements Consumer {
  final List<Batch> batches = new CopyOnWriteArrayList<>();
  volatile Supplier<Admission> answer = () -> Admission.ACCEPTED;

  @Override
  public Admission consume(Batch batch) {
    Admission a = answer.get();
    if (a.accepted()) {
      batches.add(batch);
      batch.releaseMemory(); // the end of the line: keeps the records for the test, gives the budget back
    }
    return a;
  }

  int records() {
    return batches.stream().mapToInt(Batch::recordCount).sum();
  }
}
