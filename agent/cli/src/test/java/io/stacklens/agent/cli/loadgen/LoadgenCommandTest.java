package io.stacklens.agent.cli.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LoadgenCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine command = new CommandLine(new LoadgenCommand());
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    return command.execute(args);
  }

  @Test
  void sendsTheRequestedRecordsPrintsTheReportAndWritesJson(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("report.json");
    try (GrpcLogsServer server = GrpcLogsServer.accepting()) {
      int exit =
          run(
              "--endpoint",
              server.endpoint(),
              "--records",
              "250",
              "--batch-size",
              "50",
              "--report-json",
              json.toString());

      assertThat(exit).isZero();
      assertThat(server.acceptedRecords).hasValue(250);
    }
    assertThat(out.toString())
        .contains("acknowledged 250")
        .contains("records/s")
        .contains("p50")
        .contains("p99")
        .contains("refusals  none");
    assertThat(Files.readString(json))
        .contains("\"recordsAcknowledged\" : 250")
        .contains("\"requestsAcknowledged\" : 5")
        .contains("\"p99\"")
        .contains("\"succeeded\" : true");
  }

  @Test
  void warmupSendsFirstAndOnlyTheMeasuredRunIsReported(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("report.json");
    try (GrpcLogsServer server = GrpcLogsServer.accepting()) {
      int exit =
          run(
              "--endpoint",
              server.endpoint(),
              "--records",
              "200",
              "--batch-size",
              "50",
              "--warmup",
              "300ms",
              "--report-json",
              json.toString());

      assertThat(exit).isZero();
      assertThat(server.acceptedRecords.get()).isGreaterThan(200);
    }
    assertThat(out.toString()).contains("warming up for 0.3 s").contains("acknowledged 200");
    assertThat(Files.readString(json)).contains("\"recordsAcknowledged\" : 200");
  }

  @Test
  void aFailedWarmupStopsBeforeTheMeasuredRun() throws Exception {
    try (HttpLogsServer server = HttpLogsServer.failingWith(400)) {
      int exit =
          run(
              "--protocol",
              "http",
              "--endpoint",
              server.endpoint(),
              "--records",
              "100",
              "--warmup",
              "200ms");

      assertThat(exit).isEqualTo(1);
    }
    assertThat(err.toString()).contains("the warm-up run failed");
  }

  @Test
  void exitsWithOneWhenRequestsFailPermanently() throws Exception {
    try (HttpLogsServer server = HttpLogsServer.failingWith(400)) {
      int exit = run("--protocol", "http", "--endpoint", server.endpoint(), "--records", "100");

      assertThat(exit).isEqualTo(1);
    }
    assertThat(out.toString()).contains("400=1");
  }

  @Test
  void invalidOptionsAreAllNamedAndExitWithTwo() {
    int exit = run("--batch-size", "0", "--concurrency", "0", "--encoding", "json");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .contains("--batch-size: must be >= 1, was 0")
        .contains("--concurrency: must be >= 1, was 0")
        .contains("--encoding: json is only supported with --protocol http");
  }

  @Test
  void unknownProtocolNamesTheChoices() {
    int exit = run("--protocol", "udp");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("--protocol: 'udp' is not one of grpc, http");
  }

  @Test
  void defaultsFollowTheProtocol() {
    LoadgenCommand command = new LoadgenCommand();
    new CommandLine(command).parseArgs("--protocol", "http");
    LoadgenOptions options = command.options();

    assertThat(options.endpoint()).isEqualTo("127.0.0.1:4318");
    assertThat(options.batchSize()).isEqualTo(100);
    assertThat(options.concurrency()).isEqualTo(4);
    assertThat(options.bodySize()).isEqualTo(200);
    assertThat(options.attributes()).isEqualTo(5);
    assertThat(options.duration()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void aRecordLimitWithoutDurationRunsUntilTheRecordsAreSent() {
    LoadgenCommand command = new LoadgenCommand();
    new CommandLine(command).parseArgs("--records", "10");

    assertThat(command.options().endpoint()).isEqualTo("127.0.0.1:4317");
    assertThat(command.options().duration()).isZero();
  }
}
