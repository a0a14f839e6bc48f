package io.stacklens.exporter.kafka;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentStatus;
import io.stacklens.agent.api.ExportException;
import io.stacklens.agent.api.Exporter;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.concurrent.DaemonThreads;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.telemetry.Counter;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends batches to Kafka. A push builds the batch's messages ({@link MessageBuilder}), hands them
 * all to the producer and then waits for every acknowledgement: it returns only when the brokers
 * have every message (with {@code acks=all}), or rejected some for good.
 *
 * <p><b>Retries.</b> A retryable failure (broker down, timeouts, not enough replicas) fails the
 * push retryably with the records of the messages the brokers did not acknowledge as unsent ({@link
 * ExportException#withUnsent}), and the exporter helper retries only those with backoff. A push
 * waits for every message it handed to the producer before it reports, so what is acknowledged is
 * never sent again. Duplicates remain possible (at-least-once): a message whose send failed or
 * whose outcome is unknown (the attempt timed out) may have been written and is sent again, counted
 * in {@code stacklens_exporter_kafka_resent_records_total}.
 *
 * <p><b>Permanent failures</b> (a record too large even alone, an invalid topic, not authorized,
 * not encodable) are never retried: once every other message of the push is acknowledged, the push
 * fails permanently with those records as unsent and their reason, and the exporter helper drops
 * them or hands them to the exporter's {@code dead_letter.exporter}. Counted by reason in {@code
 * stacklens_exporter_kafka_rejected_records_total{reason}}.
 *
 * <p><b>Brokers down at start-up</b> do not stop the agent: the producer connects in the
 * background; pushes fail retryably (the exporter's queue fills and pushes back on the pipeline)
 * and the exporter reports itself FAILED until a send succeeds again.
 */
final class KafkaExporter implements Exporter {
  private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final ComponentContext context;
  private final KafkaExporterConfig config;
  private final String id;
  private final ThreadLocal<MessageBuilder> builders;
  private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();
  private final Counter messagesSent;

  private volatile Producer<byte[], byte[]> producer;
  private volatile Host host;
  private volatile long failingSinceNanos; // 0 = not failing
  private volatile String lastError = "";
  private ScheduledExecutorService healthTimer;

  KafkaExporter(ComponentContext context, KafkaExporterConfig config) {
    this.context = context;
    this.config = config;
    this.id = context.id().toString();
    this.builders = ThreadLocal.withInitial(() -> new MessageBuilder(config));
    var metrics = context.metrics();
    this.messagesSent =
        metrics.counter(
            "stacklens_exporter_kafka_messages_total",
            "Kafka messages the brokers acknowledged",
            "exporter",
            id);
  }

  /**
   * The producer settings: our defaults, then the user's {@code producer:} map, then what the
   * exporter owns.
   */
  static Properties producerProperties(KafkaExporterConfig config, String clientId) {
    Properties p = new Properties();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "25000");
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    p.putAll(config.producer);
    p.put(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", config.brokers).replace(" ", ""));
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, config.compression.id());
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Long.toString(config.maxMessageBytes.bytes()));
    return p;
  }

  @Override
  public void start(Host host) {
    this.host = host;
    try {
      producer();
    } catch (ExportException e) {
      // Not fatal: push creates it again (and fails retryably meanwhile).
      markFailing(e.getMessage());
    }
    context
        .logger()
        .log(
            Level.INFO,
            id
                + ": sending "
                + config.encoding.id()
                + " to "
                + String.join(",", config.brokers).replace(" ", ""));
    healthTimer =
        Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("stacklens-" + id + "-health"));
    // The exporter helper reports DEGRADED when a batch first fails; while sends keep failing we
    // say FAILED.
    healthTimer.scheduleWithFixedDelay(this::reportHealth, 1, 1, TimeUnit.SECONDS);
  }

  private Producer<byte[], byte[]> producer() throws ExportException {
    Producer<byte[], byte[]> p = producer;
    if (p != null) return p;
    synchronized (this) {
      if (producer == null) {
        try {
          producer =
              new KafkaProducer<>(
                  producerProperties(config, "stacklens-" + id),
                  new ByteArraySerializer(),
                  new ByteArraySerializer());
        } catch (KafkaException e) {
          throw ExportException.retryable(
              id + ": cannot create the Kafka producer: " + KafkaErrors.describe(e), e);
        }
      }
      return producer;
    }
  }

  @Override
  public void push(Batch batch) throws ExportException {
    List<OutgoingMessage> messages = builders.get().build(batch);
    Throwable retryable;
    try {
      Producer<byte[], byte[]> p = producer();
      retryable = sendAndAwait(p, batch.signal(), messages);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the helper tells its timeout from a stop by this flag
      throw ExportException.retryable(id + ": interrupted while waiting for Kafka acknowledgements")
          .withUnsent(unsent(batch, messages));
    } catch (ExportException e) {
      markFailing(e.getMessage());
      throw e;
    }
    if (retryable != null) {
      String why = KafkaErrors.describe(retryable);
      markFailing(why);
      throw ExportException.retryable(
              id + ": Kafka did not acknowledge every message: " + why, retryable)
          .withUnsent(unsent(batch, messages));
    }
    markHealthy();
    rejectRefused(batch, messages);
  }

  /**
   * Reports the messages Kafka will never take (everything else of the push is acknowledged) as one
   * permanent failure with their records as unsent: the helper drops them, counted, or sends them
   * to the dead-letter exporter.
   */
  private void rejectRefused(Batch batch, List<OutgoingMessage> messages) throws ExportException {
    Set<String> reasons = new java.util.TreeSet<>();
    List<OutgoingMessage> refused = new ArrayList<>();
    for (OutgoingMessage m : messages) {
      if (m.state != OutgoingMessage.State.REJECTED) continue;
      refused.add(m);
      reasons.add(m.reason);
      context
          .metrics()
          .counter(
              "stacklens_exporter_kafka_rejected_records_total",
              "Records Kafka will never take (reported to the exporter helper as permanent failures), by reason",
              "exporter",
              id,
              "signal",
              batch.signal().id(),
              "reason",
              m.reason)
          .add(m.records);
    }
    if (refused.isEmpty()) return;
    OutgoingMessage first = refused.get(0);
    String reason = reasons.size() == 1 ? first.reason : "rejected";
    throw ExportException.permanent(
            id
                + ": Kafka will never take "
                + refused.size()
                + " message(s) ("
                + String.join(", ", reasons)
                + "), e.g. "
                + first.error)
        .withReason(reason)
        .withUnsent(unsent(batch, refused));
  }

  /**
   * The records of the messages not delivered, for the helper to retry (or, for rejected ones, to
   * dead-letter); those already handed to the producer and not rejected are counted as possible
   * duplicates.
   */
  private Batch unsent(Batch batch, List<OutgoingMessage> messages) {
    Set<SignalItems.Item> items = Collections.newSetFromMap(new IdentityHashMap<>());
    List<SignalItems.Item> ordered = new ArrayList<>();
    long resent = 0;
    for (OutgoingMessage m : messages) {
      if (m.state == OutgoingMessage.State.DELIVERED) continue;
      if (m.sending != null && m.state != OutgoingMessage.State.REJECTED) resent += m.records;
      for (SignalItems.Item it : m.items) if (items.add(it)) ordered.add(it);
    }
    if (resent > 0) resentCounter(batch.signal()).add(resent);
    return SignalItems.assemble(batch, ordered);
  }

  /**
   * Sends what needs sending, then waits for every message in flight. Returns the first retryable
   * failure, or null when every message is delivered or finished with.
   */
  private Throwable sendAndAwait(
      Producer<byte[], byte[]> p, Signal signal, List<OutgoingMessage> messages)
      throws InterruptedException {
    Throwable retryable = null;
    for (OutgoingMessage m : messages) {
      try {
        if (m.state == OutgoingMessage.State.PENDING) {
          m.sending = p.send(new ProducerRecord<>(m.topic, null, m.key, m.value, m.headers));
          m.state = OutgoingMessage.State.SENDING;
          if (failedRetryably(m.sending))
            break; // e.g. no metadata within max.block.ms: do not wait again per message
        }
      } catch (InterruptException e) {
        throw new InterruptedException("interrupted in send");
      } catch (KafkaException | IllegalStateException e) {
        // The producer refused to take the message (closed or in a fatal state): start a new one.
        replaceProducer(p);
        retryable = e;
        break;
      }
    }
    for (OutgoingMessage m : messages) {
      if (m.state == OutgoingMessage.State.SENDING) {
        try {
          m.sending.get();
          m.state = OutgoingMessage.State.DELIVERED;
          messagesSent.inc();
        } catch (ExecutionException e) {
          String reason = KafkaErrors.permanentReason(e);
          if (reason != null) {
            m.reject(reason, KafkaErrors.describe(e));
            logRejected(signal, m);
          } else {
            m.state = OutgoingMessage.State.PENDING;
            if (retryable == null) retryable = KafkaErrors.unwrap(e);
          }
        }
      }
    }
    return retryable;
  }

  private static boolean failedRetryably(Future<RecordMetadata> f) {
    if (!f.isDone()) return false;
    try {
      f.get();
      return false;
    } catch (ExecutionException e) {
      return KafkaErrors.permanentReason(e) == null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private Counter resentCounter(Signal signal) {
    return context
        .metrics()
        .counter(
            "stacklens_exporter_kafka_resent_records_total",
            "Records sent again after a retryable failure (possible duplicates downstream)",
            "exporter",
            id,
            "signal",
            signal.id());
  }

  private void logRejected(Signal signal, OutgoingMessage m) {
    logOnce(
        m.reason,
        id
            + ": Kafka will never take "
            + m.records
            + " "
            + signal.id()
            + " records ("
            + m.reason
            + "): "
            + m.error
            + " (logged once a minute per reason)");
  }

  /** Logs at most once a minute per key. */
  void logOnce(String key, String message) {
    long now = System.nanoTime();
    Long last = lastLogged.get(key);
    if (last != null && now - last < LOG_INTERVAL_NANOS) return;
    lastLogged.put(key, now);
    context.logger().log(Level.ERROR, message);
  }

  private void replaceProducer(Producer<byte[], byte[]> broken) {
    synchronized (this) {
      if (producer == broken) {
        producer = null;
        try {
          broken.close(Duration.ZERO);
        } catch (RuntimeException ignored) {
          // already closed
        }
      }
    }
  }

  private void markFailing(String why) {
    lastError = why;
    if (failingSinceNanos == 0) failingSinceNanos = System.nanoTime() | 1;
    reportHealth();
  }

  private void markHealthy() {
    if (failingSinceNanos != 0) {
      failingSinceNanos = 0;
      Host h = host;
      if (h != null) h.reportStatus(context.id(), context.kind(), ComponentStatus.OK, "");
      context.logger().log(Level.INFO, id + ": Kafka acknowledges sends again");
    }
  }

  private void reportHealth() {
    long since = failingSinceNanos;
    Host h = host;
    if (since == 0 || h == null) return;
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - since);
    h.reportStatus(
        context.id(),
        context.kind(),
        ComponentStatus.FAILED,
        "Kafka sends failing for " + seconds + " s: " + lastError);
  }

  /** True while sends fail (for tests and /health). */
  boolean failing() {
    return failingSinceNanos != 0;
  }

  @Override
  public void shutdown(Instant deadline) {
    if (healthTimer != null) healthTimer.shutdownNow();
    Producer<byte[], byte[]> p;
    synchronized (this) {
      p = producer;
      producer = null;
    }
    if (p != null) {
      long millis = Math.max(0, deadline.toEpochMilli() - System.currentTimeMillis());
      p.close(Duration.ofMillis(millis));
    }
  }
}
