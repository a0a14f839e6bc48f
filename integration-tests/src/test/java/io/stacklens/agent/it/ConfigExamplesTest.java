package io.stacklens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.config.AgentConfig;
import io.stacklens.agent.config.ConfigLoader;
import io.stacklens.agent.config.LoadResult;
import io.stacklens.agent.config.PipelineConfig;
import io.stacklens.agent.config.PipelineId;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.it.support.ExampleFeeder;
import io.stacklens.agent.it.support.RunningAgent;
import io.stacklens.agent.it.support.ScriptedOtlpSink;
import io.stacklens.agent.testing.PrometheusExposition;
import io.stacklens.agent.testing.Promtool;
import io.stacklens.agent.testing.postgres.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code config-examples/*.yaml} loads as shipped, with the real component registry and an
 * empty environment, without an error or warning; and actually runs: started (ports rewritten to 0,
 * {@code ./data} to a temp dir, {@code ./testdata} to the repository's), fed one log record, and
 * stopped, with its {@code /metrics} valid Prometheus text. In a logs pipeline without a {@code
 * route} or {@code filter} processor every exporter delivers the record; where records are routed
 * or filtered, the record is accounted for: delivered by at least one exporter or counted as
 * dropped by a processor.
 *
 * <p>To run, examples get the addresses of the tests' Kafka broker and PostgreSQL server and a free
 * port through the environment variables they read ({@code KAFKA_BROKERS}, {@code PG_URL}, {@code
 * STACKLENS_INGEST_ENDPOINT}, and {@code GATEWAY_ENDPOINT}: an OTLP server that takes everything);
 * they read files they need, such as GeoIP databases, from {@code ./testdata} unless {@code
 * STACKLENS_TESTDATA} says otherwise.
 */
class ConfigExamplesTest {
  private static final Path EXAMPLES =
      Path.of("").toAbsolutePath().resolve("../config-examples").normalize();
  private static final String TESTDATA =
      Path.of("").toAbsolutePath().resolve("../testdata").normalize().toString();
  private static final Set<String> SELECTIVE_PROCESSORS = Set.of("route", "filter");

  @TempDir Path dir;

  static Stream<Path> examples() throws IOException {
    assertThat(EXAMPLES).as("config examples folder").isDirectory();
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      List<Path> yaml =
          files.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
      assertThat(yaml)
          .extracting(p -> p.getFileName().toString())
          .contains(
              "otlp-to-file.yaml",
              "otlp-to-debug.yaml",
              "multi-pipeline.yaml",
              "env-and-overrides.yaml");
      return yaml.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void exampleLoadsCleanlyAndRuns(Path example) throws Exception {
    LoadResult asWritten =
        new ConfigLoader(RunningAgent.registry(), Map.of()).load(List.of(example), List.of());
    assertThat(asWritten.problems())
        .as("problems in %s with no environment set", example)
        .isEmpty();
    assertThat(asWritten.config()).isPresent();

    Map<String, String> env = environment(Files.readString(example));
    String runnable =
        Files.readString(example)
            .replaceAll("\\b(?:127\\.0\\.0\\.1|0\\.0\\.0\\.0|localhost):\\d+", "127.0.0.1:0")
            .replace("./data", dir.resolve("data").toAbsolutePath().toString())
            .replace("./testdata", TESTDATA);
    runnable = withPrivateTopics(runnable, asWritten.config().get());
    AgentConfig config = RunningAgent.load(runnable, env);
    Set<ComponentId> logsExporters = new LinkedHashSet<>();
    Set<ComponentId> selectiveExporters = new LinkedHashSet<>();
    for (Map.Entry<PipelineId, PipelineConfig> p : config.service().pipelines.entrySet()) {
      if (p.getKey().signal() != Signal.LOGS) continue;
      boolean selective =
          p.getValue().processors.stream().anyMatch(id -> SELECTIVE_PROCESSORS.contains(id.type()));
      (selective ? selectiveExporters : logsExporters).addAll(p.getValue().exporters);
    }
    logsExporters.removeAll(selectiveExporters);
    assertThat(logsExporters.size() + selectiveExporters.size())
        .as("every example has a logs pipeline")
        .isPositive();

    RunningAgent agent = RunningAgent.start(config);
    try {
      ExampleFeeder.sendOneRecord(config, agent, oneRecord());
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () -> {
                for (ComponentId id : logsExporters) {
                  assertThat(
                          agent
                              .metrics()
                              .counterSum(
                                  "stacklens_exporter_sent_records_total",
                                  "exporter",
                                  id.toString()))
                      .as("records sent by %s", id)
                      .isEqualTo(1);
                }
                if (!selectiveExporters.isEmpty()) {
                  long delivered = 0;
                  for (ComponentId id : selectiveExporters) {
                    delivered +=
                        agent
                            .metrics()
                            .counterSum(
                                "stacklens_exporter_sent_records_total", "exporter", id.toString());
                  }
                  long dropped =
                      agent
                          .metrics()
                          .counterSum(io.stacklens.agent.api.ComponentContext.PROCESSOR_DROPPED);
                  assertThat(delivered + dropped)
                      .as("the record delivered by a routed exporter or counted as dropped")
                      .isPositive();
                }
              });
      String metrics = agent.metrics().toPrometheusText();
      assertThat(PrometheusExposition.problems(metrics))
          .as("/metrics of %s:\n%s", example, metrics)
          .isEmpty();
      Optional<Path> promtool = Promtool.find();
      if (promtool.isPresent()) {
        Promtool.Result check = Promtool.checkMetrics(promtool.get(), metrics);
        assertThat(check.exitCode())
            .as(
                "promtool check metrics on /metrics of %s:\n%s\n%s",
                example, check.output(), metrics)
            .isZero();
      }
    } finally {
      agent.stop();
    }
  }

