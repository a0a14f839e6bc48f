package io.stacklens.agent.runtime;

import io.stacklens.agent.api.Admission;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.data.Acknowledgement;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.MemoryLimiter;
import io.stacklens.agent.telemetry.Counter;
import java.util.List;

/**
 * A receiver's consumer for one signal when several pipelines take it. Each pipeline gets its own
 * copy (processors mutate in place); the last one gets the original. Each copy holds its own share
 * of the memory budget (an immutable batch that copies to itself gets one more hold instead).
 *
 * <p><b>Admission: all or nothing, never waiting.</b> The request is accepted only when every
 * pipeline has room for it: room is reserved in each ring first ({@link Pipeline#tryReserve}), and
 * when one is full the reservations already taken are given back and the request is refused with
 * {@link Admission#REFUSED_FULL}, so the client retries it whole after the retry hint. Only then
 * are the copies offered, which cannot fail for lack of room. So {@code consume} never blocks (a
 * receiver thread is never held by a slow pipeline) and an acknowledged request is in every
 * pipeline. The one loss left is a pipeline that stops accepting between the reservation and the
 * offer (a shutdown racing the request): that copy is counted in {@code
 * stacklens_pipeline_dropped_records_total{reason="shutting_down"}}.
 *
 * <p>The cost of this rule: the slowest pipeline sets the pace for the receiver's clients. The
 * alternative, accepting when the first pipeline has room and dropping copies the others cannot
 * take, would acknowledge records some exporters never get.
 */
final class FanoutConsumer implements Consumer {
  private final List<Pipeline> pipelines;
  private final List<Counter> dropped;
  private final MemoryLimiter memory;

  FanoutConsumer(List<Pipeline> pipelines, List<Counter> droppedPerPipeline, MemoryLimiter memory) {
    if (pipelines.size() < 2)
      throw new IllegalArgumentException("fan-out needs at least two pipelines");
    this.pipelines = List.copyOf(pipelines);
    this.dropped = List.copyOf(droppedPerPipeline);
    this.memory = memory;
  }

  @Override
  public Admission consume(Batch batch) {
    int records = batch.recordCount();
    long bytes = batch.accountedBytes();
    for (Pipeline p : pipelines) {
      if (!p.accepting()) return p.consume(batch); // refuses, counted as shutting down
    }
    for (int i = 0; i < pipelines.size(); i++) {
      if (!pipelines.get(i).tryReserve(records, bytes)) {
        for (int j = 0; j < i; j++) pipelines.get(j).cancelReservation(records, bytes);
        pipelines.get(i).countRefusedFull(records);
        return Admission.REFUSED_FULL;
      }
    }
    int last = pipelines.size() - 1;
    boolean anyAccepted = false;
    boolean[] lost = new boolean[pipelines.size()];
    Acknowledgement ack = Acknowledgement.of(batch); // each durable pipeline takes its own party
    for (int i = 0; i <= last; i++) {
      Batch b = i == last ? batch : share(batch);
      if (ack != null) ack.addTo(b);
      if (pipelines.get(i).consumeReserved(b).accepted()) {
        anyAccepted = true;
      } else {
        lost[i] = true;
        if (i < last)
          b.releaseMemory(); // our copy; the original stays the receiver's when all refuse
      }
    }
    if (!anyAccepted) return Admission.REFUSED_SHUTTING_DOWN;
    // Stopped between the check and the offer: those copies of an accepted request are lost,
    // counted.
    for (int i = 0; i <= last; i++) {
      if (!lost[i]) continue;
      if (ack != null) ack.markFailed();
      dropped.get(i).add(records);
      if (i == last) batch.releaseMemory();
    }
    return Admission.ACCEPTED;
  }

  /** A copy of {@code batch} for one more pipeline, holding its own share of the memory budget. */
  private Batch share(Batch batch) {
    Batch copy = batch.copy();
    if (copy == batch) {
      batch.retainMemory(1);
    } else if (batch.accountedBytes() > 0) {
      memory.forceAcquire(batch.accountedBytes());
      copy.attachMemory(memory, batch.accountedBytes());
    }
    return copy;
  }
}
