package io.stacklens.agent.runtime;

import io.stacklens.agent.api.Admission;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.telemetry.Counter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A receiver's consumer for one signal when several pipelines take it. Each pipeline gets its own
 * copy (processors mutate in place); the last one gets the original.
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

  FanoutConsumer(List<Pipeline> pipelines, List<Counter> droppedPerPipeline) {
    if (pipelines.size() < 2) throw new IllegalArgumentException("fan-out needs at least two pipelines");
    this.pipelines = List.copyOf(pipelines);
    this.dropped = List.copyOf(droppedPerPipeline);
  }

  @Override
  public Admission consume(Batch batch) {
    int last = pipelines.size() - 1;
    Admission first = pipelines.get(0).consume(batch.copy());
    if (!first.accepted()) return first;
    for (int i = 1; i <= last; i++) {
      Batch b = i == last ? batch : batch.copy();
      long start = System.nanoTime();
      Admission a;
      while ((a = pipelines.get(i).consume(b)) == Admission.REFUSED_FULL && System.nanoTime() - start < MAX_WAIT_NANOS) {
        LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
      }
      if (!a.accepted()) dropped.get(i).add(b.recordCount());
    }
    return Admission.ACCEPTED;
  }
}
