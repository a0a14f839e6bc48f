package io.stacklens.agent.data;

import static java.util.concurrent.TimeUnit.NANOSECONDS;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tells a receiver when the agent holds a request's records as safely as the pipeline's {@code
 * delivery} mode promises, so it answers the client only then. A receiver {@link #attachTo
 * attaches} one to a batch before it offers it, and settles its own party ({@link #done}) once the
 * offer was accepted. A consumer that answers later takes a party of its own before it accepts
 * ({@link #addParties}) and settles it when it can: a pipeline with {@code delivery: durable}, once
 * the records are in every exporter's disk queue and forced to disk as their {@code fsync} asks. A
 * consumer that takes none ({@code delivery: memory}, a test sink) is done on acceptance.
 *
 * <p>Thread-safe: parties settle from pipeline threads while the receiver waits, without holding a
 * thread ({@link #answer}).
 */
public final class Acknowledgement {
  /** How long a receiver waits for an acknowledgement before answering a retryable error. */
  public static final Duration ANSWER_WAIT = Duration.ofSeconds(10);

  /** How waiting ended. */
  public enum Outcome {
    /** Every party has the records as safely as promised. */
    DONE,
    /**
     * A party lost the records (the agent stopped before they were safe, an fsync failed, an
     * exporter gave up on them): answer a retryable error.
     */
    FAILED,
    /** Still not settled after the wait: answer a retryable error. */
    TIMED_OUT
  }

  private final AtomicInteger parties = new AtomicInteger(1);
  private final CompletableFuture<Outcome> settled = new CompletableFuture<>();
  private volatile boolean failed;

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

  /**
   * Adds {@code n} parties: the batch goes to that many more pipelines. Call before any settles.
   */
  public void addParties(int n) {
    parties.addAndGet(n);
  }

  /** One party holds the records as promised. */
  public void done() {
    settle(false);
  }

  /**
   * Marks the records as lost for one of the consumers without settling a party (a fan-out's copy
   * that a stopping pipeline did not take).
   */
  public void markFailed() {
    failed = true;
  }

  /** One party lost the records. */
  public void fail() {
    settle(true);
  }

  private void settle(boolean lost) {
    if (lost) failed = true;
    if (parties.decrementAndGet() == 0) settled.complete(failed ? Outcome.FAILED : Outcome.DONE);
  }

  /**
   * Completes with how the wait ended, at most {@link #ANSWER_WAIT} from now: already complete when
   * every party settled ({@code delivery: memory} settles on admission), so a receiver answers at
   * once; otherwise the receiver answers from the completion, without holding a thread meanwhile.
   * The completion may run on the thread that settled the last party.
   */
  public CompletableFuture<Outcome> answer() {
    if (settled.isDone()) return settled;
    return settled.copy().completeOnTimeout(Outcome.TIMED_OUT, ANSWER_WAIT.toNanos(), NANOSECONDS);
  }

  /** Waits until every party settled, at most {@code limit}. */
  public Outcome await(Duration limit) throws InterruptedException {
    try {
      return settled.get(limit.toNanos(), NANOSECONDS);
    } catch (TimeoutException e) {
      return Outcome.TIMED_OUT;
    } catch (ExecutionException e) {
      return Outcome.FAILED; // never: the future is only completed with a value
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
          "the "
              + signal
              + " records could not be stored or delivered as the pipeline's delivery mode"
              + " promises (the agent is stopping, a disk write failed, or an exporter gave up on"
              + " them); retry later";
      case TIMED_OUT ->
          "the "
              + signal
              + " records were not stored or delivered as the pipeline's delivery mode promises"
              + " within "
              + ANSWER_WAIT.toSeconds()
              + "s (the exporters' disk queues or destinations are full, slow or down); retry"
              + " later";
    };
  }
}
