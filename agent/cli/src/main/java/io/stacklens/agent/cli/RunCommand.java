package io.stacklens.agent.cli;

import io.stacklens.agent.config.AgentConfig;
import io.stacklens.agent.config.ComponentRegistry;
import io.stacklens.agent.config.LoadResult;
import io.stacklens.agent.runtime.Agent;
import io.stacklens.agent.runtime.ServiceException;
import io.stacklens.agent.runtime.ShutdownLoss;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run the agent until SIGTERM or SIGINT, then drain and exit 0 ("
          + RunCommand.EXIT_LOST
          + " when acknowledged records could not be delivered by the shutdown deadline).",
      "SIGHUP (or POST /reload on the admin endpoint) reads the same --config files and --set"
          + " overrides again and applies what changed; an invalid config is refused and the"
          + " running one stays.",
      "Without --config it runs the embedded default: OTLP gRPC 127.0.0.1:4317 and HTTP 127.0.0.1:4318"
          + " -> files under ./data/."
    })
final class RunCommand implements Callable<Integer> {
  /**
   * Exit status when the agent stopped but acknowledged records were lost (each logged at ERROR).
   */
  static final int EXIT_LOST = 4;

  @Mixin ConfigOptions config;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    Logging.configure("info");
    ComponentRegistry registry = ComponentRegistry.load(Main.class.getClassLoader());
    LoadResult result = config.load(registry);
    ConfigOptions.report(result, spec.commandLine().getErr());
    if (result.config().isEmpty()) return 1;
    AgentConfig cfg = result.config().get();
    Logging.configure(cfg.service().telemetry.logs.level, cfg.service().telemetry.logs.loggers);
    System.getLogger(RunCommand.class.getName())
        .log(System.Logger.Level.INFO, banner(config.files, config.sets));

    Agent agent;
    try {
      agent = new Agent(cfg, registry, () -> config.load(registry));
      agent.onReload(
          next ->
              Logging.configure(
                  next.service().telemetry.logs.level, next.service().telemetry.logs.loggers));
      // Before start: a SIGHUP during start-up waits for it instead of killing the process.
      Agent starting = agent;
      Signals.onHangUp(
          () -> {
            System.getLogger(RunCommand.class.getName())
                .log(System.Logger.Level.INFO, "received SIGHUP, reloading the config");
            starting.reloadAsync();
          });
      agent.start();
    } catch (ServiceException e) {
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return 1;
    }
    CountDownLatch stop = new CountDownLatch(1);
    Signals.onTermOrInt(stop::countDown);

    // Also covers a plain System.exit or a signal we could not hook: still drain.
    Thread hook = new Thread(agent::stop, "shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    stop.await();
    List<ShutdownLoss> losses = agent.stop();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the JVM is exiting anyway
    }
    return losses.isEmpty() ? 0 : EXIT_LOST;
  }

  /**
   * The first line of a run: the version and where the configuration came from, e.g. {@code
   * stacklens-agent 0.1.0 starting with config /etc/stacklens-agent/agent.yaml (+1 --set)}.
   */
  static String banner(List<Path> files, List<String> sets) {
    String version = "stacklens-agent " + AgentVersion.get() + " starting with ";
    String source =
        files.isEmpty()
            ? "the embedded default config (no --config given; see `stacklens-agent print-config`)"
            : "config "
                + String.join(
                    ", ",
                    files.stream().map(f -> f.toAbsolutePath().normalize().toString()).toList());
    return version + source + (sets.isEmpty() ? "" : " (+" + sets.size() + " --set)");
  }
}
