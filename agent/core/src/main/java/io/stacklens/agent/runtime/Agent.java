package io.stacklens.agent.runtime;

import io.stacklens.agent.admin.AdminServer;
import io.stacklens.agent.admin.HealthRegistry;
import io.stacklens.agent.api.StartException;
import io.stacklens.agent.auth.AuthSettings;
import io.stacklens.agent.config.AgentConfig;
import io.stacklens.agent.config.ComponentRegistry;
import io.stacklens.agent.config.TelemetryConfig;
import io.stacklens.agent.data.MemoryLimiter;
import io.stacklens.agent.telemetry.JvmMetrics;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.tls.ServerTls;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The whole agent process minus the CLI: the admin server (self-telemetry) and the {@link Service}.
 * The admin server starts first, so {@code /health} answers 503 while the pipelines start and
 * drain, and stops last.
 */
public final class Agent implements AutoCloseable {
  private static final Logger LOG = System.getLogger(Agent.class.getName());

  private final AgentConfig config;
  private final MetricsRegistry metrics = new MetricsRegistry();
  private final MemoryLimiter memory;
  private final HealthRegistry health = new HealthRegistry();
  private final Service service;
  private final AdminServer admin;
  private final AtomicBoolean stopped = new AtomicBoolean();

  public Agent(AgentConfig config, ComponentRegistry registry) throws ServiceException {
    this.config = config;
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
  }

  /** Starts the admin server, then the pipelines. On failure nothing is left running. */
  public void start() throws ServiceException {
    if (admin != null) {
      try {
        admin.start();
      } catch (Exception e) {
        String key = "service.telemetry.endpoint";
        throw new ServiceException(
            key
                + ": "
                + StartException.cannotListen(key, config.service().telemetry.endpoint, e)
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
    String e = config.service().telemetry.endpoint;
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
    LOG.log(
        Level.INFO,
        "agent stopping: draining pipelines (timeout "
            + io.stacklens.agent.api.Durations.format(config.service().shutdownTimeout)
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

  /** Bound port of the admin server, or -1 when disabled. */
  public int adminPort() {
    return admin == null ? -1 : admin.port();
  }
}
