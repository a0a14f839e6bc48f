package io.stacklens.agent.runtime;

import io.stacklens.agent.api.Admission;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.api.Processor;
import io.stacklens.agent.api.RoutingProcessor;
import io.stacklens.agent.concurrent.DaemonThreads;
import io.stacklens.agent.config.Delivery;
import io.stacklens.agent.config.WaitStrategy;
import io.stacklens.agent.data.Acknowledgement;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.MemoryEstimate;
import io.stacklens.agent.data.MemoryLimiter;
import io.stacklens.agent.data.WireEncoding;
import io.stacklens.agent.exporterhelper.ExporterRunner;
import io.stacklens.agent.telemetry.Counter;
import io.stacklens.agent.telemetry.MetricsRegistry;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jctools.queues.MpscArrayQueue;

/**
 * One pipeline: a bounded lock-free MPSC ring between its receivers and one worker thread that runs
 * the processor chain in order and fans the result out to the exporters' queues.
 *
 * <pre>
 *  receivers ─offer─> ring (MpscArrayQueue) ─drain─> worker: p1 -> p2 -> ... ─> exporter queues
 *            <─ REFUSED_FULL when the ring is full (receiver answers 429 / RESOURCE_EXHAUSTED)
 * </pre>
 *
 * Processors run on the worker thread only, so they need no locks. A slow exporter blocks the
 * worker once its own queue is full; the ring then fills and receivers refuse: backpressure reaches
 * the client instead of data being dropped.
 *
 * <p>When the last processor is a {@link RoutingProcessor}, the worker calls its {@code route}
 * instead of {@code process}, and each part it hands back goes only to the exporters it names (a
 * part named for two exporters is counted once in the processor's outgoing records).
 */
public final class Pipeline implements Consumer {
  private static final Logger LOG = System.getLogger(Pipeline.class.getName());
  private static final int DRAIN_LIMIT = 64;
  private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  /** One processor with its counters. */
  public record Stage(ComponentId id, Processor processor) {}

  private final String name;
  private final MpscArrayQueue<Batch> ring;
  private final List<Stage> stages;
  private final List<ExporterRunner> exporters;

  /** Exporters by id, for routing; empty when the pipeline was built without ids. */
  private final Map<ComponentId, ExporterRunner> exportersById;

  /** Forces the disk queues and settles durable acknowledgements; null without disk queues. */
  private final QueueSyncer syncer;

  /** Whether batches reach a disk queue as they were received (no processors): see WireEncoding. */
  private final boolean keepsWireEncoding;

  /** The last stage's router, or null when the pipeline does not route. */
  private final RoutingProcessor router;

  private final Router routeSink;
  private final Counter unknownRouteTarget;
  private final WaitStrategy waitMode;
  private final Counter[] stageIn;
  private final Counter[] stageOut;
  private final Counter[] stageErrors;
  private final Counter refusedFull;
  private final Counter refusedStopping;
  private final Counter droppedAtDeadline;
  private final Thread worker;

  private final int maxRecords;
  private final long maxBytes;
  private final MemoryLimiter memory;

  /**
   * Records in the ring: added by receivers before the offer, removed by the worker as it takes
   * batches.
   */
  private final AtomicLong ringRecords = new AtomicLong();

  /** Accounted bytes of the batches in the ring, kept like {@link #ringRecords}. */
  private final AtomicLong ringBytes = new AtomicLong();

  /** Ring slots taken, kept like {@link #ringRecords}; never more than the ring's capacity. */
  private final AtomicInteger ringSlots = new AtomicInteger();

  private final ArrayList<Acknowledgement> pendingAcks = new ArrayList<>();
  private volatile Delivery delivery = Delivery.MEMORY;
  private volatile boolean accepting;
  private volatile boolean stopRequested;
  private volatile boolean workerParked;
  private final MetricsRegistry metrics;

  /**
   * A pipeline feeding {@code exporters} (in the pipeline's order). Without a routing processor
   * each gets everything; with one in the last stage, each part goes to the exporters it names.
   */
  public Pipeline(
      String name,
      int ringSize,
      int maxRecords,
      WaitStrategy waitMode,
      List<Stage> stages,
      List<ExporterRunner> exporters,
      MetricsRegistry metrics) {
    this(
        name,
        ringSize,
        maxRecords,
        Long.MAX_VALUE,
        waitMode,
        stages,
        exporters,
        metrics,
        MemoryLimiter.unlimited());
  }

