package io.stacklens.agent.bench;

import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jctools.queues.MpscArrayQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.Control;

/**
 * The pipeline ring: one producer (a receiver thread) offering and one consumer (the pipeline
 * worker) polling, as batches move in the agent. {@code jctools} is the ring the pipeline uses
 * (JCTools MpscArrayQueue); {@code blocking} is the baseline a plain JDK design would use
 * (ArrayBlockingQueue). Each operation is one item handed over: the producer retries a full ring
 * and the consumer an empty one (spinning), so the score is items moved per microsecond.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RingBenchmark {
  @Param({"jctools", "blocking"})
  public String ring;

  @Param({"1024"})
  public int capacity;

  private Queue<Object> queue;
  private final Object item = new Object();

  @Setup(Level.Iteration)
  public void setUp() {
    queue =
        ring.equals("jctools")
            ? new MpscArrayQueue<>(capacity)
            : new ArrayBlockingQueue<>(capacity);
  }

  @Benchmark
  @Group("spsc")
  @GroupThreads(1)
  public boolean offer(Control control) {
    while (!queue.offer(item)) {
      if (control.stopMeasurement) return false;
      Thread.onSpinWait();
    }
    return true;
  }

  @Benchmark
  @Group("spsc")
  @GroupThreads(1)
  public void poll(Control control, Blackhole bh) {
    Object o;
    while ((o = queue.poll()) == null) {
      if (control.stopMeasurement) return;
      Thread.onSpinWait();
    }
    bh.consume(o);
  }
}
