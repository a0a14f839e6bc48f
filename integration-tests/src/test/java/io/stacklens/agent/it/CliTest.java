package io.stacklens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.it.support.AgentProcess;
import io.stacklens.agent.it.support.AgentProcess.Result;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code stacklens-agent} command line, run as a separate process like a user would. */
class CliTest {
  private static final String GOOD = """
      receivers:
        otlp:
          protocols:
            grpc: { endpoint: 127.0.0.1:0 }
      exporters:
        file: { path: ./out.jsonl }
      service:
        telemetry: { endpoint: 127.0.0.1:0 }
        pipelines:
          logs: { receivers: [otlp], exporters: [file] }
      """;

  /** Three errors, on lines 8, 9 and 12. */
  private static final String BAD = """
      receivers:
        otlp:
          protocols:
            grpc: { endpoint: 127.0.0.1:0 }
      exporters:
        file:
          path: ./out.jsonl
          flush_intervall: 1s
          timeout: 5
      service:
        pipelines:
          logs: { receivers: [otlp], exporters: [file, kafka] }
      """;

  @TempDir Path dir;

  @Test
  void validateAcceptsAGoodFileWithExitZero() throws Exception {
    Path good = write("good.yaml", GOOD);
    Result r = AgentProcess.run(dir, Map.of(), "validate", "--config", good.toString());
    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.stdout()).contains("configuration is valid: " + good);
    assertThat(r.stderr()).isBlank();
  }

  @Test
  void validateReportsEveryErrorWithFileLineAndColumnAndExitsOne() throws Exception {
    Path bad = write("bad.yaml", BAD);
    Result r = AgentProcess.run(dir, Map.of(), "validate", "--config", bad.toString());
    assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
    assertThat(errorLines(r.stderr())).as("%s", r).containsExactly(concat(expectedErrors(bad.toString()), "configuration is invalid: 3 errors"));
    assertThat(r.stdout()).doesNotContain("valid");
  }

  @Test
  void runWithABadConfigExitsOneWithTheSameMessagesBeforeStartingAnything() throws Exception {
    Path bad = write("bad.yaml", BAD);
    Result r = AgentProcess.run(dir, Map.of(), "run", "--config", bad.toString());
    assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
    assertThat(r.stderr()).contains(expectedErrors(bad.toString()));
    assertThat(r.stderr()).doesNotContain("listening");
  }

  @Test
  void runExitsOneNamingTheEndpointWhenThePortIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Path cfg = write("taken.yaml", GOOD.replace("grpc: { endpoint: 127.0.0.1:0 }",
          "grpc: { endpoint: 127.0.0.1:" + taken.getLocalPort() + " }"));
      Result r = AgentProcess.run(dir, Map.of(), "run", "--config", cfg.toString());
      assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
      assertThat(r.stderr()).contains("error: ").contains("otlp").contains(String.valueOf(taken.getLocalPort()));
    }
  }

  @Test
  void componentsListsEveryRegisteredType() throws Exception {
    Result r = AgentProcess.run(dir, Map.of(), "components");
    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.stdout()).containsPattern("(?m)^receivers:$").containsPattern("(?m)^exporters:$")
        .containsPattern("(?m)^  otlp +beta +.*logs.*traces.*metrics")
        .containsPattern("(?m)^  file +alpha ")
        .containsPattern("(?m)^  debug +development ")
        .containsPattern("(?m)^  blocking +development ");
  }

  @Test
  void printConfigShowsEveryDefaultAndRedactsSecretsTakenFromTheEnvironment() throws Exception {
    Path cfg = write("secret.yaml", """
        receivers:
          otlp:
        exporters:
          blocking:
            credential: ${env:IT_CREDENTIAL}
            auth_token: "${env:IT_TOKEN:-fallback-token-value}"
        service:
          pipelines:
            logs: { receivers: [otlp], exporters: [blocking] }
        """);
    Result r = AgentProcess.run(dir, Map.of("IT_CREDENTIAL", "s3cr3t-from-env", "IT_TOKEN", "t0ken-from-env"),
        "print-config", "--config", cfg.toString());
    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.stdout()).doesNotContain("s3cr3t-from-env").doesNotContain("t0ken-from-env")
        .doesNotContain("fallback-token-value");
    assertThat(r.stdout()).containsPattern("credential: \"?<redacted>\"?").containsPattern("auth_token: \"?<redacted>\"?");
    // every default is shown
    assertThat(r.stdout()).contains("max_recv_msg_size: 8MiB").contains("queue_size: 128").contains("shutdown_timeout: 30s");
  }

  @Test
  void printConfigOfAGrpcOnlyReceiverLoadsBackUnchanged() throws Exception {
    Path cfg = write("grpc-only.yaml", """
        receivers:
          otlp:
            protocols:
              grpc: { endpoint: 127.0.0.1:4317 }
        exporters:
          debug:
        service:
          pipelines:
            logs: { receivers: [otlp], exporters: [debug] }
        """);
    Result first = AgentProcess.run(dir, Map.of(), "print-config", "--config", cfg.toString());
    assertThat(first.exitCode()).as("%s", first).isZero();
    assertThat(first.stdout()).contains("grpc:").doesNotContain("http:");
    Path effective = write("effective.yaml", first.stdout());
    Result second = AgentProcess.run(dir, Map.of(), "print-config", "--config", effective.toString());
    assertThat(second.exitCode()).as("%s", second).isZero();
    assertThat(second.stdout()).isEqualTo(first.stdout());
  }

  @Test
  void printConfigWithAnUnsetVariableNamesItAndExitsOne() throws Exception {
    Path cfg = write("unset.yaml", GOOD.replace("./out.jsonl", "\"${env:IT_SURELY_UNSET_VAR}\""));
    Result r = AgentProcess.run(dir, Map.of(), "print-config", "--config", cfg.toString());
    assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
    assertThat(r.stderr()).contains(cfg + ":6:").contains("environment variable 'IT_SURELY_UNSET_VAR' is not set");
  }

  @Test
  void versionPrintsTheAgentVersion() throws Exception {
    Result r = AgentProcess.run(dir, Map.of(), "version");
    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.stdout()).startsWith("stacklens-agent ");
  }

  private Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  private static String[] expectedErrors(String file) {
    String line12 = BAD.lines().toList().get(11);
    return new String[] {
      file + ":8:5: exporters.file.flush_intervall: unknown key 'flush_intervall'; did you mean 'flush_interval'?",
      file + ":9:14: exporters.file.timeout: expected a duration, got '5': add a unit, e.g. 5s or 5ms",
      file + ":12:" + (line12.indexOf("kafka") + 1)
          + ": service.pipelines.logs.exporters[1]: exporter 'kafka' is not defined under exporters (defined: file)",
    };
  }

  private static String[] concat(String[] lines, String last) {
    String[] all = Arrays.copyOf(lines, lines.length + 1);
    all[lines.length] = last;
    return all;
  }

  private static List<String> errorLines(String stderr) {
    return Arrays.stream(stderr.split("\n")).filter(l -> !l.isBlank()).toList();
  }
}