  /**
   * A pipeline whose ring also holds at most {@code maxBytes} of accounted batch memory, and whose
   * worker counts what processors add to a batch against {@code memory}.
   */
  public Pipeline(
      String name,
      int ringSize,
      int maxRecords,
      long maxBytes,
      WaitStrategy waitMode,
      List<Stage> stages,
      List<ExporterRunner> exporters,
      MetricsRegistry metrics,
      MemoryLimiter memory) {
    this.name = name;
    this.maxRecords = maxRecords;
    this.maxBytes = maxBytes;
    this.memory = memory;
    this.ring = new MpscArrayQueue<>(ringSize);
    this.stages = List.copyOf(stages);
    this.exporters = List.copyOf(exporters);
    this.exportersById = new LinkedHashMap<>();
    for (ExporterRunner e : exporters) exportersById.put(e.id(), e);
    ExporterRunner[] persistent =
        exporters.stream().filter(ExporterRunner::persistentQueue).toArray(ExporterRunner[]::new);
    this.syncer = persistent.length == 0 ? null : new QueueSyncer(name, persistent);
    this.keepsWireEncoding = persistent.length > 0 && stages.isEmpty();
    Processor last = stages.isEmpty() ? null : stages.get(stages.size() - 1).processor();
    this.router = last instanceof RoutingProcessor r ? r : null;
    this.routeSink = router == null ? null : new Router();
    this.waitMode = waitMode;
    this.stageIn = new Counter[stages.size()];
    this.stageOut = new Counter[stages.size()];
    this.stageErrors = new Counter[stages.size()];
    for (int i = 0; i < stages.size(); i++) {
      String p = stages.get(i).id().toString();
      stageIn[i] =
          metrics.counter(
              "stacklens_processor_incoming_records_total",
              "Records into a processor",
              "processor",
              p,
              "pipeline",
              name);
      stageOut[i] =
          metrics.counter(
              "stacklens_processor_outgoing_records_total",
              "Records out of a processor",
              "processor",
              p,
              "pipeline",
              name);
      stageErrors[i] =
          metrics.counter(
              io.stacklens.agent.api.ComponentContext.PROCESSOR_DROPPED,
              "Records a processor dropped",
              "processor",
              p,
              "pipeline",
              name,
              "reason",
              "processor_error");
    }
    refusedFull =
        metrics.counter(
            "stacklens_pipeline_refused_records_total",
            "Records a pipeline refused to take",
            "pipeline",
            name,
            "reason",
            Admission.REFUSED_FULL.reason());
    refusedStopping =
        metrics.counter(
            "stacklens_pipeline_refused_records_total",
            "Records a pipeline refused to take",
            "pipeline",
            name,
            "reason",
            Admission.REFUSED_SHUTTING_DOWN.reason());
    droppedAtDeadline =
        metrics.counter(
            "stacklens_pipeline_dropped_records_total",
            "Records a pipeline could not hand to an exporter",
            "pipeline",
            name,
            "reason",
            "shutdown_timeout");
    unknownRouteTarget =
        router == null
            ? null
            : metrics.counter(
                "stacklens_pipeline_dropped_records_total",
                "Records a pipeline could not hand to an exporter",
                "pipeline",
                name,
                "reason",
                "unknown_route_target");
    this.metrics = metrics;
    publishGauges();
    this.worker = DaemonThreads.create(this::run, "pipeline-" + name);
  }

  public String name() {
    return name;
  }

  /**
   * Registers this pipeline's gauges (ring records, bytes, size, capacity, fill), replacing those
   * of an earlier pipeline of the same name: a reload that built a successor and then gave it up
   * calls this to point them back at the pipeline that still runs.
   */
  void publishGauges() {
    metrics.gauge(
        "stacklens_pipeline_ring_records",
        "Records waiting in the pipeline ring",
        ringRecords::get,
        "pipeline",
        name);
    metrics.gauge(
        "stacklens_pipeline_ring_bytes",
        "Estimated bytes of the batches waiting in the pipeline ring",
        ringBytes::get,
        "pipeline",
        name);
    metrics.gauge(
        "stacklens_pipeline_ring_size",
        "Batches waiting in the pipeline ring",
        ring::size,
        "pipeline",
        name);
    metrics.gauge(
        "stacklens_pipeline_ring_capacity",
        "Capacity of the pipeline ring in batches",
        ring::capacity,
        "pipeline",
        name);
    metrics.gauge(
        "stacklens_pipeline_ring_fill_ratio",
        "Fill of the pipeline ring, 0..1",
        () -> (double) ring.size() / ring.capacity(),
        "pipeline",
        name);
  }