  /**
   * What the examples read from the environment to run here: a free port for the JSON ingest
   * endpoint, a fresh database on the tests' PostgreSQL server when the example writes to one, and
   * the shared test broker's address when the example talks to Kafka.
   */
  private static Map<String, String> environment(String exampleText) throws IOException {
    Map<String, String> env = new java.util.HashMap<>();
    env.put("STACKLENS_INGEST_ENDPOINT", "127.0.0.1:" + io.stacklens.agent.testing.Ports.free());
    if (exampleText.contains("${env:PG_URL")) {
      var pg = PostgresServer.shared();
      env.put("PG_URL", PostgresServer.withoutParameters(pg.createUniqueDatabase("example")));
      env.put("PG_USER", pg.user());
      env.put("PG_PASSWORD", pg.password() == null ? "" : pg.password());
    }
    if (exampleText.contains("${env:GATEWAY_ENDPOINT")) {
      env.put("GATEWAY_ENDPOINT", "http://127.0.0.1:" + gateway().port());
    }
    if (exampleText.contains("kafka")) {
      env.put(
          "KAFKA_BROKERS",
          io.stacklens.agent.testing.kafka.KafkaBroker.shared().bootstrapServers());
    }
    return env;
  }

  private static ScriptedOtlpSink gateway;

  /** An OTLP/gRPC server that takes everything, for examples that forward to a gateway. */
  private static synchronized ScriptedOtlpSink gateway() throws IOException {
    if (gateway == null) {
      gateway = ScriptedOtlpSink.grpc();
      Runtime.getRuntime().addShutdownHook(new Thread(gateway::close));
    }
    return gateway;
  }

  /**
   * The example with the topics its kafka receivers read renamed for this run, so that examples
   * sharing the test broker (and a topic name) never read each other's records.
   */
  private static String withPrivateTopics(String yaml, AgentConfig config) {
    String suffix = "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    String out = yaml;
    for (var c : config.components(io.stacklens.agent.api.ComponentKind.RECEIVER).values()) {
      if (!(c instanceof io.stacklens.receiver.kafka.KafkaReceiverConfig kafka)) continue;
      for (String topic : kafka.topics) {
        out =
            out.replaceAll(
                "(?<![\\w.-])" + java.util.regex.Pattern.quote(topic) + "(?![\\w.-])",
                topic + suffix);
      }
    }
    return out;
  }

  private static ExportLogsServiceRequest oneRecord() {
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .addScopeLogs(
                    ScopeLogs.newBuilder()
                        .addLogRecords(
                            LogRecord.newBuilder()
                                .setBody(AnyValue.newBuilder().setStringValue("hello example")))))
        .build();
  }
}
