package io.stacklens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.stacklens.agent.admin.HealthRegistry;
import io.stacklens.agent.api.Admission;
import io.stacklens.agent.api.Component;
import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.api.ExporterFactory;
import io.stacklens.agent.api.Factory;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.api.ProcessorFactory;
import io.stacklens.agent.api.ReceiverFactory;
import io.stacklens.agent.config.AgentConfig;
import io.stacklens.agent.config.ComponentRegistry;
import io.stacklens.agent.config.ConfigLoader;
import io.stacklens.agent.config.ConfigProblem;
import io.stacklens.agent.config.ConfigRenderer;
import io.stacklens.agent.config.ConfigValidator;
import io.stacklens.agent.config.LoadResult;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.testing.Ports;
import io.stacklens.agent.testing.kafka.KafkaBroker;
import io.stacklens.agent.testing.postgres.PostgresServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every registered component keeps, checked the same way for each (as the Collector's
 * generated lifecycle tests do): registered once; its defaults validate without throwing; created
 * from a minimal config it can be shut down before start, started, shut down, and shut down again;
 * and its config survives a round trip through {@code print-config}. A component added to the build
 * is covered as soon as it is registered: one without a minimal config below fails {@link
 * #everyRegisteredComponentHasAMinimalConfigHere}.
 */
class ComponentContractTest {
  @TempDir static Path dir;
  private static PostgresServer postgres;
  private static final ComponentRegistry REGISTRY =
      ComponentRegistry.load(ComponentContractTest.class.getClassLoader());

  @BeforeAll
  static void servers() {
    postgres = PostgresServer.shared();
  }

  /** The settings under {@code <kind>s.<type>:} that make a usable component, by kind and type. */
  private static Map<String, String> minimalConfigs() {
    String brokers = KafkaBroker.shared().bootstrapServers();
    Map<String, String> m = new HashMap<>();
    m.put(
        "receivers.otlp",
        "protocols: { grpc: { endpoint: 127.0.0.1:"
            + Ports.free()
            + " }, http: { endpoint: 127.0.0.1:"
            + Ports.free()
            + " } }");
    m.put("receivers.http_json", "endpoint: 127.0.0.1:" + Ports.free());
    m.put("receivers.kafka", "brokers: [" + brokers + "]\n    topics: [contract-in]");
    m.put("processors.parse", "format: json");
    m.put("processors.enrich", "resource: { attributes: { team: contract } }");
    m.put("processors.filter", "exclude: 'body == \"noise\"'");
    m.put(
        "processors.transform",
        "actions: [ { action: set, field: 'attributes[\"a\"]', value: b } ]");
    m.put(
        "processors.rules",
        "rules: [ { name: r, when: 'error_code == \"X\"', issue_code: X, severity: critical } ]");
    m.put(
        "processors.route",
        "routes: [ { name: all, when: 'body exists', exporters: [file/contract] } ]");
    m.put("exporters.file", "path: " + dir.resolve("contract.jsonl"));
    m.put("exporters.debug", "verbosity: basic");
    m.put("exporters.kafka", "brokers: [" + brokers + "]\n    topic: contract-out");
    m.put("exporters.postgres", "endpoint: " + postgres.jdbcUrl() + "\n    table: contract_logs");
    m.put("exporters.blocking", "");
    // Nothing listens there: start and shutdown must not need the server (channels connect lazily).
    m.put("exporters.otlp", "endpoint: http://127.0.0.1:" + Ports.free());
    m.put("exporters.otlphttp", "endpoint: http://127.0.0.1:" + Ports.free());
    return m;
  }

  @Test
  void everyFactoryIsRegisteredExactlyOnce() throws IOException {
    List<String> listed = new ArrayList<>();
    for (URL url :
        Collections.list(
            getClass()
                .getClassLoader()
                .getResources("META-INF/services/" + Factory.class.getName()))) {
      try (InputStream in = url.openStream()) {
        for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
          String name = line.replaceAll("#.*", "").trim();
          if (!name.isEmpty()) listed.add(name);
        }
      }
    }
    assertThat(listed).doesNotHaveDuplicates();
    int registered = 0;
    for (ComponentKind kind : ComponentKind.values()) registered += REGISTRY.all(kind).size();
    assertThat(registered).isEqualTo(listed.size());
  }

  @Test
  void everyRegisteredComponentHasAMinimalConfigHere() {
    Map<String, String> configs = minimalConfigs();
    for (ComponentKind kind : ComponentKind.values()) {
      for (String type : REGISTRY.types(kind)) {
        assertThat(configs)
            .as(
                "a minimal config for %s '%s' in %s",
                kind.label(), type, getClass().getSimpleName())
            .containsKey(kind.section() + "." + type);
      }
    }
  }

  @TestFactory
  Stream<DynamicContainer> everyComponentKeepsTheContract() {
    Map<String, String> configs = minimalConfigs();
    List<DynamicContainer> all = new ArrayList<>();
    for (ComponentKind kind : ComponentKind.values()) {
      for (Factory<?> factory : REGISTRY.all(kind)) {
        String key = kind.section() + "." + factory.type();
        String settings = configs.get(key);
        if (settings == null) continue; // reported by everyRegisteredComponentHasAMinimalConfigHere
        all.add(
            DynamicContainer.dynamicContainer(
                key,
                Stream.of(
                    DynamicTest.dynamicTest(
                        "defaults validate without throwing", () -> defaultsValidate(factory)),
                    DynamicTest.dynamicTest(
                        "shut down before start, start, shut down twice",
                        () -> lifecycle(factory, settings)),
                    DynamicTest.dynamicTest(
                        "config round-trips through print-config",
                        () -> roundTrip(factory, settings)))));
      }
    }
    return all.stream();
  }

  private static void defaultsValidate(Factory<?> factory) {
    ComponentConfig config = factory.createDefaultConfig();
    assertThat(config).isInstanceOf(factory.configClass());
    List<String> problems = new ArrayList<>();
    assertThatCode(() -> problems.addAll(ConfigValidator.problemsOf(config)))
        .doesNotThrowAnyException();
    for (String p : problems) {
      assertThat(p)
          .as("a default left for the user to set is a readable error: %s", p)
          .doesNotContain("Exception", "null", "java.")
          .matches(".*: \\S.*");
    }
  }

  private static void lifecycle(Factory<?> factory, String settings) throws Exception {
    AgentConfig agent = load(agentYaml(factory, settings));
    ComponentId id = ComponentId.of(factory.type());
    ComponentConfig config =
        switch (factory.kind()) {
          case RECEIVER -> agent.receivers().get(id);
          case PROCESSOR -> agent.processors().get(id);
          case EXPORTER -> agent.exporters().get(id);
        };
    Host host = new HealthRegistry();
    Component unstarted = create(factory, config);
    assertThatCode(() -> unstarted.shutdown(Instant.now().plusSeconds(5)))
        .as("shutdown before start")
        .doesNotThrowAnyException();

    Component component = create(factory, config);
    component.start(host);
    assertThatCode(() -> component.shutdown(Instant.now().plusSeconds(10)))
        .as("shutdown")
        .doesNotThrowAnyException();
    assertThatCode(() -> component.shutdown(Instant.now().plusSeconds(10)))
        .as("second shutdown")
        .doesNotThrowAnyException();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Component create(Factory<?> factory, ComponentConfig config) throws Exception {
    ComponentContext context =
        ComponentContext.of(ComponentId.of(factory.type()), factory.kind(), new MetricsRegistry());
    Signal signal =
        factory.signals().contains(Signal.LOGS) ? Signal.LOGS : factory.signals().iterator().next();
    if (factory instanceof ReceiverFactory r) {
      Map<Signal, Consumer> consumers = new EnumMap<>(Signal.class);
      consumers.put(
          signal, batch -> Admission.ACCEPTED); // as in agentYaml: one pipeline of this signal
      return r.createReceiver(context, config, consumers);
    }
    if (factory instanceof ProcessorFactory p) {
      return p.createProcessor(
          ComponentContext.ofProcessor(
              ComponentId.of(factory.type()), "logs", new MetricsRegistry()),
          config,
          signal);
    }
    return ((ExporterFactory) factory)
        .createExporter(context, (io.stacklens.agent.api.ExporterConfig) config);
  }

  private static void roundTrip(Factory<?> factory, String settings) {
    AgentConfig first = load(agentYaml(factory, settings));
    String printed = ConfigRenderer.render(first, false);
    AgentConfig second = load(printed);
    assertThat(ConfigRenderer.render(second, false))
        .as("print-config of the printed config")
        .isEqualTo(printed);
  }

  private static AgentConfig load(String yaml) {
    LoadResult result = new ConfigLoader(REGISTRY, Map.of()).loadString(yaml, "contract.yaml");
    assertThat(
            result.problems().stream()
                .filter(ConfigProblem::isError)
                .map(Object::toString)
                .toList())
        .as("errors loading:%n%s", yaml)
        .isEmpty();
    return result.config().orElseThrow();
  }

  /**
   * A whole agent config around the component: an otlp receiver and a file exporter where it needs
   * them.
   */
  private static String agentYaml(Factory<?> factory, String settings) {
    String type = factory.type();
    Signal signal =
        factory.signals().contains(Signal.LOGS) ? Signal.LOGS : factory.signals().iterator().next();
    String body = settings.isEmpty() ? "{}" : "\n    " + settings;
    String file = "file/contract: { path: " + dir.resolve("pipeline.jsonl") + " }";
    return switch (factory.kind()) {
      case RECEIVER ->
          "receivers:\n  "
              + type
              + ": "
              + body
              + "\nexporters:\n  "
              + file
              + "\nservice:\n  pipelines:\n    "
              + signal.id()
              + ": { receivers: ["
              + type
              + "], exporters: [file/contract] }\n";
      case PROCESSOR ->
          "receivers:\n  otlp:\nprocessors:\n  "
              + type
              + ": "
              + body
              + "\nexporters:\n  "
              + file
              + "\nservice:\n  pipelines:\n    "
              + signal.id()
              + ": { receivers: [otlp], processors: ["
              + type
              + "], exporters: [file/contract] }\n";
      case EXPORTER ->
          "receivers:\n  otlp:\nexporters:\n  "
              + type
              + ": "
              + body
              + "\nservice:\n  pipelines:\n    "
              + signal.id()
              + ": { receivers: [otlp], exporters: ["
              + type
              + "] }\n";
    };
  }
}