  /** Sets when receivers are answered; call before {@link #start}. */
  public void delivery(Delivery mode) {
    this.delivery = mode;
  }

  /** Starts processors then the worker, then opens the ring to receivers. */
  public void start(Host host) throws Exception {
    for (Stage s : stages) s.processor().start(host);
    if (syncer != null) syncer.start();
    worker.start();
    accepting = true;
  }

  @Override
  public Admission consume(Batch batch) {
    if (!accepting) {
      refusedStopping.add(batch.recordCount());
      return Admission.REFUSED_SHUTTING_DOWN;
    }
    if (!tryReserve(batch.recordCount(), batch.accountedBytes())) {
      refusedFull.add(batch.recordCount());
      return Admission.REFUSED_FULL;
    }
    return consumeReserved(batch);
  }

  /**
   * Takes room in the ring for a batch of {@code records} and {@code bytes}: one slot, the records
   * and the bytes (a batch larger than a bound still fits an empty ring). False, with nothing
   * taken, when it does not fit. A reservation is either used by {@link #consumeReserved} or given
   * back by {@link #cancelReservation}; a fan-out reserves in every pipeline before it offers to
   * any.
   */
  boolean tryReserve(int records, long bytes) {
    int slots = ringSlots.incrementAndGet();
    long before = ringRecords.getAndAdd(records);
    long bytesBefore = ringBytes.getAndAdd(bytes);
    if (slots > ring.capacity()
        || (before > 0 && (before + records > maxRecords || bytesBefore + bytes > maxBytes))) {
      cancelReservation(records, bytes);
      return false;
    }
    return true;
  }

  /** Gives back a reservation that will not be used. */
  void cancelReservation(int records, long bytes) {
    ringSlots.decrementAndGet();
    ringRecords.addAndGet(-records);
    ringBytes.addAndGet(-bytes);
  }

  /** Counts a refusal decided outside {@link #consume} (a fan-out that could not reserve here). */
  void countRefusedFull(int records) {
    refusedFull.add(records);
  }

  boolean accepting() {
    return accepting;
  }

  /**
   * Offers a batch whose room was reserved with {@link #tryReserve}: accepted, or refused only when
   * the pipeline stopped accepting meanwhile (the reservation is then given back).
   */
  Admission consumeReserved(Batch batch) {
    if (!accepting) {
      cancelReservation(batch.recordCount(), batch.accountedBytes());
      refusedStopping.add(batch.recordCount());
      return Admission.REFUSED_SHUTTING_DOWN;
    }
    // The request's own bytes are worth keeping only if the batch reaches a disk queue unchanged.
    byte[] wire = WireEncoding.of(batch);
    if (wire != null) {
      if (keepsWireEncoding) {
        batch.resizeMemory(batch.accountedBytes() + wire.length);
        ringBytes.addAndGet(wire.length); // reserved without them; taken off with them
      } else {
        WireEncoding.forget(batch);
      }
    } // delivery: durable and end_to_end hold the receiver's answer: one party, taken before the
    // worker can see the batch.
    Acknowledgement ack = heldAcknowledgement(batch);
    if (ack != null) ack.addParties(1);
    // Cannot fail: the reserved slots never exceed the ring's capacity.
    if (!ring.offer(batch))
      throw new IllegalStateException("pipeline " + name + ": ring full despite a reservation");
    if (workerParked) LockSupport.unpark(worker);
    return Admission.ACCEPTED;
  }

  private void run() {
    int idle = 0;
    while (!Thread.currentThread().isInterrupted()) {
      int n = ring.drain(this::processAndTrack, DRAIN_LIMIT);
      if (n > 0) {
        idle = 0;
        if (syncer != null) syncer.submit(pendingAcks);
        continue;
      }
      if (stopRequested && ring.isEmpty()) return;
      idle++;
      switch (waitMode) {
        case BUSY_SPIN -> Thread.onSpinWait();
        case YIELD -> {
          if (idle < 100) Thread.yield();
          else LockSupport.parkNanos(MAX_PARK_NANOS);
        }
        case PARK -> {
          if (idle < 10) {
            Thread.onSpinWait();
          } else {
            workerParked = true;
            if (ring.isEmpty() && !stopRequested) LockSupport.parkNanos(MAX_PARK_NANOS);
            workerParked = false;
          }
        }
      }
    }
    // Interrupted at the shutdown deadline: whatever is still in the ring is lost, and counted.
    Batch left;
    for (int i = 0; i < pendingAcks.size(); i++) pendingAcks.get(i).fail();
    pendingAcks.clear();
    while ((left = ring.poll()) != null) {
      Acknowledgement ack = heldAcknowledgement(left);
      if (ack != null) ack.fail();
      ringSlots.decrementAndGet();
      ringRecords.addAndGet(-left.recordCount());
      ringBytes.addAndGet(-left.accountedBytes());
      droppedAtDeadline.add(left.recordCount());
      left.releaseMemory();
    }
  }

