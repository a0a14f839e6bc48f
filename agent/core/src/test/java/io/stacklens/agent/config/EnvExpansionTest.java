package io.stacklens.agent.config;

import static io.stacklens.agent.config.Loads.load;
import static io.stacklens.agent.config.Loads.printed;
import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.config.TestFactories.FileConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvExpansionTest {
  private static final String TEMPLATE =
      """
      receivers: { otlp: }
      exporters:
        file:
          path: %s
      service:
        pipelines:
          logs: { receivers: [otlp], exporters: [file] }
      """;

  private static String filePath(String written, Map<String, String> env) {
    LoadResult result = load(TEMPLATE.formatted(written), env);
    assertThat(printed(result)).isEmpty();
    return ((FileConfig) result.config().orElseThrow().exporters().get(ComponentId.of("file")))
        .path;
  }

  @Test
  void setVariableIsSubstituted() {
    assertThat(filePath("${env:OUT}", Map.of("OUT", "/data/out.jsonl")))
        .isEqualTo("/data/out.jsonl");
  }

  @Test
  void variablesAreExpandedInTheMiddleOfStrings() {
    assertThat(
            filePath("\"${env:DIR}/logs-${env:HOST}.jsonl\"", Map.of("DIR", "/data", "HOST", "a1")))
        .isEqualTo("/data/logs-a1.jsonl");
  }

  @Test
  void defaultIsUsedWhenTheVariableIsUnset() {
    assertThat(filePath("${env:OUT:-./data/out.jsonl}", Map.of())).isEqualTo("./data/out.jsonl");
    assertThat(filePath("${env:OUT:-./data/out.jsonl}", Map.of("OUT", "/set"))).isEqualTo("/set");
    assertThat(filePath("\"x${env:OUT:-}y\"", Map.of())).isEqualTo("xy");
  }

  @Test
  void doubleDollarIsALiteralDollar() {
    assertThat(filePath("/tmp/$$HOME/$${env:X}/a$b", Map.of()))
        .isEqualTo("/tmp/$HOME/${env:X}/a$b");
  }

  @Test
  void expandedValueIsBoundToTheFieldType() {
    LoadResult result =
        load(
            """
            receivers: { otlp: }
            exporters:
              file: { path: /x, max_megabytes: "${env:MAX}", timeout: "${env:T:-7s}" }
            service:
              pipelines:
                logs: { receivers: [otlp], exporters: [file] }
            """,
            Map.of("MAX", "42"));

    FileConfig file =
        (FileConfig) result.config().orElseThrow().exporters().get(ComponentId.of("file"));
    assertThat(file.maxMegabytes).isEqualTo(42);
    assertThat(file.timeout).hasSeconds(7);
  }

  @Test
  void unsetVariableWithoutDefaultIsAnErrorPerVariable() {
    LoadResult result =
        load(
            """
            receivers: { otlp: }
            exporters:
              file:
                path: /x
                headers:
                  auth: "Bearer ${env:TOKEN}"
                  both: ${env:A}-${env:B}
            service:
              pipelines:
                logs: { receivers: [otlp], exporters: [file] }
            """);

    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:6:13: exporters.file.headers.auth: environment variable 'TOKEN' is not set; set it, or give"
                + " a default: ${env:TOKEN:-default}",
            "agent.yaml:7:13: exporters.file.headers.both: environment variable 'A' is not set; set it, or give a"
                + " default: ${env:A:-default}",
            "agent.yaml:7:13: exporters.file.headers.both: environment variable 'B' is not set; set it, or give a"
                + " default: ${env:B:-default}");
  }

  @Test
  void substitutionsOtherThanEnvAreRefused() {
    List<String> errors = new ArrayList<>();
    EnvExpander expander = new EnvExpander(Map.of(), new ProblemCollector());

    expander.expandText("${HOME}/x ${env:1BAD} ${env:OPEN", errors);

    assertThat(errors)
        .containsExactly(
            "unsupported substitution '${HOME}': use ${env:NAME} or ${env:NAME:-default}, or write $$ for a"
                + " literal '$'",
            "invalid environment variable name '1BAD' in '${env:1BAD}'",
            "unterminated '${' in '${HOME}/x ${env:1BAD} ${env:OPEN'; write $$ for a literal '$'");
  }

  @Test
  void keysAreNotExpanded() {
    LoadResult result =
        load(
            """
            receivers: { otlp: }
            exporters:
              file: { path: /x, headers: { "${env:K}": v } }
            service:
              pipelines:
                logs: { receivers: [otlp], exporters: [file] }
            """,
            Map.of("K", "expanded"));

    FileConfig file =
        (FileConfig) result.config().orElseThrow().exporters().get(ComponentId.of("file"));
    assertThat(file.headers).containsOnlyKeys("${env:K}");
  }
}
