package io.stacklens.agent.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.api.Receiver;
import io.stacklens.agent.config.AgentConfig;
import io.stacklens.agent.config.ComponentRegistry;
import io.stacklens.agent.config.ConfigLoader;
import io.stacklens.agent.config.LoadResult;
import io.stacklens.agent.runtime.Agent;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.receiver.otlp.OtlpReceiver;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An in-process agent started from YAML text, with the real component registry (every factory on
 * the test class path, the test-only {@code blocking} exporter included). Close it to stop it.
 */
public final class RunningAgent implements AutoCloseable {
  private final Agent agent;

  private RunningAgent(Agent agent) {
    this.agent = agent;
  }

  /** The registry the CLI would use, plus test-only factories registered by this module. */
  public static ComponentRegistry registry() {
    return ComponentRegistry.load(RunningAgent.class.getClassLoader());
  }

  /** Loads {@code yaml} and fails the test with every problem when it has errors. */
  public static AgentConfig load(String yaml, Map<String, String> env) {
    LoadResult result = new ConfigLoader(registry(), env).loadString(yaml, "test.yaml");
    assertThat(result.errors()).as("config errors in:\n%s", yaml).isEmpty();
    return result.config().orElseThrow();
  }

  public static RunningAgent start(String yaml) throws Exception {
    return start(load(yaml, Map.of()));
  }

  public static RunningAgent start(AgentConfig config) throws Exception {
    Agent agent = new Agent(config, registry());
    agent.start();
    return new RunningAgent(agent);
  }

  /**
   * Starts an agent from the config file {@code file}, as {@code run --config FILE} does: {@link
   * Agent#reload()} and {@code POST /reload} read the file again.
   */
  public static RunningAgent startFromFile(Path file) throws Exception {
    ComponentRegistry registry = registry();
    ConfigLoader loader = new ConfigLoader(registry, Map.of());
    LoadResult first = loader.load(List.of(file), List.of());
    assertThat(first.errors()).as("config errors in %s", file).isEmpty();
    Agent agent =
        new Agent(
            first.config().orElseThrow(), registry, () -> loader.load(List.of(file), List.of()));
    agent.start();
    return new RunningAgent(agent);
  }

  /** The first (usually only) {@code otlp} receiver. */
  public OtlpReceiver otlp() {
    for (Receiver r : agent.service().receivers().values()) {
      if (r instanceof OtlpReceiver o) return o;
    }
    throw new AssertionError("no otlp receiver in this agent");
  }

  public int grpcPort() {
    return otlp().grpcPort();
  }

  public int httpPort() {
    return otlp().httpPort();
  }

  public String httpUrl(String path) {
    return "http://127.0.0.1:" + httpPort() + path;
  }

  public int adminPort() {
    return agent.adminPort();
  }

  public MetricsRegistry metrics() {
    return agent.metrics();
  }

  public Agent agent() {
    return agent;
  }

  /** Graceful stop: drains pipelines and exporters (idempotent). */
  public void stop() {
    agent.stop();
  }

  @Override
  public void close() {
    agent.stop();
  }
}
