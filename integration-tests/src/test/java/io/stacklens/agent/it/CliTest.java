package io.stacklens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.stacklens.agent.cli.AgentVersion;
import io.stacklens.agent.it.support.AgentProcess;
import io.stacklens.agent.it.support.AgentProcess.Result;
import io.stacklens.agent.it.support.RawGrpc;
import io.stacklens.agent.testing.Ports;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code stacklens-agent} command line, run as a separate process like a user would. */
class CliTest {
  private static final String GOOD =
      """
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
  private static final String BAD =
      """
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
    assertThat(errorLines(r.stderr()))
        .as("%s", r)
        .containsExactly(
            concat(expectedErrors(bad.toString()), "configuration is invalid: 3 errors"));
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

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "receivers.otlp.protocols.grpc.endpoint, 'grpc: { endpoint: 127.0.0.1:0 }', 'grpc: { endpoint: 127.0.0.1:PORT }'",
    "receivers.otlp.protocols.http.endpoint, 'grpc: { endpoint: 127.0.0.1:0 }', 'http: { endpoint: 127.0.0.1:PORT }'",
    "service.telemetry.endpoint, 'telemetry: { endpoint: 127.0.0.1:0 }', 'telemetry: { endpoint: 127.0.0.1:PORT }'",
  })
  void runExitsOneNamingTheEndpointSettingAndWhatToDoWhenThePortIsTaken(
      String key, String from, String to) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      Path cfg = write("taken.yaml", GOOD.replace(from, to.replace("PORT", String.valueOf(port))));
      Result r = AgentProcess.run(dir, Map.of(), "run", "--config", cfg.toString());
      assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
      assertThat(r.stderr())
          .as("%s", r)
          .contains(
              "error: "
                  + key
                  + ": cannot listen on 127.0.0.1:"
                  + port
                  + ": address already in use; stop what uses port "
                  + port
                  + " (another agent?), or choose another port\n");
      assertThat(r.stderr()).doesNotContain("Exception").doesNotContain("java.");
    }
  }

  @Test
  void runExitsOneNamingTheIngestEndpointWhenItsPortIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      Path cfg =
          write(
              "taken.yaml",
              """
          receivers:
            http_json: { endpoint: 127.0.0.1:%d }
          exporters:
            file: { path: ./out.jsonl }
          service:
            telemetry: { endpoint: 127.0.0.1:0 }
            pipelines:
              logs: { receivers: [http_json], exporters: [file] }
          """
                  .formatted(port));
      Result r = AgentProcess.run(dir, Map.of(), "run", "--config", cfg.toString());
      assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
      assertThat(r.stderr())
          .as("%s", r)
          .contains(
              "error: receivers.http_json.endpoint: cannot listen on 127.0.0.1:"
                  + port
                  + ": address already in use; ");
    }
  }

  @Test
  void runExitsOneNamingThePathSettingWhenTheFileCannotBeOpenedEvenAsRoot() throws Exception {
    // A path under a regular file fails for every user, root included (permission checks do not).
    Path plain = write("plain-file", "not a directory");
    Path cfg =
        write("unwritable.yaml", GOOD.replace("./out.jsonl", plain.resolve("x.jsonl").toString()));
    Result r = AgentProcess.run(dir, Map.of(), "run", "--config", cfg.toString());
    assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
    assertThat(r.stderr())
        .as("%s", r)
        .contains(
            "error: exporters.file.path: cannot open "
                + plain.resolve("x.jsonl")
                + " for writing: "
                + plain
                + " is a file, not a directory; set path to a file in a directory\n");
    assertThat(r.stderr())
        .doesNotContain("Exception")
        .doesNotContain("java.")
        .doesNotContain("listening");
  }

  @Test
  void runStartsWithoutSlf4jWarningsAndShowsTheVersionAndTheConfigFiles() throws Exception {
    // A kafka receiver whose broker is not there: kafka-clients logs (through SLF4J) that it cannot
    // connect.
    Path base = write("base.yaml", GOOD);
    Path kafka =
        write(
            "kafka.yaml",
            """
        receivers:
          kafka: { brokers: [ "127.0.0.1:%d" ], topics: [ cli-test ] }
        service:
          pipelines:
            logs: { receivers: [otlp, kafka], exporters: [file] }
        """
                .formatted(Ports.free()));
    try (AgentProcess agent =
        AgentProcess.start(
            dir,
            Map.of(),
            "run",
            "--config",
            base.toString(),
            "--config",
            kafka.toString(),
            "--set",
            "service.shutdown_timeout=10s")) {
      agent.awaitLine(
          Pattern.compile("WARN  org\\.apache\\.kafka\\.clients\\.\\w+: "), Duration.ofSeconds(60));
      agent.process().destroy(); // SIGTERM
      assertThat(agent.waitFor(Duration.ofSeconds(60))).as("%s", agent.stderr()).isZero();
      String stderr = agent.stderr();
      assertThat(stderr.lines().filter(l -> l.contains("SLF4J")))
          .as("SLF4J's own warnings in:\n%s", stderr)
          .isEmpty();
      assertThat(stderr.lines().findFirst())
          .as(stderr)
          .hasValueSatisfying(
              first ->
                  assertThat(first)
                      .endsWith(
                          "INFO  stacklens-agent "
                              + AgentVersion.get()
                              + " starting with config "
                              + base.toAbsolutePath()
                              + ", "
                              + kafka.toAbsolutePath()
                              + " (+1 --set)"));
      assertThat(AgentVersion.get()).isNotEqualTo("unknown");
    }
  }

  @ParameterizedTest(name = "loggers: {0}")
  @ValueSource(strings = {"{}", "{ io.grpc: debug }"})
  void debugLevelDumpsNoGrpcFramesWithPayloadUnlessTheLoggerIsNamed(String loggers)
      throws Exception {
    String marker = "payload-marker-7f3a91";
    String markerHex =
        java.util.HexFormat.of()
            .formatHex(marker.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Path cfg =
        write(
            "debug.yaml",
            GOOD.replace(
                "telemetry: { endpoint: 127.0.0.1:0 }",
                "telemetry: { endpoint: 127.0.0.1:0, logs: { level: debug, loggers: "
                    + loggers
                    + " } }"));
    try (AgentProcess agent =
        AgentProcess.start(dir, Map.of(), "run", "--config", cfg.toString())) {
      int port = agent.awaitListening("gRPC", Duration.ofSeconds(60));
      try (RawGrpc grpc = new RawGrpc(port)) {
        grpc.export(
            ExportLogsServiceRequest.newBuilder()
                .addResourceLogs(
                    ResourceLogs.newBuilder()
                        .addScopeLogs(
                            ScopeLogs.newBuilder()
                                .addLogRecords(
                                    LogRecord.newBuilder()
                                        .setBody(AnyValue.newBuilder().setStringValue(marker)))))
                .build());
      }
      Path out = dir.resolve("out.jsonl");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> Files.exists(out) && Files.readString(out).contains(marker));
      agent.process().destroy();
      assertThat(agent.waitFor(Duration.ofSeconds(60))).isZero();
      String stderr = agent.stderr();
      if (loggers.equals("{}")) {
        assertThat(stderr)
            .as("debug output of libraries")
            .doesNotContain("INBOUND DATA")
            .doesNotContain("OUTBOUND")
            .doesNotContain(markerHex)
            .doesNotContain(marker)
            .doesNotContain("DEBUG io.grpc")
            .doesNotContain("DEBUG io.netty");
      } else {
        assertThat(stderr)
            .as("named, gRPC's frame logger is on")
            .contains("INBOUND DATA")
            .contains(markerHex);
      }
    }
  }

  @Test
  void componentsListsEveryRegisteredType() throws Exception {
    Result r = AgentProcess.run(dir, Map.of(), "components");
    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.stdout())
        .containsPattern("(?m)^receivers:$")
        .containsPattern("(?m)^exporters:$")
        .containsPattern("(?m)^  otlp +beta +.*logs.*traces.*metrics")
        .containsPattern("(?m)^  file +alpha ")
        .containsPattern("(?m)^  debug +development ")
        .containsPattern("(?m)^  blocking +development ");
  }

  @Test
  void printConfigShowsEveryDefaultAndRedactsSecretsTakenFromTheEnvironment() throws Exception {
    Path cfg =
        write(
            "secret.yaml",
            """
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
    Result r =
        AgentProcess.run(
            dir,
            Map.of("IT_CREDENTIAL", "s3cr3t-from-env", "IT_TOKEN", "t0ken-from-env"),
            "print-config",
            "--config",
            cfg.toString());
    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.stdout())
        .doesNotContain("s3cr3t-from-env")
        .doesNotContain("t0ken-from-env")
        .doesNotContain("fallback-token-value");
    assertThat(r.stdout())
        .containsPattern("credential: \"?<redacted>\"?")
        .containsPattern("auth_token: \"?<redacted>\"?");
    // every default is shown
    assertThat(r.stdout())
        .contains("max_recv_msg_size: 8MiB")
        .contains("queue_size: 128")
        .contains("shutdown_timeout: 30s");
  }

  @Test
  void printConfigOfAGrpcOnlyReceiverLoadsBackUnchanged() throws Exception {
    Path cfg =
        write(
            "grpc-only.yaml",
            """
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
    Result second =
        AgentProcess.run(dir, Map.of(), "print-config", "--config", effective.toString());
    assertThat(second.exitCode()).as("%s", second).isZero();
    assertThat(second.stdout()).isEqualTo(first.stdout());
  }

  @Test
  void printConfigWithAnUnsetVariableNamesItAndExitsOne() throws Exception {
    Path cfg = write("unset.yaml", GOOD.replace("./out.jsonl", "\"${env:IT_SURELY_UNSET_VAR}\""));
    Result r = AgentProcess.run(dir, Map.of(), "print-config", "--config", cfg.toString());
    assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
    assertThat(r.stderr())
        .contains(cfg + ":6:")
        .contains("environment variable 'IT_SURELY_UNSET_VAR' is not set");
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
      file
          + ":8:5: exporters.file.flush_intervall: unknown key 'flush_intervall'; did you mean 'flush_interval'?",
      file
          + ":9:14: exporters.file.timeout: expected a duration, got '5': add a unit, e.g. 5s or 5ms",
      file
          + ":12:"
          + (line12.indexOf("kafka") + 1)
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
