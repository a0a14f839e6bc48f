package io.stacklens.agent.runtime;

import io.stacklens.agent.admin.AdminServer;
import io.stacklens.agent.admin.HealthRegistry;
import io.stacklens.agent.api.StartException;
import io.stacklens.agent.auth.AuthSettings;
import io.stacklens.agent.concurrent.DaemonThreads;
import io.stacklens.agent.config.AgentConfig;
import io.stacklens.agent.config.ComponentRegistry;
import io.stacklens.agent.config.ConfigRenderer;
import io.stacklens.agent.config.LoadResult;
import io.stacklens.agent.config.TelemetryConfig;
import io.stacklens.agent.data.MemoryLimiter;
import io.stacklens.agent.telemetry.Counter;
import io.stacklens.agent.telemetry.JvmMetrics;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.tls.ServerTls;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The whole agent process minus the CLI: the admin server (self-telemetry) and the {@link Service}.
 * The admin server starts first, so {@code /health} answers 503 while the pipelines start and
 * drain, and stops last.
 */
public final class Agent implements AutoCloseable {
  private static final Logger LOG = System.getLogger(Agent.class.getName());

  private final MetricsRegistry metrics = new MetricsRegistry();
  private final MemoryLimiter memory;
  private final HealthRegistry health = new HealthRegistry();
  private final Service service;
  private final AdminServer admin;
  private final AtomicBoolean stopped = new AtomicBoolean();

  /** Where reloads read the config; null when the agent was given a config object only. */
  private final ConfigSource source;

  /** Runs reloads one at a time, off the signal and admin threads. */
  private final ExecutorService reloads =
      Executors.newSingleThreadExecutor(DaemonThreads.named("config-reload"));

  private final Map<ReloadResult.Outcome, Counter> reloadCounts =
      new EnumMap<>(ReloadResult.Outcome.class);
  private volatile Consumer<AgentConfig> onReload = c -> {};
  private volatile String configHash;
  private volatile boolean lastReloadSucceeded = true;

  /** Counted down when {@link #start} ends: a reload asked for during start-up waits for it. */
  private final CountDownLatch startEnded = new CountDownLatch(1);

  private volatile Instant appliedAt = Instant.now();

  /** An agent for {@code config} that cannot reload (there are no files to read again). */
  public Agent(AgentConfig config, ComponentRegistry registry) throws ServiceException {
    this(config, registry, null);
  }

  /**
   * An agent for {@code config}, which {@code source} loaded; SIGHUP and {@code POST /reload} load
   * it again ({@link #reload()}).
   */
  public Agent(AgentConfig config, ComponentRegistry registry, ConfigSource source)
      throws ServiceException {
    this.source = source;
    JvmMetrics.register(metrics);
    this.memory =
        new MemoryLimiter(
            config.service().memoryLimiter.limitBytes(Runtime.getRuntime().maxMemory()));
    metrics.gauge(
        "stacklens_memory_limiter_limit_bytes",
        "The memory budget for telemetry held by receivers, pipelines and exporter queues (service.memory_limiter)",
        () -> (double) memory.limit());
    metrics.gauge(
        "stacklens_memory_limiter_used_bytes",
        "Estimated bytes of telemetry held now by receivers, pipelines and exporter queues",
        () -> (double) memory.used());
    metrics.gauge(
        "stacklens_memory_limiter_peak_bytes",
        "The highest stacklens_memory_limiter_used_bytes since start",
        () -> (double) memory.peak());
    this.service = Service.build(config, registry, metrics, health, memory);
    registerReloadMetrics();
    configApplied(config, null);
    TelemetryConfig telemetry = config.service().telemetry;
    String endpoint = telemetry.endpoint;
    this.admin =
        endpoint == null || endpoint.isBlank()
            ? null
            : new AdminServer(
                endpoint,
                metrics,
                health,
                AuthSettings.authenticator(telemetry.auth),
                ServerTls.forHttp(telemetry.tls, "service.telemetry.tls"));
    if (admin != null) {
      admin.reloadWith(
          () -> reloadAsync().thenApply(result -> ReloadAnswer.of(result, configHash)));
    }
  }

  private void registerReloadMetrics() {
    for (ReloadResult.Outcome outcome : ReloadResult.Outcome.values()) {
      reloadCounts.put(
          outcome,
          metrics.counter(
              "stacklens_config_reloads_total",
              "Config reloads (SIGHUP, POST /reload) by result: applied, unchanged, invalid"
                  + " (refused, nothing changed), failed (a component could not be built or"
                  + " started)",
              "result",
              outcome.id()));
    }
    metrics.gauge(
        "stacklens_config_last_reload_successful",
        "1 when the last reload applied its config (or none was asked for), else 0",
        () -> lastReloadSucceeded ? 1 : 0);
    metrics.gauge(
        "stacklens_config_last_applied_timestamp_seconds",
        "When the config in force was applied (start or the last successful reload), Unix time",
        () -> appliedAt.toEpochMilli() / 1000.0);
  }

  /**
   * Calls {@code listener} with the new config after each reload that applied one (the CLI sets the
   * log levels from it).
   */
  public void onReload(Consumer<AgentConfig> listener) {
    this.onReload = listener;
  }

