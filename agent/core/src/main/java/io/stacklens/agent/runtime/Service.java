package io.stacklens.agent.runtime;

import io.stacklens.agent.admin.HealthRegistry;
import io.stacklens.agent.admin.HealthRegistry.Phase;
import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.ComponentStatus;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.api.DeadLetterConfig;
import io.stacklens.agent.api.DeadLetters;
import io.stacklens.agent.api.ErrorText;
import io.stacklens.agent.api.ExporterConfig;
import io.stacklens.agent.api.ExporterFactory;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.api.Processor;
import io.stacklens.agent.api.ProcessorFactory;
import io.stacklens.agent.api.Receiver;
import io.stacklens.agent.api.ReceiverFactory;
import io.stacklens.agent.api.StartException;
import io.stacklens.agent.config.AgentConfig;
import io.stacklens.agent.config.ComponentRegistry;
import io.stacklens.agent.config.PipelineConfig;
import io.stacklens.agent.config.PipelineId;
import io.stacklens.agent.data.MemoryLimiter;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.exporterhelper.ExporterRunner;
import io.stacklens.agent.exporterhelper.ReceiverDeadLetters;
import io.stacklens.agent.telemetry.Counter;
import io.stacklens.agent.telemetry.MetricsRegistry;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The running agent: builds the component graph from a validated config, starts it downstream first
 * (exporters, pipelines with their processors, receivers) and stops it upstream first (receivers,
 * pipelines drain, exporters drain), so every stage can drain into the next.
 */
public final class Service {
  private static final Logger LOG = System.getLogger(Service.class.getName());

  private final AgentConfig config;
  private final HealthRegistry health;
  private final MemoryLimiter memory;
  private final MetricsRegistry metrics;

  /**
   * What components get at start: health reporting, the memory budget and receivers' dead-letter
   * exporters.
   */
  private final Host host;

  private final Map<ComponentId, ExporterRunner> exporters = new LinkedHashMap<>();

  /**
   * Exporters that take other exporters' or receivers' dead letters: started before and stopped
   * after the other exporters (and, like every exporter, before and after the receivers).
   */
  private final Set<ComponentId> deadLetterTargets = new LinkedHashSet<>();

  private final Map<PipelineId, Pipeline> pipelines = new LinkedHashMap<>();
  private final Map<ComponentId, Receiver> receivers = new LinkedHashMap<>();
  private final AtomicBoolean shutdown = new AtomicBoolean();

  private Service(
      AgentConfig config, HealthRegistry health, MemoryLimiter memory, MetricsRegistry metrics) {
    this.config = config;
    this.health = health;
    this.memory = memory;
    this.metrics = metrics;
    this.host =
        new Host() {
          @Override
          public void reportStatus(
              ComponentId id, ComponentKind kind, ComponentStatus status, String detail) {
            health.reportStatus(id, kind, status, detail);
          }

          @Override
          public MemoryLimiter memoryLimiter() {
            return memory;
          }

          @Override
          public DeadLetters deadLetters(ComponentId receiver, ComponentId exporter) {
            ExporterRunner target = exporters.get(exporter);
            if (target == null) {
              throw new IllegalArgumentException(
                  "receiver "
                      + receiver
                      + ": dead-letter exporter '"
                      + exporter
                      + "' is not running; name it in receivers."
                      + receiver
                      + ".dead_letter.exporter");
            }
            return new ReceiverDeadLetters(receiver, target, Service.this.metrics, memory);
          }
        };
  }

  /** Builds every component of a config that passed validation, without a memory budget. */
  public static Service build(
      AgentConfig config,
      ComponentRegistry registry,
      MetricsRegistry metrics,
      HealthRegistry health)
      throws ServiceException {
    return build(config, registry, metrics, health, MemoryLimiter.unlimited());
  }

