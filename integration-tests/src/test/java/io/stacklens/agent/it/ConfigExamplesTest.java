package io.stacklens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.Signal;
import io.stacklens.agent.config.AgentConfig;
import io.stacklens.agent.config.ConfigLoader;
import io.stacklens.agent.config.LoadResult;
import io.stacklens.agent.config.PipelineConfig;
import io.stacklens.agent.config.PipelineId;
import io.stacklens.agent.it.support.OtlpClient;
import io.stacklens.agent.it.support.RunningAgent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code config-examples/*.yaml} loads with the real component registry without an error or
 * warning, and actually runs: started (ports rewritten to 0, {@code ./data} to a temp dir), fed one
 * log record, and stopped, with the record delivered by every exporter of every logs pipeline.
 */
class ConfigExamplesTest {
  private static final Path EXAMPLES = Path.of("").toAbsolutePath().resolve("../config-examples").normalize();

  @TempDir Path dir;

  static Stream<Path> examples() throws IOException {
    assertThat(EXAMPLES).as("config examples folder").isDirectory();
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      List<Path> yaml = files.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
      assertThat(yaml).extracting(p -> p.getFileName().toString())
          .contains("otlp-to-file.yaml", "otlp-to-debug.yaml", "multi-pipeline.yaml", "env-and-overrides.yaml");
      return yaml.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void exampleLoadsCleanlyAndRuns(Path example) throws Exception {
    LoadResult asWritten = new ConfigLoader(RunningAgent.registry(), Map.of()).load(List.of(example), List.of());
    assertThat(asWritten.problems()).as("problems in %s", example).isEmpty();
    assertThat(asWritten.config()).isPresent();

    String runnable = Files.readString(example)
        .replaceAll("\\b(?:127\\.0\\.0\\.1|0\\.0\\.0\\.0|localhost):\\d+", "127.0.0.1:0")
        .replace("./data", dir.resolve("data").toAbsolutePath().toString());
    AgentConfig config = RunningAgent.load(runnable, Map.of());
    Set<ComponentId> logsExporters = new LinkedHashSet<>();
    for (Map.Entry<PipelineId, PipelineConfig> p : config.service().pipelines.entrySet()) {
      if (p.getKey().signal() == Signal.LOGS) logsExporters.addAll(p.getValue().exporters);
    }
    assertThat(logsExporters).as("every example has a logs pipeline").isNotEmpty();

    RunningAgent agent = RunningAgent.start(config);
    try {
      OtlpClient client = agent.httpPort() > 0 ? OtlpClient.HTTP_PROTOBUF : OtlpClient.GRPC;
      client.send(agent, oneRecord());
      await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
        for (ComponentId id : logsExporters) {
          assertThat(agent.metrics().counterSum("stacklens_exporter_sent_records_total", "exporter", id.toString()))
              .as("records sent by %s", id).isEqualTo(1);
        }
      });
    } finally {
      agent.stop();
    }
  }

  private static ExportLogsServiceRequest oneRecord() {
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(ScopeLogs.newBuilder()
            .addLogRecords(LogRecord.newBuilder().setBody(AnyValue.newBuilder().setStringValue("hello example")))))
        .build();
  }
}