  /**
   * Runs {@link #reload()} on the reload thread; reloads asked for at once run one after another.
   */
  public CompletableFuture<ReloadResult> reloadAsync() {
    CompletableFuture<ReloadResult> result = new CompletableFuture<>();
    try {
      reloads.execute(
          () -> {
            try {
              result.complete(reload());
            } catch (RuntimeException e) {
              // A bug, not a bad config: logged with its trace, answered as a failed reload.
              LOG.log(Level.ERROR, "reload: unexpected error", e);
              result.complete(
                  record(
                      ReloadResult.failed(
                          List.of(),
                          "unexpected error: " + io.stacklens.agent.api.ErrorText.message(e)),
                      null));
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      result.complete(ReloadResult.failed(List.of(), "the agent is shutting down"));
    }
    return result;
  }

  /** Loads the config from the agent's {@link ConfigSource} again and applies it. */
  public ReloadResult reload() {
    if (source == null) {
      return record(
          ReloadResult.failed(List.of(), "this agent was started without config files to re-read"),
          null);
    }
    try {
      startEnded.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return record(ReloadResult.failed(List.of(), "interrupted while the agent started"), null);
    }
    LOG.log(Level.INFO, "reloading the config");
    return reload(source.load());
  }

  /**
   * Applies {@code loaded}: refused when it has errors (listed with file:line:column), else handed
   * to {@link Service#reload}, which rebuilds only what changed. Logged, counted in {@code
   * stacklens_config_reloads_total{result}} and shown on {@code /health}.
   */
  public synchronized ReloadResult reload(LoadResult loaded) {
    if (stopped.get()) {
      return record(ReloadResult.failed(List.of(), "the agent is shutting down"), null);
    }
    if (loaded.hasErrors() || loaded.config().isEmpty()) {
      return record(ReloadResult.invalid(loaded.problems()), null);
    }
    AgentConfig next = loaded.config().get();
    return record(service.reload(next).withWarnings(loaded.warnings()), next);
  }

  private ReloadResult record(ReloadResult result, AgentConfig next) {
    reloadCounts.get(result.outcome()).add(1);
    lastReloadSucceeded = result.succeeded();
    for (io.stacklens.agent.config.ConfigProblem p : result.problems()) {
      LOG.log(p.isError() ? Level.ERROR : Level.WARNING, p.toString());
    }
    LOG.log(result.succeeded() ? Level.INFO : Level.ERROR, result.message());
    // A reload that failed part-way may still have applied the rest of its config.
    configApplied(service.config(), result);
    if (result.succeeded() && next != null) onReload.accept(next);
    return result;
  }

  /** Shows {@code inForce} on /health (and its hash), with how the last reload ended. */
  private void configApplied(AgentConfig inForce, ReloadResult result) {
    String hash = ConfigRenderer.fingerprint(inForce);
    if (!hash.equals(configHash)) appliedAt = Instant.now();
    configHash = hash;
    health.config(
        new HealthRegistry.ConfigStatus(
            hash,
            appliedAt,
            result == null ? null : result.outcome().id(),
            result == null ? null : Instant.now(),
            result == null ? null : result.message()));
  }

  /** Starts the admin server, then the pipelines. On failure nothing is left running. */
  public void start() throws ServiceException {
    try {
      startAdminAndService();
    } finally {
      startEnded.countDown();
    }
  }

  private void startAdminAndService() throws ServiceException {
    if (admin != null) {
      try {
        admin.start();
      } catch (Exception e) {
        String key = "service.telemetry.endpoint";
        throw new ServiceException(
            key
                + ": "
                + StartException.cannotListen(key, service.config().service().telemetry.endpoint, e)
                    .getMessage(),
            e);
      }
    }
    try {
      service.start();
    } catch (ServiceException e) {
      closeAdmin();
      throw e;
    }
    LOG.log(
        Level.INFO,
        "agent running: pipelines "
            + String.join(
                ", ", service.pipelines().keySet().stream().map(Object::toString).toList())
            + (admin != null
                ? "; metrics and health on http://" + adminHost() + ":" + admin.port()
                : ""));
  }

  private String adminHost() {
    String e = service.config().service().telemetry.endpoint;
    int colon = e.lastIndexOf(':');
    return colon > 0 ? e.substring(0, colon) : e;
  }

  /**
   * Graceful stop within {@code service.shutdown_timeout}; idempotent.
   *
   * @return what was acknowledged but not delivered (also logged at ERROR); empty when nothing was
   *     lost or when the agent was already stopped
   */
  public List<ShutdownLoss> stop() {
    if (!stopped.compareAndSet(false, true)) return List.of();
    reloads.shutdown();
    LOG.log(
        Level.INFO,
        "agent stopping: draining pipelines (timeout "
            + io.stacklens.agent.api.Durations.format(service.config().service().shutdownTimeout)
            + ")");
    List<ShutdownLoss> losses = service.shutdown();
    closeAdmin();
    io.stacklens.agent.telemetry.RateLimitedLog
        .flushAll(); // the counts of refusals not yet summarised
    if (losses.isEmpty()) {
      LOG.log(Level.INFO, "agent stopped; everything acknowledged was delivered");
    } else {
      long lost = losses.stream().mapToLong(ShutdownLoss::records).sum();
      LOG.log(
          Level.ERROR, "agent stopped; " + lost + " acknowledged record(s) were lost (see above)");
    }
    return losses;
  }

  private void closeAdmin() {
    if (admin != null) admin.close();
  }

  @Override
  public void close() {
    stop();
  }

  public Service service() {
    return service;
  }

  public MetricsRegistry metrics() {
    return metrics;
  }

  /** The agent-wide memory budget. */
  public MemoryLimiter memoryLimiter() {
    return memory;
  }

  public HealthRegistry health() {
    return health;
  }

  /** The hash of the config in force ({@link ConfigRenderer#fingerprint}), shown on /health. */
  public String configHash() {
    return configHash;
  }

  /** Bound port of the admin server, or -1 when disabled. */
  public int adminPort() {
    return admin == null ? -1 : admin.port();
  }
}
