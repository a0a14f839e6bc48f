package io.stacklens.agent.runtime;

import io.stacklens.agent.api.Admission;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.api.MemoryLimiter;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.telemetry.Counter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A receiver's consumer for one signal when several pipelines take it. Each pipeline gets its own
 * copy (processors mutate in place); the last one gets the original. Each copy holds its own share of
 * the memory budget (an immutable batch that copies to itself gets one more hold instead).
 *
 * <p>Admission is decided by the first pipeline: if it refuses, the whole request is refused and the
 * client retries. Once one pipeline accepted, the request will be acknowledged, so the others must
 * take their copy: a full ring is waited on (up to {@link #MAX_WAIT_NANOS}); a pipeline still full
 * or shutting down after that loses its copy, counted in
 * {@code stacklens_pipeline_dropped_records_total{reason="fanout_ring_full"}}.
 */
final class FanoutConsumer implements Consumer {
  static final long MAX_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final List<Pipeline> pipelines;
  private final List<Counter> dropped;
  private final MemoryLimiter memory;

  FanoutConsumer(List<Pipeline> pipelines, List<Counter> droppedPerPipeline, MemoryLimiter memory) {
    if (pipelines.size() < 2) throw new IllegalArgumentException("fan-out needs at least two pipelines");
    this.pipelines = List.copyOf(pipelines);
    this.dropped = List.copyOf(droppedPerPipeline);
    this.memory = memory;
  }

  @Override
  public Admission consume(Batch batch) {
    int last = pipelines.size() - 1;
    Batch firstCopy = share(batch);
    Admission first = pipelines.get(0).consume(firstCopy);
    if (!first.accepted()) {
      firstCopy.releaseMemory();
      return first;
    }
    for (int i = 1; i <= last; i++) {
      Batch b = i == last ? batch : share(batch);
      long start = System.nanoTime();
      Admission a;
      while ((a = pipelines.get(i).consume(b)) == Admission.REFUSED_FULL && System.nanoTime() - start < MAX_WAIT_NANOS) {
        LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
      }
      if (!a.accepted()) {
        dropped.get(i).add(b.recordCount());
        b.releaseMemory();
      }
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
