package io.stacklens.agent.runtime;

import io.stacklens.agent.admin.HealthRegistry;
import io.stacklens.agent.admin.HealthRegistry.Phase;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.ComponentStatus;
import io.stacklens.agent.api.DeadLetters;
import io.stacklens.agent.api.ErrorText;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.api.Receiver;
import io.stacklens.agent.api.StartException;
import io.stacklens.agent.config.AgentConfig;
import io.stacklens.agent.config.ComponentRegistry;
import io.stacklens.agent.config.ConfigProblem;
import io.stacklens.agent.config.PipelineId;
import io.stacklens.agent.data.MemoryLimiter;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.exporterhelper.ExporterRunner;
import io.stacklens.agent.exporterhelper.ReceiverDeadLetters;
import io.stacklens.agent.telemetry.MetricsRegistry;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
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

  private final HealthRegistry health;
  private final MetricsRegistry metrics;
  private final GraphBuilder builder;

  /**
   * What components get at start: health reporting, the memory budget and receivers' dead-letter
   * exporters.
   */
  private final Host host;

  /** The config in force and the components it built; a reload replaces both. */
  private volatile AgentConfig config;

  private volatile ComponentGraph graph;

  /** Held by a reload and by the shutdown: one changes the graph at a time. */
  private final Object lifecycle = new Object();

  private final AtomicBoolean shutdown = new AtomicBoolean();

  /** Receivers a reload could not start: out of the graph, shown failed until one starts them. */
  private final Set<ComponentId> failedReceivers = new java.util.HashSet<>();

  private Service(
      AgentConfig config,
      ComponentRegistry registry,
      HealthRegistry health,
      MemoryLimiter memory,
      MetricsRegistry metrics) {
    this.config = config;
    this.health = health;
    this.metrics = metrics;
    this.builder = new GraphBuilder(registry, metrics, memory);
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
            ExporterRunner target = graph.exporters.get(exporter);
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
    Service s = new Service(config, registry, health, memory, metrics);
    s.graph = s.builder.build(config, new ComponentGraph());
    return s;
  }

  /**
   * Starts exporters, pipelines, then receivers. On failure everything already started is shut down
   * again and the error names the component.
   */
  public void start() throws ServiceException {
    synchronized (lifecycle) {
      health.setPhase(Phase.STARTING);
      try {
        startExportersAndPipelines(graph);
        startReceivers(graph);
      } catch (ServiceException e) {
        shutdown();
        throw e;
      }
      health.setPhase(Phase.RUNNING);
    }
  }

  private void startExportersAndPipelines(ComponentGraph part) throws ServiceException {
    for (ComponentId id : part.exportersDeadLetterTargetsFirst(true)) {
      ExporterRunner runner = part.exporters.get(id);
      startOne(ComponentKind.EXPORTER, id, () -> runner.start(host));
    }
    for (Map.Entry<PipelineId, Pipeline> e : part.pipelines.entrySet()) {
      try {
        e.getValue().start(host);
      } catch (Exception ex) {
        throw new ServiceException(
            "service.pipelines." + e.getKey() + ": a processor failed to start: " + message(ex),
            ex);
      }
    }
  }

  private void startReceivers(ComponentGraph part) throws ServiceException {
    for (Map.Entry<ComponentId, Receiver> e : part.receivers.entrySet()) {
      startOne(ComponentKind.RECEIVER, e.getKey(), () -> e.getValue().start(host));
    }
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
   * Applies {@code next}, a config that passed validation, to the running agent, rebuilding only
   * what changed ({@link ReloadPlan}):
   *
   * <ol>
   *   <li>the new and changed exporters and pipelines are built and started next to the running
   *       ones; when one cannot be, they are stopped again and the running config stays in force;
   *   <li>the receivers that did not change are re-pointed at the new pipelines, keeping their
   *       ports and connections;
   *   <li>the replaced receivers stop, the replaced pipelines drain their rings into their
   *       exporters, and the replaced exporters deliver what they hold, within {@code
   *       service.shutdown_timeout}: what was acknowledged under the old config goes where the old
   *       config sent it;
   *   <li>the new and changed receivers start (a changed port is free by then).
   * </ol>
   *
   * When an exporter is rebuilt under its own name, or a new one needs the disk queue directory of
   * one being replaced, the two must not run at once (they would share a file, a queue, a client
   * id): then the replaced parts are drained and stopped first, and the receivers feeding them
   * answer "busy, retry" (as for a full ring) until their successors run.
   */
  public ReloadResult reload(AgentConfig next) {
    synchronized (lifecycle) {
      if (shutdown.get()) {
        return ReloadResult.failed(List.of(), "the agent is shutting down");
      }
      List<ConfigProblem> restart = ReloadPlan.restartOnlyChanges(config, next);
      if (!restart.isEmpty()) return ReloadResult.invalid(restart);
      AgentConfig previous = config;
      ComponentGraph running = graph;
      ReloadPlan plan = ReloadPlan.of(previous, running, next);
      if (plan.nothingChanges()) {
        config = next;
        return ReloadResult.unchanged();
      }
      Instant deadline = Instant.now().plus(next.service().shutdownTimeout);
      List<ShutdownLoss> losses = new ArrayList<>();
      ComponentGraph retired = null;
      if (plan.stopFirst) {
        pauseInputsInto(plan.reusable);
        retired = running.without(plan.reusable);
        losses.addAll(stop(retired, deadline, "replaced by a reload"));
      }
      ComponentGraph survivors = retired == null ? running : plan.reusable;
      ComponentGraph built;
      try {
        built = builder.build(next, plan.reusable);
      } catch (ServiceException e) {
        return giveUp(survivors, next, retired, previous, plan, e, losses);
      }
      ComponentGraph fresh = built.without(plan.reusable);
      try {
        startExportersAndPipelines(fresh);
      } catch (ServiceException e) {
        // Its receivers never started, and their ids may be those of receivers that still run.
        fresh.receivers.clear();
        fresh.inputs.clear();
        stop(fresh, Instant.now(), "when a reload gave up");
        return giveUp(survivors, next, retired, previous, plan, e, losses);
      }
      install(next, built, plan.changes);
      if (retired == null) {
        retired = running.without(built);
        losses.addAll(stop(retired, deadline, "replaced by a reload"));
      }
      List<String> failures = startNewReceivers(built, plan.reusable);
      forget(retired, built);
      if (!failures.isEmpty()) {
        return ReloadResult.failed(
            plan.changes,
            String.join("; ", failures)
                + "; the rest of the new config is running: fix it and reload again");
      }
      return ReloadResult.applied(plan.changes, losses);
    }
  }

  /**
   * After the new config could not be built or started: forgets the health and gauges of what was
   * built for it (components the running config does not have), points the gauges of the pipelines
   * that run back at them, and reports the failure; when the replaced parts were already stopped,
   * builds the previous config again.
   */
  private ReloadResult giveUp(
      ComponentGraph survivors,
      AgentConfig next,
      ComponentGraph retired,
      AgentConfig previous,
      ReloadPlan plan,
      ServiceException cause,
      List<ShutdownLoss> losses) {
    for (ComponentId id : next.exporters().keySet()) {
      if (survivors.exporters.containsKey(id)) continue;
      health.forget(ComponentKind.EXPORTER, id);
      metrics.removeGauges("exporter", id.toString());
    }
    for (PipelineId id : next.service().pipelines.keySet()) {
      if (!survivors.pipelines.containsKey(id)) metrics.removeGauges("pipeline", id.toString());
    }
    survivors.pipelines.values().forEach(Pipeline::publishGauges);
    if (retired == null) {
      return ReloadResult.failed(
          plan.changes, cause.getMessage() + "; nothing was changed, the running config stays");
    }
    return restore(previous, plan.reusable, cause, losses);
  }

  /** Makes {@code built} the running graph and points kept receivers at its pipelines. */
  private void install(AgentConfig next, ComponentGraph built, List<String> changes) {
    graph = built;
    config = next;
    built.inputs.forEach(
        (id, inputs) ->
            inputs.forEach((signal, input) -> input.switchTo(built.targets.get(id).get(signal))));
    LOG.log(Level.DEBUG, "reload: switched to the new graph: " + changes);
  }

  /**
   * Kept receivers' inputs that lead into a pipeline the reload replaces answer "busy, retry" until
   * {@link #install}.
   */
  private void pauseInputsInto(ComponentGraph reusable) {
    config
        .service()
        .pipelines
        .forEach(
            (pid, p) -> {
              if (reusable.pipelines.containsKey(pid)) return;
              for (ComponentId receiver : p.receivers) {
                Map<Signal, SwitchableConsumer> inputs = reusable.inputs.get(receiver);
                if (inputs != null) inputs.get(pid.signal()).switchTo(SwitchableConsumer.PAUSED);
              }
            });
  }

  /**
   * After the replaced parts were stopped first and the new config could not be built or started:
   * builds the previous config again around what kept running.
   */
  private ReloadResult restore(
      AgentConfig previous,
      ComponentGraph reusable,
      ServiceException cause,
      List<ShutdownLoss> losses) {
    String failed = cause.getMessage();
    try {
      ComponentGraph rebuilt = builder.build(previous, reusable);
      startExportersAndPipelines(rebuilt.without(reusable));
      install(previous, rebuilt, List.of());
      List<String> failures = startNewReceivers(rebuilt, reusable);
      return ReloadResult.failed(
          List.of(),
          failed
              + "; the previous config was restored"
              + (failures.isEmpty() ? "" : ", except: " + String.join("; ", failures))
              + lossNote(losses));
    } catch (ServiceException e) {
      LOG.log(
          Level.ERROR,
          "reload: the previous config could not be restored either: "
              + e.getMessage()
              + "; the receivers feeding the replaced pipelines refuse data until a reload"
              + " succeeds");
      return ReloadResult.failed(
          List.of(), failed + "; and the previous config could not be restored: " + e.getMessage());
    }
  }

  private static String lossNote(List<ShutdownLoss> losses) {
    long lost = losses.stream().mapToLong(ShutdownLoss::records).sum();
    return lost == 0 ? "" : " (" + lost + " acknowledged records were lost, logged above)";
  }

  /**
   * Starts the receivers of {@code built} that are not kept; returns what failed, in words. One
   * that fails is taken out of the graph (its health stays {@code failed}), so the next reload
   * builds and starts it again even when its settings are the same.
   */
  private List<String> startNewReceivers(ComponentGraph built, ComponentGraph kept) {
    List<String> failures = new ArrayList<>();
    for (Map.Entry<ComponentId, Receiver> e : List.copyOf(built.receivers.entrySet())) {
      ComponentId id = e.getKey();
      if (kept.receivers.containsKey(id)) continue;
      try {
        startOne(ComponentKind.RECEIVER, id, () -> e.getValue().start(host));
        failedReceivers.remove(id);
      } catch (ServiceException ex) {
        LOG.log(Level.ERROR, "reload: " + ex.getMessage());
        failures.add(ex.getMessage());
        built.receivers.remove(id);
        built.inputs.remove(id);
        failedReceivers.add(id);
        try {
          e.getValue().shutdown(Instant.now());
        } catch (RuntimeException ignored) {
          // it did not start: there is nothing of it to stop
        }
        // Its shutdown may have reported it stopped: what an operator must see is why it is down.
        health.reportStatus(id, ComponentKind.RECEIVER, ComponentStatus.FAILED, ex.getMessage());
      }
    }
    return failures;
  }

  /** Forgets the health and gauges of the components the reload removed (not those rebuilt). */
  private void forget(ComponentGraph retired, ComponentGraph built) {
    for (ComponentId id : retired.exporters.keySet()) {
      if (built.exporters.containsKey(id)) continue;
      health.forget(ComponentKind.EXPORTER, id);
      metrics.removeGauges("exporter", id.toString());
    }
    for (ComponentId id : retired.receivers.keySet()) {
      if (!built.receivers.containsKey(id) && !failedReceivers.contains(id)) {
        health.forget(ComponentKind.RECEIVER, id);
      }
    }
    for (PipelineId id : retired.pipelines.keySet()) {
      if (!built.pipelines.containsKey(id)) metrics.removeGauges("pipeline", id.toString());
    }
    failedReceivers.removeIf(
        id -> {
          if (config.service().pipelines.values().stream().anyMatch(p -> p.receivers.contains(id)))
            return false;
          health.forget(ComponentKind.RECEIVER, id);
          return true;
        });
  }

  /**
   * Graceful stop within {@code service.shutdown_timeout}: receivers stop taking requests,
   * pipelines drain their rings into the exporter queues, exporters drain, flush and close.
   * Idempotent: only the first call reports losses. Waits for a reload in progress to finish.
   *
   * @return what was acknowledged to clients but not delivered by the deadline, each also logged at
   *     ERROR; empty when everything was delivered
   */
  public List<ShutdownLoss> shutdown() {
    synchronized (lifecycle) {
      if (!shutdown.compareAndSet(false, true)) return List.of();
      Instant deadline = Instant.now().plus(config.service().shutdownTimeout);
      health.setPhase(Phase.DRAINING);
      List<ShutdownLoss> losses = stop(graph, deadline, "at shutdown");
      health.setPhase(Phase.STOPPED);
      return losses;
    }
  }

  /**
   * Stops {@code part} upstream first by {@code deadline}: receivers stop taking requests,
   * pipelines drain their rings into the exporter queues, exporters drain, flush and close.
   *
   * @return what was acknowledged to clients but not delivered by the deadline, each also logged at
   *     ERROR
   */
  private List<ShutdownLoss> stop(ComponentGraph part, Instant deadline, String when) {
    Map<Object, Long> lostBefore = new java.util.HashMap<>();
    part.pipelines.values().forEach(p -> lostBefore.put(p, p.lostAtShutdown()));
    part.exporters.values().forEach(e -> lostBefore.put(e, e.lostAtShutdown()));
    // Close the doors first: from now on new requests are refused as "shutting down".
    for (Pipeline p : part.pipelines.values()) p.stopAccepting();
    for (Map.Entry<ComponentId, Receiver> e : part.receivers.entrySet()) {
      stopOne(ComponentKind.RECEIVER, e.getKey(), () -> e.getValue().shutdown(deadline));
    }
    for (Pipeline p : part.pipelines.values()) p.shutdown(deadline);
    for (ComponentId id : part.exportersDeadLetterTargetsFirst(false)) {
      ExporterRunner runner = part.exporters.get(id);
      stopOne(ComponentKind.EXPORTER, id, () -> runner.shutdown(deadline));
    }
    List<ShutdownLoss> losses = losses(part, lostBefore, when);
    for (ShutdownLoss loss : losses) LOG.log(Level.ERROR, loss.describe());
    return losses;
  }

  private List<ShutdownLoss> losses(
      ComponentGraph part, Map<Object, Long> lostBefore, String when) {
    String deadline =
        "service.shutdown_timeout ("
            + io.stacklens.agent.api.Durations.format(config.service().shutdownTimeout)
            + ") "
            + when;
    List<ShutdownLoss> losses = new ArrayList<>();
    for (Pipeline p : part.pipelines.values()) {
      long lost = p.lostAtShutdown() - lostBefore.get(p);
      if (lost > 0) {
        losses.add(
            new ShutdownLoss(
                "pipeline " + p.name(),
                lost,
                "its ring was not drained into the exporters by "
                    + deadline
                    + "; an exporter downstream was too slow or failing"));
      }
    }
    for (ExporterRunner e : part.exporters.values()) {
      long lost = e.lostAtShutdown() - lostBefore.get(e);
      if (lost > 0) {
        String failure = e.lastFailure();
        losses.add(
            new ShutdownLoss(
                "exporter " + e.id(),
                lost,
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

  /** The config in force: the one started with, or the last one a reload applied. */
  public AgentConfig config() {
    return config;
  }

  public Map<ComponentId, Receiver> receivers() {
    return Collections.unmodifiableMap(graph.receivers);
  }

  public Map<PipelineId, Pipeline> pipelines() {
    return Collections.unmodifiableMap(graph.pipelines);
  }

  public Map<ComponentId, ExporterRunner> exporters() {
    return Collections.unmodifiableMap(graph.exporters);
  }

  /** {@code e}'s message for people: no exception class names ({@link ErrorText#message}). */
  static String message(Throwable e) {
    return ErrorText.message(e);
  }
}