  /**
   * Builds every component of a config that passed validation; they count what they hold against
   * {@code memory}.
   */
  public static Service build(
      AgentConfig config,
      ComponentRegistry registry,
      MetricsRegistry metrics,
      HealthRegistry health,
      MemoryLimiter memory)
      throws ServiceException {
    Service s = new Service(config, health, memory, metrics);
    s.buildExporters(registry, metrics);
    s.buildPipelines(registry, metrics);
    s.buildReceivers(registry, metrics);
    return s;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void buildExporters(ComponentRegistry registry, MetricsRegistry metrics)
      throws ServiceException {
    for (PipelineConfig p : config.service().pipelines.values()) {
      for (ComponentId id : p.exporters) {
        if (!exporters.containsKey(id)) exporters.put(id, buildExporter(registry, metrics, id));
      }
    }
    // Dead-letter exporters (maybe named by no pipeline) start first and stop last: see start() and
    // shutdown().
    for (ComponentId id : List.copyOf(exporters.keySet())) {
      ComponentId target = deadLetterOf(config.exporters().get(id));
      if (target != null)
        exporters.get(id).deadLetterTo(deadLetterTarget(registry, metrics, target));
    }
    // Receivers' dead-letter exporters: handed out by Host.deadLetters when the receiver starts.
    Set<ComponentId> inPipelines = new LinkedHashSet<>();
    for (PipelineConfig p : config.service().pipelines.values()) inPipelines.addAll(p.receivers);
    for (ComponentId id : inPipelines) {
      ComponentId target = deadLetterOf(config.receivers().get(id));
      if (target != null) deadLetterTarget(registry, metrics, target);
    }
  }

  private static ComponentId deadLetterOf(ComponentConfig config) {
    return config instanceof DeadLetterConfig d ? d.deadLetterExporter() : null;
  }

  /** The runner of dead-letter exporter {@code id}, built now when no pipeline names it. */
  private ExporterRunner deadLetterTarget(
      ComponentRegistry registry, MetricsRegistry metrics, ComponentId id) throws ServiceException {
    ExporterRunner to = exporters.get(id);
    if (to == null) {
      to = buildExporter(registry, metrics, id);
      exporters.put(id, to);
    }
    deadLetterTargets.add(id);
    return to;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private ExporterRunner buildExporter(
      ComponentRegistry registry, MetricsRegistry metrics, ComponentId id) throws ServiceException {
    ExporterConfig cfg = (ExporterConfig) config.exporters().get(id);
    ExporterFactory factory = (ExporterFactory) factory(registry, ComponentKind.EXPORTER, id);
    ComponentContext ctx = ComponentContext.of(id, ComponentKind.EXPORTER, metrics);
    try {
      return ExporterRunner.create(
          ctx, factory.createExporter(ctx, cfg), cfg, Path.of(config.service().dataDir));
    } catch (Exception e) {
      throw new ServiceException(
          failure(ComponentKind.EXPORTER, id, null, "cannot be created", e), e);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void buildPipelines(ComponentRegistry registry, MetricsRegistry metrics)
      throws ServiceException {
    for (Map.Entry<PipelineId, PipelineConfig> e : config.service().pipelines.entrySet()) {
      PipelineId pid = e.getKey();
      PipelineConfig p = e.getValue();
      List<Pipeline.Stage> stages = new ArrayList<>();
      for (ComponentId id : p.processors) {
        ComponentConfig cfg = config.processors().get(id);
        ProcessorFactory factory =
            (ProcessorFactory) factory(registry, ComponentKind.PROCESSOR, id);
        try {
          Processor proc =
              factory.createProcessor(
                  ComponentContext.ofProcessor(id, pid.toString(), metrics), cfg, pid.signal());
          stages.add(new Pipeline.Stage(id, proc));
        } catch (Exception ex) {
          throw new ServiceException(
              failure(ComponentKind.PROCESSOR, id, pid, "cannot be created", ex), ex);
        }
      }
      // By id and in the pipeline's order: a routing processor names the exporters each part goes
      // to.
      List<ExporterRunner> targets = new ArrayList<>();
      for (ComponentId id : p.exporters) targets.add(exporters.get(id));
      Pipeline pipeline =
          new Pipeline(
              pid.toString(),
              p.ringSize,
              p.ringMaxRecords,
              p.ringMaxBytes.bytes(),
              p.waitStrategy,
              stages,
              targets,
              metrics,
              memory);
      pipeline.delivery(p.delivery);
      pipelines.put(pid, pipeline);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void buildReceivers(ComponentRegistry registry, MetricsRegistry metrics)
      throws ServiceException {
    Map<ComponentId, Map<Signal, List<Pipeline>>> wiring = new LinkedHashMap<>();
    for (Map.Entry<PipelineId, PipelineConfig> e : config.service().pipelines.entrySet()) {
      for (ComponentId id : e.getValue().receivers) {
        wiring
            .computeIfAbsent(id, k -> new EnumMap<>(Signal.class))
            .computeIfAbsent(e.getKey().signal(), k -> new ArrayList<>())
            .add(pipelines.get(e.getKey()));
      }
    }
    for (Map.Entry<ComponentId, Map<Signal, List<Pipeline>>> w : wiring.entrySet()) {
      ComponentId id = w.getKey();
      Map<Signal, Consumer> consumers = new EnumMap<>(Signal.class);
      for (Map.Entry<Signal, List<Pipeline>> s : w.getValue().entrySet()) {
        List<Pipeline> targets = s.getValue();
        if (targets.size() == 1) {
          consumers.put(s.getKey(), targets.get(0));
        } else {
          List<Counter> dropped = new ArrayList<>();
          for (Pipeline p : targets) {
            dropped.add(
                metrics.counter(
                    "stacklens_pipeline_dropped_records_total",
                    "Records a pipeline could not hand to an exporter",
                    "pipeline",
                    p.name(),
                    "reason",
                    "shutting_down"));
          }
          consumers.put(s.getKey(), new FanoutConsumer(targets, dropped, memory));
        }
      }
      ReceiverFactory factory = (ReceiverFactory) factory(registry, ComponentKind.RECEIVER, id);
      try {
        receivers.put(
            id,
            factory.createReceiver(
                ComponentContext.of(id, ComponentKind.RECEIVER, metrics),
                config.receivers().get(id),
                consumers));
      } catch (Exception ex) {
        throw new ServiceException(
            failure(ComponentKind.RECEIVER, id, null, "cannot be created", ex), ex);
      }
    }
  }

  private static io.stacklens.agent.api.Factory<?> factory(
      ComponentRegistry registry, ComponentKind kind, ComponentId id) throws ServiceException {
    return registry
        .find(kind, id.type())
        .orElseThrow(
            () ->
                new ServiceException(
                    "no " + kind.label() + " factory for type '" + id.type() + "'", null));
  }

  /** Exporter ids with the dead-letter targets first ({@code first}) or last. */
  private List<ComponentId> exportersDeadLetterTargetsFirst(boolean first) {
    List<ComponentId> others = new ArrayList<>();
    for (ComponentId id : exporters.keySet()) if (!deadLetterTargets.contains(id)) others.add(id);
    List<ComponentId> ordered = new ArrayList<>(first ? deadLetterTargets : others);
    ordered.addAll(first ? others : deadLetterTargets);
    return ordered;
  }

  /**
   * Starts exporters, pipelines, then receivers. On failure everything already started is shut down
   * again and the error names the component.
   */
  public void start() throws ServiceException {
    health.setPhase(Phase.STARTING);
    try {
      for (ComponentId id : exportersDeadLetterTargetsFirst(true)) {
        ExporterRunner runner = exporters.get(id);
        startOne(ComponentKind.EXPORTER, id, () -> runner.start(host));
      }
      for (Map.Entry<PipelineId, Pipeline> e : pipelines.entrySet()) {
        try {
          e.getValue().start(host);
        } catch (Exception ex) {
          throw new ServiceException(
              "service.pipelines." + e.getKey() + ": a processor failed to start: " + message(ex),
              ex);
        }
      }
      for (Map.Entry<ComponentId, Receiver> e : receivers.entrySet()) {
        startOne(ComponentKind.RECEIVER, e.getKey(), () -> e.getValue().start(host));
      }
    } catch (ServiceException e) {
      shutdown();
      throw e;
    }
    health.setPhase(Phase.RUNNING);
  }

  private interface Starter {
    void start() throws Exception;
  }

  private void startOne(ComponentKind kind, ComponentId id, Starter starter)
      throws ServiceException {
    health.reportStatus(id, kind, ComponentStatus.STARTING, "");
    try {
      starter.start();
    } catch (Exception e) {
      health.reportStatus(id, kind, ComponentStatus.FAILED, message(e));
      throw new ServiceException(failure(kind, id, null, "failed to start", e), e);
    }
  }

  /**
   * What the CLI prints when a component cannot be built or started: its YAML path, and the setting
   * at fault when it says ({@link StartException}, e.g. {@code exporters.file.path: cannot open ...
   * for writing: permission denied; ...}); otherwise {@code what} and the cause in plain words.
   */
  static String failure(
      ComponentKind kind, ComponentId id, PipelineId pipeline, String what, Exception e) {
    String where = kind.section() + "." + id;
    if (e instanceof StartException s) {
      return (s.key().isEmpty() ? where : where + "." + s.key()) + ": " + s.getMessage();
    }
    return where
        + (pipeline == null ? "" : " (in pipeline " + pipeline + ")")
        + ": "
        + what
        + ": "
        + message(e);
  }

  /**
   * Graceful stop within {@code service.shutdown_timeout}: receivers stop taking requests,
   * pipelines drain their rings into the exporter queues, exporters drain, flush and close.
   * Idempotent: only the first call reports losses.
   *
   * @return what was acknowledged to clients but not delivered by the deadline, each also logged at
   *     ERROR; empty when everything was delivered
   */
  public List<ShutdownLoss> shutdown() {
    if (!shutdown.compareAndSet(false, true)) return List.of();
    Duration timeout = config.service().shutdownTimeout;
    Instant deadline = Instant.now().plus(timeout);
    health.setPhase(Phase.DRAINING);
    // Close the doors first: from now on new requests are refused as "shutting down".
    for (Pipeline p : pipelines.values()) p.stopAccepting();
    for (Map.Entry<ComponentId, Receiver> e : receivers.entrySet()) {
      stopOne(ComponentKind.RECEIVER, e.getKey(), () -> e.getValue().shutdown(deadline));
    }
    for (Pipeline p : pipelines.values()) p.shutdown(deadline);
    for (ComponentId id : exportersDeadLetterTargetsFirst(false)) {
      ExporterRunner runner = exporters.get(id);
      stopOne(ComponentKind.EXPORTER, id, () -> runner.shutdown(deadline));
    }
    health.setPhase(Phase.STOPPED);
    List<ShutdownLoss> losses = losses(timeout);
    for (ShutdownLoss loss : losses) LOG.log(Level.ERROR, loss.describe());
    return losses;
  }

  private List<ShutdownLoss> losses(Duration timeout) {
    String deadline =
        "service.shutdown_timeout (" + io.stacklens.agent.api.Durations.format(timeout) + ")";
    List<ShutdownLoss> losses = new ArrayList<>();
    for (Pipeline p : pipelines.values()) {
      if (p.lostAtShutdown() > 0) {
        losses.add(
            new ShutdownLoss(
                "pipeline " + p.name(),
                p.lostAtShutdown(),
                "its ring was not drained into the exporters by "
                    + deadline
                    + "; an exporter downstream was too slow or failing"));
      }
    }
    for (ExporterRunner e : exporters.values()) {
      if (e.lostAtShutdown() > 0) {
        String failure = e.lastFailure();
        losses.add(
            new ShutdownLoss(
                "exporter " + e.id(),
                e.lostAtShutdown(),
                (failure != null
                        ? "the destination was failing (" + failure + ") until "
                        : "they were still being sent at ")
                    + deadline));
      }
    }
    return losses;
  }

  private void stopOne(ComponentKind kind, ComponentId id, Runnable stop) {
    health.reportStatus(id, kind, ComponentStatus.STOPPING, "");
    try {
      stop.run();
      health.reportStatus(id, kind, ComponentStatus.STOPPED, "");
    } catch (RuntimeException e) {
      LOG.log(
          Level.ERROR, kind.label() + " " + id + ": error while shutting down: " + message(e), e);
    }
  }

  public Map<ComponentId, Receiver> receivers() {
    return receivers;
  }

  public Map<PipelineId, Pipeline> pipelines() {
    return pipelines;
  }

  public Map<ComponentId, ExporterRunner> exporters() {
    return exporters;
  }

  /** {@code e}'s message for people: no exception class names ({@link ErrorText#message}). */
  static String message(Throwable e) {
    return ErrorText.message(e);
  }
}
