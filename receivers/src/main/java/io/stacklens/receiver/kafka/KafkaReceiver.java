package io.stacklens.receiver.kafka;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentStatus;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.api.Receiver;
import io.stacklens.agent.data.Signal;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code kafka} receiver: {@code consumers} threads in one consumer group read the topics,
 * decode each message by the configured encoding and hand the records to the signal's pipeline,
 * committing offsets only after the pipeline accepted them (see {@link ConsumerWorker}). Starting
 * never fails because Kafka is unreachable: the consumers keep trying and the receiver reports
 * itself starting, then degraded, on {@code /health}.
 */
public final class KafkaReceiver implements Receiver {
  private final ComponentContext context;
  private final KafkaReceiverConfig config;
  private final Signal signal;
  private final MessageDecoder decoder;
  private final Consumer pipeline;
  private final KafkaReceiverMetrics metrics;
  private final List<ConsumerWorker> workers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private ReceiverStatus status;
  private boolean started;
  private boolean stopped;

  KafkaReceiver(
      ComponentContext context, KafkaReceiverConfig config, Map<Signal, Consumer> consumers) {
    this.context = context;
    this.config = config;
    if (consumers.size() != 1) {
      throw new IllegalArgumentException(
          consumers.isEmpty()
              ? "no pipeline names this receiver"
              : "one kafka receiver feeds pipelines of one signal, but this one is in "
                  + signalNames(consumers)
                  + " pipelines; define one receiver per signal (e.g. kafka/logs, kafka/traces) with its own topics");
    }
    Map.Entry<Signal, Consumer> only = consumers.entrySet().iterator().next();
    this.signal = only.getKey();
    this.pipeline = only.getValue();
    this.decoder = MessageDecoder.create(signal, config, "receivers." + context.id() + ".limits");
    this.metrics = new KafkaReceiverMetrics(context.metrics(), context.id().toString(), signal);
  }

  private static String signalNames(Map<Signal, Consumer> consumers) {
    return String.join(" and ", consumers.keySet().stream().map(Signal::id).toList());
  }

  /** The signal this receiver's messages carry (from the pipelines naming it). */
  public Signal signal() {
    return signal;
  }

  @Override
  public synchronized void start(Host host) {
    if (started) throw new IllegalStateException(context.id() + ": already started");
    if (stopped) throw new IllegalStateException(context.id() + ": already shut down");
    started = true;
    String id = context.id().toString();
    String consuming =
        "consuming " + String.join(",", config.topics) + " as group " + config.groupId;
    status = new ReceiverStatus(host, context.id(), config.consumers, consuming);
    for (int i = 0; i < config.consumers; i++) {
      status.update(
          i,
          ComponentStatus.STARTING,
          "joining consumer group "
              + config.groupId
              + " on "
              + String.join(",", config.bootstrapServers()));
    }
    ComponentId deadLetterExporter = config.deadLetterExporter();
    DeadLetterSender deadLetters =
        deadLetterExporter == null
            ? null
            : new DeadLetterSender(
                host.deadLetters(context.id(), deadLetterExporter), deadLetterExporter);
    for (int i = 0; i < config.consumers; i++) {
      ConsumerWorker w =
          new ConsumerWorker(
              i,
              id,
              config,
              decoder,
              pipeline,
              host.memoryLimiter(),
              deadLetters,
              metrics,
              status,
              context.logger());
      Thread t = new Thread(w, "kafka-receiver-" + id.replace('/', '-') + "-" + i);
      workers.add(w);
      threads.add(t);
    }
    metrics.partitionGauges(
        () -> workers.stream().mapToInt(ConsumerWorker::assignedPartitions).sum(),
        () -> workers.stream().mapToInt(ConsumerWorker::pausedPartitions).sum());
    threads.forEach(Thread::start);
    context
        .logger()
        .log(
            Level.INFO,
            id
                + ": "
                + consuming
                + " from "
                + String.join(",", config.bootstrapServers())
                + " ("
                + config.encoding.id()
                + " "
                + signal.id()
                + ", "
                + config.consumers
                + " consumer(s))");
  }

  @Override
  public void shutdown(Instant deadline) {
    List<Thread> toJoin;
    synchronized (this) {
      if (stopped) return;
      stopped = true;
      if (!started) return;
      toJoin = List.copyOf(threads);
    }
    status.stop(ComponentStatus.STOPPING);
    for (ConsumerWorker w : workers) w.stop(deadline);
    for (Thread t : toJoin) {
      try {
        long millis =
            Math.max(1, Duration.between(Instant.now(), deadline).toMillis())
                + TimeUnit.SECONDS.toMillis(2);
        t.join(millis);
        if (t.isAlive())
          context
              .logger()
              .log(Level.WARNING, context.id() + ": " + t.getName() + " did not stop in time");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    status.stop(ComponentStatus.STOPPED);
  }
}