  /**
   * With {@code delivery: durable}, the receivers' acknowledgements of a drained group are given
   * once every batch of it is in the exporters' disk queues and synced; a batch lost at the
   * shutdown deadline fails its acknowledgement instead. With {@code end_to_end}, each exporter the
   * records are handed to takes a party of the acknowledgement and settles it after delivery; the
   * pipeline's own party is settled once they are handed over (records the processors dropped need
   * no delivery: they are counted).
   */
  private void processAndTrack(Batch batch) {
    Acknowledgement ack = heldAcknowledgement(batch);
    process(batch, delivery == Delivery.END_TO_END ? ack : null);
    if (ack == null) return;
    if (Thread.currentThread().isInterrupted()) ack.fail();
    else if (delivery == Delivery.END_TO_END) ack.done();
    else if (syncer == null) ack.fail();
    else pendingAcks.add(ack);
  }

  /** The receiver's acknowledgement this pipeline settles: null with delivery: memory. */
  private Acknowledgement heldAcknowledgement(Batch batch) {
    return delivery == Delivery.MEMORY ? null : Acknowledgement.of(batch);
  }

  /**
   * Runs the processors on {@code batch} and hands the result to the exporters, each taking a party
   * of {@code ack} when not null.
   */
  private void process(Batch batch, Acknowledgement ack) {
    ringSlots.decrementAndGet();
    ringRecords.addAndGet(-batch.recordCount());
    ringBytes.addAndGet(-batch.accountedBytes());
    Batch current = batch;
    int plain = router == null ? stages.size() : stages.size() - 1;
    for (int i = 0; i < plain && current != null && !current.isEmpty(); i++) {
      int in = current.recordCount();
      stageIn[i].add(in);
      try {
        current = stages.get(i).processor().process(current);
      } catch (RuntimeException e) {
        stageErrors[i].add(in);
        LOG.log(
            Level.ERROR,
            "pipeline "
                + name
                + ": processor "
                + stages.get(i).id()
                + " failed on a batch of "
                + in
                + " records; they are dropped (counted as reason=processor_error)",
            e);
        batch.releaseMemory();
        return;
      }
      stageOut[i].add(current == null ? 0 : current.recordCount());
    }
    if (current == null || current.isEmpty()) {
      batch.releaseMemory();
      return;
    }
    if (plain > 0) current = reaccount(batch, current);
    if (router != null) {
      route(current, ack);
      return;
    }
    // One hold per exporter; each exporter releases its own when it is done with the batch.
    current.retainMemory(exporters.size() - 1);
    for (int e = 0; e < exporters.size(); e++) {
      if (ack != null) ack.addParties(1);
      try {
        exporters.get(e).enqueue(current, ack);
      } catch (InterruptedException ie) {
        if (ack != null) ack.fail();
        Thread.currentThread().interrupt();
        droppedAtDeadline.add(current.recordCount());
        for (int rest = e; rest < exporters.size(); rest++) current.releaseMemory();
        return;
      }
    }
  }

  /**
   * After processors: the batch's memory figure follows what they made of it (parse adds
   * attributes, filter removes records). A processor that returned a new batch object gets the
   * figure; the one it came from gives its own back.
   */
  private Batch reaccount(Batch original, Batch current) {
    if (original.accountedBytes() == 0 && current == original) return current;
    long estimate = estimate(current);
    if (current == original) {
      current.resizeMemory(estimate);
    } else {
      memory.forceAcquire(estimate);
      current.attachMemory(memory, estimate);
      original.releaseMemory();
    }
    return current;
  }

  private static long estimate(Batch batch) {
    return batch instanceof LogsBatch logs ? MemoryEstimate.of(logs) : batch.accountedBytes();
  }

