package io.stacklens.receiver.kafka;

import io.stacklens.agent.api.Admission;
import io.stacklens.agent.api.ComponentStatus;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.data.Acknowledgement;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.MemoryLimiter;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * One consumer thread of a kafka receiver: a member of the consumer group that polls, decodes each
 * partition's messages into a {@link PendingChunk}, hands the records to the pipeline and commits a
 * partition's offset only past chunks that are done (records accepted by the pipeline, undecodable
 * messages accepted by the dead-letter exporter).
 *
 * <p>Backpressure: when the pipeline refuses, the assigned partitions are paused (poll keeps the
 * group membership alive but fetches nothing) and the same records are offered again with
 * exponential backoff; once accepted, the partitions resume. Records are never skipped and offsets
 * never committed past records the pipeline has not accepted. The dead-letter exporter is offered
 * undecodable messages the same way: never waiting, a refusal pauses the partitions and is retried
 * with backoff (the receiver reports itself degraded meanwhile), and offsets do not move past a
 * message until it was accepted.
 *
 * <p>Rebalance: on revoke, what is done is committed and the revoked partitions' pending records
 * are dropped (the new owner reads them again from the committed offset); they are never handed
 * over afterwards. Every Kafka call happens on this thread; {@link #stop} only flags and wakes it.
 */
final class ConsumerWorker implements Runnable {
  /**
   * Chunks held (refused, or waiting for the dead-letter exporter) before the partitions are
   * paused.
   */
  static final int MAX_PENDING_CHUNKS = 64;

  /** How long a consumer may take to join its group before the receiver reports itself degraded. */
  static final Duration JOIN_WARNING = Duration.ofSeconds(15);

  private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final int index;
  private final String receiver;
  private final KafkaReceiverConfig config;
  private final Properties properties;
  private final MessageDecoder decoder;
  private final MemoryLimiter memory;
  private final Consumer pipeline;
  private final DeadLetterSender deadLetters;
  private final KafkaReceiverMetrics metrics;
  private final ReceiverStatus status;
  private final System.Logger logger;

  private volatile boolean running = true;
  private volatile Instant deadline = Instant.MAX;
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private volatile int assignedCount;
  private volatile int pausedCount;

  private final OffsetLedger ledger = new OffsetLedger();
  private boolean paused;
  private final RetryBackoff pipelineRetry;
  private final RetryBackoff deadLetterRetry;
  private long lastCommitNanos = System.nanoTime();
  private boolean joined;
  private boolean failing;
  private final long startedNanos = System.nanoTime();
  private long lastInvalidWarningNanos = System.nanoTime() - WARN_EVERY_NANOS;
  private long invalidSinceWarning;

  ConsumerWorker(
      int index,
      String receiver,
      KafkaReceiverConfig config,
      MessageDecoder decoder,
      Consumer pipeline,
      MemoryLimiter memory,
      DeadLetterSender deadLetters,
      KafkaReceiverMetrics metrics,
      ReceiverStatus status,
      System.Logger logger) {
    this.index = index;
    this.receiver = receiver;
    this.config = config;
    this.decoder = decoder;
    this.pipeline = pipeline;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
    this.status = status;
    this.logger = logger;
    this.memory = memory;
    this.properties = consumerProperties(config, receiver.replace('/', '-') + "-" + index, memory);
    this.pipelineRetry =
        new RetryBackoff(config.backoff.initialInterval, config.backoff.maxInterval);
    this.deadLetterRetry =
        new RetryBackoff(config.backoff.initialInterval, config.backoff.maxInterval);
  }

  static Properties consumerProperties(KafkaReceiverConfig config, String clientId) {
    return consumerProperties(config, clientId, MemoryLimiter.unlimited());
  }

  /**
   * The consumer's properties. Unless {@code consumer:} sets them, the fetch buffers are sized from
   * the memory budget: {@code fetch.max.bytes} an eighth of it (1 MiB..50 MiB, Kafka's own default
   * being 50 MiB), so what one poll brings in fits beside the pipelines.
   */
  static Properties consumerProperties(
      KafkaReceiverConfig config, String clientId, MemoryLimiter memory) {
    Properties p = new Properties();
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "stacklens-" + clientId);
    p.putAll(config.consumer);
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", config.bootstrapServers()));
    p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, config.initialOffset.id());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(config.maxPollRecords));
    if (!config.consumer.containsKey(ConsumerConfig.FETCH_MAX_BYTES_CONFIG)) {
      long fetch = Math.max(1L << 20, Math.min(50L << 20, memory.limit() / 8));
      p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Long.toString(fetch));
    }
    return p;
  }

  int assignedPartitions() {
    return assignedCount;
  }

  int pausedPartitions() {
    return pausedCount;
  }

  /**
   * Asks the thread to finish: deliver once more, commit what is done by {@code deadline}, close.
   */
  void stop(Instant deadline) {
    this.deadline = deadline;
    running = false;
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) c.wakeup();
  }

  @Override
  public void run() {
    KafkaConsumer<byte[], byte[]> c = createConsumer();
    if (c == null) return;
    consumer = c;
    try {
      if (running) c.subscribe(config.topics, new Listener());
      while (running) {
        try {
          ConsumerRecords<byte[], byte[]> records = c.poll(nextPollTimeout());
          if (!records.isEmpty()) decode(records);
          deliver(false);
          updatePause();
          commit(false);
          recovered();
          checkJoined();
        } catch (WakeupException e) {
          // stop() woke the poll: the loop condition ends it
        } catch (InterruptException e) {
          Thread.interrupted();
          running = false;
        } catch (KafkaException e) {
          degraded("Kafka consumer error: " + e.getMessage() + "; retrying");
          sleep(config.backoff.maxInterval.toNanos());
        }
      }
    } finally {
      finish(c);
    }
  }

  private KafkaConsumer<byte[], byte[]> createConsumer() {
    while (running) {
      try {
        return new KafkaConsumer<>(
            properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      } catch (KafkaException e) {
        String message =
            e.getCause() == null
                ? e.getMessage()
                : e.getMessage() + ": " + e.getCause().getMessage();
        degraded("cannot create the Kafka consumer (" + message + "); retrying");
        sleep(config.backoff.maxInterval.toNanos());
      }
    }
    return null;
  }

  private Duration nextPollTimeout() {
    if (ledger.isEmpty()) return config.pollTimeout;
    long retryAt = pipelineRetry.nextAttemptNanos();
    if (deadLetterRetry.refused()
        && (!pipelineRetry.refused() || deadLetterRetry.nextAttemptNanos() - retryAt < 0)) {
      retryAt = deadLetterRetry.nextAttemptNanos();
    }
    long wait = paused ? retryAt - System.nanoTime() : TimeUnit.MILLISECONDS.toNanos(5);
    wait = Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(wait, config.pollTimeout.toNanos()));
    return Duration.ofNanos(wait);
  }

  // ---------------------------------------------------------------- decode

  private void decode(ConsumerRecords<byte[], byte[]> records) {
    Map<TopicPartition, OffsetAndMetadata> next = records.nextOffsets();
    for (TopicPartition tp : records.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> messages = records.records(tp);
      if (messages.isEmpty()) continue;
      BatchBuilder builder = decoder.newBatch();
      List<PendingChunk.DeadLetter> dead = new ArrayList<>(0);
      for (ConsumerRecord<byte[], byte[]> message : messages) {
        try {
          builder.add(message);
        } catch (DecodeException e) {
          invalid(message, e);
          if (deadLetters != null) {
            long observed = System.currentTimeMillis() * 1_000_000L;
            LogsBatch record = DeadLetterSender.record(message, observed);
            dead.add(new PendingChunk.DeadLetter(record, e.reason(), e.getMessage()));
          }
        }
      }
      OffsetAndMetadata after = next.get(tp);
      long lastOffset = messages.get(messages.size() - 1).offset();
      if (after == null || after.offset() <= lastOffset)
        after = new OffsetAndMetadata(lastOffset + 1);
      Batch batch = builder.build();
      if (!batch.isEmpty()) {
        // Already polled, so it cannot be refused: counted whatever the budget says; a spent budget
        // pauses the partitions before the next poll instead (updatePause).
        memory.forceAcquire(builder.decodedBytes());
        batch.attachMemory(memory, builder.decodedBytes());
      }
      ledger.add(new PendingChunk(tp, messages.get(0).offset(), after, batch, dead));
    }
  }

  private void invalid(ConsumerRecord<byte[], byte[]> message, DecodeException e) {
    metrics.invalid(e.reason());
    invalidSinceWarning++;
    long now = System.nanoTime();
    if (now - lastInvalidWarningNanos >= WARN_EVERY_NANOS) {
      logger.log(
          Level.WARNING,
          receiver
              + ": "
              + invalidSinceWarning
              + " undecodable message(s)"
              + (deadLetters == null
                  ? " skipped"
                  : " sent to dead-letter exporter " + deadLetters.exporter())
              + "; latest at "
              + message.topic()
              + "/"
              + message.partition()
              + "@"
              + message.offset()
              + " ("
              + e.reason()
              + "): "
              + e.getMessage());
      lastInvalidWarningNanos = now;
      invalidSinceWarning = 0;
    }
  }

  // ---------------------------------------------------------------- deliver

  /**
   * Offers the waiting records to the pipeline and the dead letters to their exporter (each unless
   * backing off), then completes chunks.
   */
  private void deliver(boolean lastChance) {
    if (ledger.isEmpty()) return;
    long now = System.nanoTime();
    if (pipelineRetry.due(now, lastChance)) offer(now);
    if (deadLetters != null && deadLetterRetry.due(now, lastChance)) offerDeadLetters(now);
    ledger.completeChunks();
  }

  private void offer(long now) {
    List<PendingChunk> waiting = ledger.waitingForThePipeline();
    if (waiting.isEmpty()) {
      pipelineRetry.nothingWaiting();
      return;
    }
    Batch batch = waiting.size() == 1 ? waiting.get(0).batch() : merged(waiting);
    int records = batch.recordCount();
    Acknowledgement ack = Acknowledgement.attachTo(batch);
    Admission admission = pipeline.consume(batch);
    if (admission.accepted()) {
      // A merged batch took its own share of the budget: the chunks give theirs back.
      if (waiting.size() > 1) for (PendingChunk c : waiting) c.release();
      ack.done(); // the receiver's own party: what is left is the pipeline's
      Acknowledgement.Outcome held = heldAsPromised(ack, records);
      if (held != Acknowledgement.Outcome.DONE) {
        pipelineRetry.accepted(); // taken, so no backpressure: the records are read again
        readAgain(waiting, records);
        return;
      }
      for (PendingChunk c : waiting) c.accepted();
      metrics.accepted(records);
      pipelineRetry.accepted();
    } else {
      if (waiting.size() > 1) batch.releaseMemory();
      metrics.refused(admission, records);
      pipelineRetry.refusedAt(now);
    }
  }

  /**
   * Waits until the pipeline holds the records as its {@code delivery} promises (at once for
   * memory; in every exporter's disk queue for durable; delivered by every exporter for end_to_end)
   * before their offsets may be committed: {@link Acknowledgement.Outcome#DONE}, or how it ended
   * otherwise ({@link Acknowledgement.Outcome#TIMED_OUT} when the agent stopped while waiting).
   */
  private Acknowledgement.Outcome heldAsPromised(Acknowledgement ack, int records) {
    Acknowledgement.Outcome o = Acknowledgement.Outcome.TIMED_OUT;
    try {
      while (running) {
        o = ack.await(Acknowledgement.ANSWER_WAIT);
        if (o != Acknowledgement.Outcome.TIMED_OUT) break;
        logger.log(
            Level.WARNING,
            receiver
                + ": "
                + records
                + " records are not yet stored or delivered as the pipeline's delivery mode"
                + " promises after "
                + Acknowledgement.ANSWER_WAIT.toSeconds()
                + "s; their offsets are committed once they are");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (o != Acknowledgement.Outcome.DONE && !running) {
      logger.log(
          Level.WARNING,
          receiver
              + ": the agent stopped before "
              + records
              + " records were stored or delivered as the pipeline's delivery mode promises;"
              + " their offsets are not committed, so they are read again after the next start");
    }
    return o;
  }

  /**
   * The pipeline took records and did not hold them as its delivery mode promises (an exporter gave
   * up on them, an fsync failed, the agent is stopping): their chunks, and those after them on the
   * same partitions, leave the ledger uncommitted. While running, the partitions are read again
   * from the first record not committed; once stopped, the next start reads them again.
   */
  private void readAgain(List<PendingChunk> lost, int records) {
    Set<TopicPartition> partitions = new HashSet<>();
    for (PendingChunk c : lost) {
      c.accepted(); // the pipeline has their records (and memory) now
      partitions.add(c.partition());
    }
    Map<TopicPartition, Long> from = ledger.rewind(partitions);
    if (!running) return;
    for (Map.Entry<TopicPartition, Long> e : from.entrySet())
      consumer.seek(e.getKey(), e.getValue());
    logger.log(
        Level.WARNING,
        receiver
            + ": the pipeline could not store or deliver "
            + records
            + " records as its delivery mode promises (see the exporters' log lines); reading "
            + from
            + " again");
  }

  /**
   * The chunks' records as one batch, holding their memory share too (the chunks keep theirs until
   * it is accepted).
   */
  private Batch merged(List<PendingChunk> waiting) {
    Batch merged = Batches.merge(waiting);
    long bytes = 0;
    for (PendingChunk c : waiting) bytes += c.batch().accountedBytes();
    memory.forceAcquire(bytes);
    merged.attachMemory(memory, bytes);
    return merged;
  }

  /**
   * Offers the dead letters not accepted yet to the dead-letter exporter, oldest first, stopping at
   * the first refusal (the rest would be refused too, and order is kept). A refusal pauses the
   * partitions (updatePause) and is retried with backoff; the receiver reports itself degraded
   * until they pass.
   */
  private void offerDeadLetters(long now) {
    Admission refusal = null;
    int waiting = 0;
    for (PendingChunk c : ledger.pending()) {
      for (PendingChunk.DeadLetter d : c.deadLetters()) {
        if (d.accepted()) continue;
        if (refusal == null) {
          Admission a = deadLetters.offer(d);
          if (a.accepted()) {
            d.markAccepted();
            continue;
          }
          refusal = a;
        }
        waiting++;
      }
    }
    if (refusal == null) {
      if (deadLetterRetry.accepted()) {
        logger.log(
            Level.INFO,
            receiver
                + ": dead-letter exporter "
                + deadLetters.exporter()
                + " takes dead letters again");
      }
      return;
    }
    metrics.deadLetterFailures.inc();
    degraded(
        "dead-letter exporter "
            + deadLetters.exporter()
            + " refused "
            + waiting
            + " undecodable message(s) ("
            + (refusal == Admission.REFUSED_FULL ? "its queue is full" : "it is not running")
            + "); their partitions wait, offsets are not committed past them; retrying");
    deadLetterRetry.refusedAt(now);
  }

  private void updatePause() {
    KafkaConsumer<byte[], byte[]> c = consumer;
    boolean shouldPause =
        pipelineRetry.refused()
            || deadLetterRetry.refused()
            || ledger.size() >= MAX_PENDING_CHUNKS
            || memory.isExhausted();
    if (shouldPause && !paused) {
      c.pause(c.assignment());
      paused = true;
      metrics.pauses.inc();
    } else if (!shouldPause && paused) {
      c.resume(c.paused());
      paused = false;
    }
    pausedCount = c.paused().size();
  }

  // ---------------------------------------------------------------- commit

  private void commit(boolean now) {
    if (!ledger.hasUncommitted()) return;
    long t = System.nanoTime();
    if (!now && t - lastCommitNanos < config.commitInterval.toNanos()) return;
    Map<TopicPartition, OffsetAndMetadata> offsets = ledger.takeUncommitted();
    lastCommitNanos = t;
    if (now) {
      commitSync(offsets);
    } else {
      consumer.commitAsync(
          offsets,
          (committed, error) -> {
            if (error == null) {
              metrics.commits.inc();
              return;
            }
            metrics.commitFailures.inc();
            logger.log(
                Level.DEBUG,
                receiver + ": offset commit failed (retried with the next): " + error.getMessage());
            ledger.commitFailed(committed.keySet());
          });
    }
  }

  /**
   * Commits {@code offsets} now; a failure is counted and logged (the records will be read again).
   */
  private void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
    if (offsets.isEmpty()) return;
    Duration timeout = remaining(Duration.ofSeconds(10));
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        consumer.commitSync(offsets, timeout);
        metrics.commits.inc();
        return;
      } catch (WakeupException e) {
        // a stop() woke us outside poll: the wake-up is used up, try once more
      } catch (KafkaException e) {
        metrics.commitFailures.inc();
        logger.log(
            Level.WARNING,
            receiver
                + ": cannot commit offsets "
                + describe(offsets)
                + " (those records will be read again): "
                + e.getMessage());
        return;
      }
    }
  }

  private static String describe(Map<TopicPartition, OffsetAndMetadata> offsets) {
    StringBuilder b = new StringBuilder();
    offsets.forEach(
        (tp, o) -> b.append(b.length() == 0 ? "" : ", ").append(tp).append('@').append(o.offset()));
    return b.toString();
  }

  // ---------------------------------------------------------------- shutdown

  private void finish(KafkaConsumer<byte[], byte[]> c) {
    try {
      try {
        deliver(true);
        commit(true);
      } catch (KafkaException e) {
        logger.log(Level.WARNING, receiver + ": while stopping: " + e.getMessage());
      }
      ledger.releaseAll();
    } finally {
      try {
        c.close(CloseOptions.timeout(remaining(Duration.ofSeconds(5))));
      } catch (KafkaException e) {
        logger.log(Level.WARNING, receiver + ": closing the Kafka consumer: " + e.getMessage());
      }
      assignedCount = 0;
      pausedCount = 0;
    }
  }

  /** Time left until the stop deadline, at most {@code cap}. */
  private Duration remaining(Duration cap) {
    Instant d = deadline;
    if (d.equals(Instant.MAX)) return cap;
    Duration left = Duration.between(Instant.now(), d);
    if (left.isNegative()) return Duration.ZERO;
    return left.compareTo(cap) < 0 ? left : cap;
  }

  // ---------------------------------------------------------------- status

  private void degraded(String detail) {
    failing = true;
    status.update(index, ComponentStatus.DEGRADED, detail);
  }

  private void recovered() {
    if (!failing || deadLetterRetry.refused()) return;
    failing = false;
    status.update(index, joined ? ComponentStatus.OK : ComponentStatus.STARTING, waitingDetail());
  }

  private void checkJoined() {
    if (joined || failing) return;
    if (System.nanoTime() - startedNanos > JOIN_WARNING.toNanos()) {
      status.update(
          index,
          ComponentStatus.DEGRADED,
          "has not joined consumer group "
              + config.groupId
              + " on "
              + String.join(",", config.bootstrapServers())
              + " within "
              + JOIN_WARNING.toSeconds()
              + "s; are the brokers reachable? retrying");
    }
  }

  private String waitingDetail() {
    return "joining consumer group "
        + config.groupId
        + " on "
        + String.join(",", config.bootstrapServers());
  }

  private void sleep(long nanos) {
    long end = System.nanoTime() + nanos;
    while (running && System.nanoTime() < end) {
      try {
        Thread.sleep(
            Math.min(50, Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  // ---------------------------------------------------------------- rebalance

  /** Runs inside poll (and close), on this thread. */
  private final class Listener implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) return;
      // Offer waiting dead letters once more, so finished work is committed, not redone by the new
      // owner.
      if (deadLetters != null) offerDeadLetters(System.nanoTime());
      ledger.completeChunks();
      commitSync(ledger.doneOffsets(partitions));
      forget(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      forget(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      KafkaConsumer<byte[], byte[]> c = consumer;
      if (paused && !partitions.isEmpty()) c.pause(partitions);
      assignedCount = c.assignment().size();
      pausedCount = c.paused().size();
      if (!joined) {
        joined = true;
        logger.log(
            Level.INFO,
            receiver
                + ": consumer "
                + index
                + " joined group "
                + config.groupId
                + ", partitions "
                + c.assignment());
      }
      if (!failing) status.update(index, ComponentStatus.OK, "");
    }

    /** Drops everything held for partitions this consumer no longer owns. */
    private void forget(Collection<TopicPartition> partitions) {
      ledger.forget(partitions);
      if (ledger.waitingForThePipeline().isEmpty()) pipelineRetry.nothingWaiting();
      KafkaConsumer<byte[], byte[]> c = consumer;
      Set<TopicPartition> remaining = new HashSet<>(c.assignment());
      remaining.removeAll(partitions);
      assignedCount = remaining.size();
    }
  }
}
