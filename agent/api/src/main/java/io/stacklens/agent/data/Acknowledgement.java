package io.stacklens.agent.data;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Tells a receiver when the agent holds a request's records as safely as the pipeline's {@code
 * delivery} mode promises, so it answers the client only then. A receiver {@link #attachTo
 * attaches} one to a batch before it offers it; each pipeline that accepted the batch is one party
 * and settles it: at once in the ring ({@code delivery: memory}), or once the records are in every
 * exporter's disk queue and forced to disk as their {@code fsync} asks ({@code durable}).
 *
 * <p>Thread-safe: parties settle from pipeline threads while the receiver waits.
 */
public final class Acknowledgement {
  /** How waiting ended. */
  public enum Outcome {
    /** Every party has the records as safely as promised. */
    DONE,
    /**
     * A party lost the records (the agent stopped before they were safe): answer a retryable error.
     */
    FAILED,
    /** Still not settled after the wait: answer a retryable error. */
    TIMED_OUT
  }

  /** How long a receiver waits for an acknowledgement before answering a retryable error. */
  public static final Duration ANSWER_WAIT = Duration.ofSeconds(10);

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition settled = lock.newCondition();
  private int parties = 1;
  private boolean failed;

  private Acknowledgement() {}

  /** A new acknowledgement with one party, set on {@code batch}. */
  public static Acknowledgement attachTo(Batch batch) {
    Acknowledgement a = new Acknowledgement();
    ((BatchMemory) batch).acknowledgement(a);
    return a;
  }

  /** The acknowledgement a receiver attached to {@code batch}, or null. */
  public static Acknowledgement of(Batch batch) {
    return ((BatchMemory) batch).acknowledgement();
  }

  /**
   * Sets this acknowledgement on {@code batch} too (a fan-out's copy), which adds no party by
   * itself.
   */
  public void addTo(Batch batch) {
    ((BatchMemory) batch).acknowledgement(this);
  }

  /** Adds {@code n} parties: the batch goes to that many more pipelines. */
  public void addParties(int n) {
    lock.lock();
    try {
      parties += n;
    } finally {
      lock.unlock();
    }
  }

  /** One party holds the records as promised. */
  public void done() {
    settle(false);
  }

  /** One party lost the records. */
  public void fail() {
    settle(true);
  }

  private void settle(boolean lost) {
    lock.lock();
    try {
      if (parties == 0) return;
      if (lost) failed = true;
      if (--parties == 0) settled.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits until every party settled, at most {@code limit}. */
  public Outcome await(Duration limit) throws InterruptedException {
    long nanos = limit.toNanos();
    lock.lock();
    try {
      while (parties > 0) {
        if (nanos <= 0) return Outcome.TIMED_OUT;
        nanos = settled.awaitNanos(nanos);
      }
      return failed ? Outcome.FAILED : Outcome.DONE;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits for the acknowledgement as a receiver does before it answers, at most {@link
   * #ANSWER_WAIT}. An interrupted wait (the receiver stopping) counts as {@link Outcome#FAILED}.
   */
  public Outcome awaitAnswer() {
    try {
      return isSettled() && !failed() ? Outcome.DONE : await(ANSWER_WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.FAILED;
    }
  }

  /**
   * What a receiver tells the client, with a retryable error, when {@code outcome} is not {@link
   * Outcome#DONE}: {@link Outcome#TIMED_OUT} is answered like a full pipeline (retry later, with a
   * hint), {@link Outcome#FAILED} like a pipeline shutting down.
   */
  public static String describe(Outcome outcome, String signal) {
    return switch (outcome) {
      case DONE -> "the " + signal + " records are stored";
      case FAILED ->
          "the agent stopped before the " + signal + " records were stored durably; retry later";
      case TIMED_OUT ->
          "the "
              + signal
              + " records were not stored durably within "
              + ANSWER_WAIT.toSeconds()
              + "s (the exporters' disk queues are full or slow); retry later";
    };
  }

  private boolean failed() {
    lock.lock();
    try {
      return failed;
    } finally {
      lock.unlock();
    }
  }

  /** Whether every party settled already (no wait needed). */
  public boolean isSettled() {
    lock.lock();
    try {
      return parties == 0;
    } finally {
      lock.unlock();
    }
  }
}