  /**
   * Runs the last stage's router and counts what it sent on (once per record, however many
   * exporters).
   */
  private void route(Batch batch, Acknowledgement ack) {
    int last = stages.size() - 1;
    int in = batch.recordCount();
    stageIn[last].add(in);
    routeSink.reset(batch, ack);
    try {
      router.route(batch, routeSink);
    } catch (RuntimeException e) {
      // Parts already handed over were delivered; the rest of the batch is lost to the error.
      stageErrors[last].add(Math.max(0, in - routeSink.sent));
      LOG.log(
          Level.ERROR,
          "pipeline "
              + name
              + ": routing processor "
              + stages.get(last).id()
              + " failed on a batch of "
              + in
              + " records; "
              + Math.max(0, in - routeSink.sent)
              + " not yet routed are dropped (counted as reason=processor_error)",
          e);
    }
    stageOut[last].add(routeSink.sent);
    batch.releaseMemory(); // the worker's own hold; parts sent on hold their own
    if (routeSink.interrupted) Thread.currentThread().interrupt();
  }

  /** Hands routed parts to the named exporters. One instance, used by the worker thread only. */
  private final class Router implements RoutingProcessor.RouteSink {
    Batch routed;
    Acknowledgement ack;
    int sent;
    boolean interrupted;

    void reset(Batch batch, Acknowledgement ack) {
      routed = batch;
      this.ack = ack;
      sent = 0;
      interrupted = false;
    }

    @Override
    public void send(Batch part, List<ComponentId> targets) {
      if (part == null) return;
      int n = part.recordCount();
      if (n == 0) return;
      sent += n;
      List<ExporterRunner> found = new java.util.ArrayList<>(targets.size());
      for (int i = 0; i < targets.size(); i++) {
        ExporterRunner exporter = exportersById.get(targets.get(i));
        if (exporter == null) {
          // Config validation rejects routes to exporters outside the pipeline; count it if one
          // slips through.
          unknownRouteTarget.add(n);
        } else {
          found.add(exporter);
        }
      }
      if (found.isEmpty()) return;
      hold(part, found.size());
      for (int i = 0; i < found.size(); i++) {
        if (interrupted) {
          droppedAtDeadline.add(n);
          part.releaseMemory();
          continue;
        }
        if (ack != null) ack.addParties(1);
        try {
          found.get(i).enqueue(part, ack);
        } catch (InterruptedException e) {
          if (ack != null) ack.fail();
          interrupted = true;
          droppedAtDeadline.add(n);
          part.releaseMemory();
        }
      }
    }

    /**
     * Gives {@code part} one hold per exporter it goes to: its own estimate, or more holds of the
     * routed batch.
     */
    private void hold(Batch part, int holders) {
      if (part == routed) {
        part.retainMemory(holders);
      } else if (part.accountedBytes() > 0) {
        part.retainMemory(holders); // the same part object sent twice (routers should not)
      } else if (routed.accountedBytes() > 0) {
        long estimate = estimate(part);
        memory.forceAcquire(estimate);
        part.attachMemory(memory, estimate);
        part.retainMemory(holders - 1);
      }
    }
  }

  /** Records the pipeline held and could not hand to its exporters by the shutdown deadline. */
  public long lostAtShutdown() {
    return droppedAtDeadline.get();
  }

  /** Closes the ring to new batches (receivers get REFUSED_SHUTTING_DOWN). */
  public void stopAccepting() {
    accepting = false;
  }

  /**
   * Stops accepting, lets the worker drain the ring into the exporters, then shuts the processors
   * down. Waits until {@code deadline}.
   */
  public void shutdown(Instant deadline) {
    accepting = false;
    stopRequested = true;
    LockSupport.unpark(worker);
    if (worker.isAlive()) {
      try {
        worker.join(Math.max(1, deadline.toEpochMilli() - System.currentTimeMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (worker.isAlive()) {
        LOG.log(
            Level.WARNING,
            "pipeline "
                + name
                + ": ring not drained by the shutdown deadline; "
                + ring.size()
                + " batches still queued");
        worker.interrupt();
        try {
          worker.join(1000); // let it count what it could not deliver before we report
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    if (syncer != null) {
      syncer.stop(Math.max(1000, deadline.toEpochMilli() - System.currentTimeMillis()));
    }
    for (Stage s : stages) s.processor().shutdown(deadline);
  }
}
