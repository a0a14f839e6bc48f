package io.stacklens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ExporterConfig;
import io.stacklens.agent.config.AgentConfig;
import io.stacklens.agent.config.ConfigLoader;
import io.stacklens.agent.config.ConfigProblem;
import io.stacklens.agent.config.LoadResult;
import io.stacklens.agent.it.support.Configs;
import io.stacklens.agent.it.support.RawHttp;
import io.stacklens.agent.it.support.RunningAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Collector user's config loads with the real components: {@code batch}, {@code memory_limiter},
 * {@code resource} and {@code attributes} processors and the {@code health_check} extension become
 * this agent's equivalents, each with a warning at its line that says what it became; the pipeline
 * then runs and the actions apply. What has no equivalent is an error at its line.
 */
class CollectorConfigTest {
  @TempDir Path dir;

  private String collectorConfig() {
    return """
        extensions:
          health_check:
            endpoint: 0.0.0.0:13133
        receivers:
          otlp:
            protocols:
              http: { endpoint: 127.0.0.1:0 }
        processors:
          memory_limiter:
            check_interval: 1s
            limit_mib: 200
            spike_limit_mib: 50
          batch:
            send_batch_size: 512
            timeout: 50ms
          resource:
            attributes:
              - { key: deployment.environment, value: production, action: upsert }
              - { key: service.name, value: fallback, action: insert }
          attributes/scrub:
            actions:
              - { key: password, action: delete }
              - { key: user.email, action: hash }
              - { key: retries, value: 3, action: upsert }
              - { key: http.status, action: convert, converted_type: int }
        exporters:
          file:
            path: %s
            format: json_lines
            flush_interval: 0
        service:
          extensions: [health_check]
          telemetry: { endpoint: 127.0.0.1:0 }
          pipelines:
            logs:
              receivers: [otlp]
              processors: [memory_limiter, resource, attributes/scrub, batch]
              exporters: [file]
        """
        .formatted(Configs.yamlString(dir.resolve("logs.jsonl")));
  }

  private static LoadResult load(String yaml) {
    return new ConfigLoader(RunningAgent.registry(), Map.of()).loadString(yaml, "otelcol.yaml");
  }

  @Test
  void aCollectorConfigLoadsWithAWarningForEachRewrite() {
    LoadResult result = load(collectorConfig());

    assertThat(result.problems()).noneMatch(ConfigProblem::isError);
    List<String> warnings = result.problems().stream().map(ConfigProblem::toString).toList();
    assertThat(warnings)
        .anySatisfy(
            w ->
                assertThat(w)
                    .startsWith("otelcol.yaml:2:3: warning: extensions.health_check:")
                    .contains("/health"))
        .anySatisfy(
            w ->
                assertThat(w)
                    .startsWith("otelcol.yaml:9:3: warning: processors.memory_limiter:")
                    .contains("service.memory_limiter { limit: 200MiB }")
                    .contains("check_interval, spike_limit_mib not needed"))
        .anySatisfy(
            w ->
                assertThat(w)
                    .startsWith("otelcol.yaml:13:3: warning: processors.batch:")
                    .contains("exporters file batch with { min_size: 512, flush_timeout: 50ms }")
                    .contains("removed from pipelines logs"))
        .anySatisfy(
            w ->
                assertThat(w)
                    .startsWith("otelcol.yaml:16:3: warning: processors.resource:")
                    .contains("transform/resource"))
        .anySatisfy(
            w ->
                assertThat(w)
                    .startsWith("otelcol.yaml:20:3: warning: processors.attributes/scrub:")
                    .contains("transform/attributes-scrub"));

    AgentConfig config = result.config().orElseThrow();
    ExporterConfig file = (ExporterConfig) config.exporters().get(ComponentId.of("file"));
    assertThat(file.batch.minSize).isEqualTo(512);
    assertThat(file.batch.flushTimeout).isEqualTo(Duration.ofMillis(50));
    assertThat(config.service().memoryLimiter.limit.bytes()).isEqualTo(200L * 1024 * 1024);
    assertThat(config.service().pipelines().values().iterator().next().processors)
        .containsExactly(
            ComponentId.parse("transform/resource"),
            ComponentId.parse("transform/attributes-scrub"));
  }

  @Test
  void theRewrittenPipelineRunsAndItsActionsApply() throws Exception {
    String yaml = collectorConfig().replace("endpoint: 0.0.0.0:13133", "endpoint: 127.0.0.1:13133");
    try (RunningAgent agent = RunningAgent.start(RunningAgent.load(yaml, Map.of()))) {
      String body =
          """
          {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},
           "scopeLogs":[{"logRecords":[{"body":{"stringValue":"paid"},"attributes":[
             {"key":"password","value":{"stringValue":"hunter2"}},
             {"key":"user.email","value":{"stringValue":"a@example.com"}},
             {"key":"http.status","value":{"stringValue":"502"}}]}]}]}]}
          """;
      assertThat(
              RawHttp.post(
                      agent.httpUrl("/v1/logs"),
                      RawHttp.JSON,
                      body.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                  .statusCode())
          .isEqualTo(200);
      Path out = dir.resolve("logs.jsonl");
      await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(out) && Files.size(out) > 0);
      String line = Files.readString(out);
      assertThat(line)
          .contains("\"deployment.environment\":\"production\"")
          .contains("\"service.name\":\"checkout\"") // insert left the existing value alone
          .doesNotContain("hunter2")
          .doesNotContain("a@example.com")
          .contains("\"retries\":3")
          .contains("\"http.status\":502");
    }
  }

  @Test
  void whatHasNoEquivalentIsAnErrorAtItsLine() {
    String yaml =
        collectorConfig()
            .replace(
                "- { key: password, action: delete }",
                "- { key: password, action: extract, pattern: '^(?P<a>.*)$' }")
            .replace(
                "health_check:\n    endpoint: 0.0.0.0:13133",
                "zpages:\n    endpoint: 0.0.0.0:55679");
    List<String> errors =
        load(yaml).problems().stream()
            .filter(ConfigProblem::isError)
            .map(ConfigProblem::toString)
            .toList();

    assertThat(errors)
        .anySatisfy(
            e -> assertThat(e).startsWith("otelcol.yaml:2:3: extensions.zpages: unknown extension"))
        .anySatisfy(
            e ->
                assertThat(e)
                    .contains(
                        "processors.attributes/scrub.actions[0].action: 'extract' has no equivalent"));
  }
}
