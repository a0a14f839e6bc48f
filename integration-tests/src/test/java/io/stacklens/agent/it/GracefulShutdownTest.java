package io.stacklens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.it.support.AgentProcess;
import io.stacklens.agent.it.support.Configs;
import io.stacklens.agent.it.support.GrpcLoad;
import io.stacklens.agent.it.support.RunningAgent;
import io.stacklens.exporter.file.FileRecordsReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping the agent while clients are sending: every batch the agent acknowledged is in the output
 * file after the stop, exactly once. Batches refused while stopping (UNAVAILABLE) may be missing.
 */
class GracefulShutdownTest {
  private static final int THREADS = 4;
  private static final int RECORDS_PER_BATCH = 50;

  @TempDir Path dir;

  /**
   * A file exporter with its default buffering (1 s flush interval, batching on): shutdown must
   * flush.
   */
  private String config(Path out) {
    return """
        receivers:
          otlp:
            protocols:
              grpc: { endpoint: 127.0.0.1:0 }
        exporters:
          file: { path: %s }
        service:
          telemetry: { endpoint: 127.0.0.1:0 }
          shutdown_timeout: 20s
          pipelines:
            logs: { receivers: [otlp], exporters: [file] }
        """
        .formatted(Configs.yamlString(out));
  }

  @Test
  void sigtermUnderLoadExitsZeroAndKeepsEveryAcknowledgedRecord() throws Exception {
    Path out = dir.resolve("out.jsonl");
    Path yaml = Files.writeString(dir.resolve("agent.yaml"), config(out));
    try (AgentProcess agent =
        AgentProcess.start(dir, Map.of(), "run", "--config", yaml.toString())) {
      int port = agent.awaitListening("gRPC", Duration.ofSeconds(60));
      GrpcLoad load = new GrpcLoad(port, THREADS, RECORDS_PER_BATCH).start();
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> load.acknowledgedBatches() >= 100);
        agent.process().destroy(); // SIGTERM, mid-load
        int exit = agent.waitFor(Duration.ofSeconds(60));
        assertThat(exit).as("exit code; stderr:%n%s", agent.stderr()).isZero();
        assertThat(agent.stderr()).contains("agent stopped");
      } finally {
        load.close();
      }
      assertEveryAcknowledgedRecordIsInTheFileOnce(load, out);
    }
  }

  @Test
  void acknowledgedRecordsLeftAtTheDeadlineAreLoggedAtErrorAndTheExitStatusIsFour()
      throws Exception {
    // The blocking exporter never returns in the agent process: what was acknowledged cannot be
    // delivered.
    Path yaml =
        Files.writeString(
            dir.resolve("agent.yaml"),
            """
        receivers:
          otlp:
            protocols:
              grpc: { endpoint: 127.0.0.1:0 }
        exporters:
          blocking:
            sending_queue: { queue_size: 4 }
            batch: { enabled: false }
        service:
          telemetry: { endpoint: 127.0.0.1:0 }
          shutdown_timeout: 2s
          pipelines:
            logs: { receivers: [otlp], exporters: [blocking] }
        """);
    try (AgentProcess agent =
        AgentProcess.start(dir, Map.of(), "run", "--config", yaml.toString())) {
      int port = agent.awaitListening("gRPC", Duration.ofSeconds(60));
      GrpcLoad load = new GrpcLoad(port, 1, RECORDS_PER_BATCH).start();
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> load.acknowledgedBatches() >= 5);
      } finally {
        load.close();
      }
      agent.process().destroy(); // SIGTERM
      int exit = agent.waitFor(Duration.ofSeconds(60));
      String stderr = agent.stderr();
      assertThat(exit).as("exit code; stderr:%n%s", stderr).isEqualTo(4);
      assertThat(stderr)
          .containsPattern(
              "ERROR +exporter blocking: \\d+ acknowledged record\\(s\\) were not delivered and are lost: "
                  + "they were still being sent at service.shutdown_timeout \\(2s\\)")
          .containsPattern("ERROR +agent stopped; \\d+ acknowledged record\\(s\\) were lost");
      long lost = 0;
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("(pipeline logs|exporter blocking): (\\d+) acknowledged")
              .matcher(stderr);
      while (m.find()) lost += Long.parseLong(m.group(2));
      assertThat(lost)
          .as("every acknowledged record is reported lost")
          .isEqualTo(load.acknowledgedBatches() * RECORDS_PER_BATCH);
    }
  }

  @Test
  void agentStopUnderLoadKeepsEveryAcknowledgedRecord() throws Exception {
    Path out = dir.resolve("out.jsonl");
    RunningAgent agent = RunningAgent.start(config(out));
    GrpcLoad load = new GrpcLoad(agent.grpcPort(), THREADS, RECORDS_PER_BATCH).start();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> load.acknowledgedBatches() >= 100);
      agent.stop();
    } finally {
      agent.close();
      load.close();
    }
    assertEveryAcknowledgedRecordIsInTheFileOnce(load, out);
  }

  private static void assertEveryAcknowledgedRecordIsInTheFileOnce(GrpcLoad load, Path out)
      throws Exception {
    assertThat(load.failures())
        .as("the load was still running when the agent went away")
        .containsKey("UNAVAILABLE");
    Set<String> acknowledged = load.acknowledged();
    assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(100 * RECORDS_PER_BATCH);
    LogsBatch all = FileRecordsReader.readAllLogs(out);
    List<String> bodies = new ArrayList<>();
    all.forEachRecord(r -> bodies.add((String) r.body()));
    Set<String> written = new HashSet<>(bodies);
    assertThat(written).as("no record written twice").hasSameSizeAs(bodies);
    Set<String> missing = new HashSet<>(acknowledged);
    missing.removeAll(written);
    assertThat(missing)
        .as(
            "acknowledged but not written (of %d acknowledged; client failures %s)",
            acknowledged.size(), load.failures())
        .isEmpty();
  }
}
