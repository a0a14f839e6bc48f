package io.stacklens.agent.data;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The share of the agent's memory budget ({@link MemoryLimiter}) a batch holds, and how many stages
 * hold the batch. Reference-counted like a Netty buffer: the receiver {@link #attachMemory
 * attaches} what it acquired while decoding (one holder); a pipeline worker that hands the same
 * batch to three exporters {@link #retainMemory retains} two more holds; each exporter {@link
 * #releaseMemory releases} one when it is done, and the last release gives the bytes back to the
 * limiter.
 *
 * <p>Attach and resize happen on one thread at a time (the batch's owner); retain and release may
 * race between exporter threads and are atomic.
 */
abstract sealed class BatchMemory implements Batch permits LogsBatch, TracesBatch, MetricsBatch {
  private static final VarHandle HOLDERS;

  static {
    try {
      HOLDERS = MethodHandles.lookup().findVarHandle(BatchMemory.class, "holders", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private MemoryLimiter limiter;
  private long accountedBytes;
  private volatile Acknowledgement acknowledgement;
  private byte[] wireEncoding;

  @SuppressWarnings("unused") // through HOLDERS
  private volatile int holders;

  /**
   * The receiver's acknowledgement travelling with this batch, or null (see {@link
   * Acknowledgement}).
   */
  final Acknowledgement acknowledgement() {
    return acknowledgement;
  }

  final void acknowledgement(Acknowledgement a) {
    this.acknowledgement = a;
  }

  /** See {@link WireEncoding}: set by the receiver, read or dropped by the pipeline's thread. */
  final byte[] wireEncoding() {
    return wireEncoding;
  }

  final void wireEncoding(byte[] request) {
    this.wireEncoding = request;
  }

  @Override
  public final long accountedBytes() {
    return accountedBytes;
  }

  @Override
  public final void attachMemory(MemoryLimiter limiter, long bytes) {
    if (this.limiter != null) {
      throw new IllegalStateException(
          "this batch already holds " + accountedBytes + " bytes of the memory budget");
    }
    this.limiter = limiter;
    this.accountedBytes = Math.max(0, bytes);
    HOLDERS.setVolatile(this, 1);
  }

  @Override
  public final void resizeMemory(long bytes) {
    if (limiter == null) return;
    long delta = Math.max(0, bytes) - accountedBytes;
    if (delta > 0) limiter.forceAcquire(delta);
    else limiter.release(-delta);
    accountedBytes += delta;
  }

  @Override
  public final void retainMemory(int extraHolders) {
    if (limiter == null || extraHolders <= 0) return;
    HOLDERS.getAndAdd(this, extraHolders);
  }

  @Override
  public final void releaseMemory() {
    if (limiter == null) return;
    int before;
    do {
      before = (int) HOLDERS.getVolatile(this);
      if (before <= 0) return; // released more often than held: never give bytes back twice
    } while (!HOLDERS.compareAndSet(this, before, before - 1));
    if (before == 1) limiter.release(accountedBytes);
  }
}
