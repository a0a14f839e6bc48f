package io.stacklens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.stacklens.agent.it.support.AgentProcess;
import io.stacklens.agent.it.support.RawGrpc;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conservation oracle for {@code delivery: durable}: clients send records with unique ids to a
 * real agent process (OTLP/gRPC in, a file exporter with a disk queue out) and remember the ids of
 * every request the agent acknowledged; the agent is killed with SIGKILL at a random moment,
 * started again on the same directories, killed again, {@code stacklens.faults.rounds} times (5 by
 * default; {@code -Dstacklens.faults.rounds=50} for the long run); a last agent then delivers what
 * is left. Every acknowledged id must be in the output. Duplicates are allowed (at least once) and
 * reported.
 */
class DurableDeliveryCrashTest {
  private static final int CLIENTS = 2;
  private static final int PER_REQUEST = 50;
  private static final Pattern ID = Pattern.compile("\"(r\\d+-c\\d+-\\d+-\\d+)\"");

  @TempDir Path dir;

  @Test
  void agentsKilledUnderLoadLoseNoAcknowledgedRecord() throws Exception {
    int rounds = Integer.getInteger("stacklens.faults.rounds", 5);
    long seed = Long.getLong("stacklens.faults.seed", System.nanoTime());
    Random random = new Random(seed);
    Path config = writeConfig();
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    long refused = 0;

    for (int round = 0; round < rounds; round++) {
      try (AgentProcess agent = start(config)) {
        int port = agent.awaitListening("gRPC", Duration.ofSeconds(60));
        AtomicBoolean stop = new AtomicBoolean();
        List<Client> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++)
          clients.add(new Client(round, c, port, stop, acknowledged));
        clients.forEach(Client::start);
        int before = acknowledged.size();
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> acknowledged.size() >= before + 4 * PER_REQUEST);
        Thread.sleep(random.nextInt(1500)); // a random moment under load
        agent.process().destroyForcibly(); // SIGKILL: no drain
        agent.process().waitFor();
        stop.set(true);
        for (Client c : clients) {
          c.join(30_000);
          refused += c.failed;
        }
      }
    }

    Set<String> delivered;
    Map<String, Integer> counts;
    try (AgentProcess last = start(config)) {
      last.awaitListening("gRPC", Duration.ofSeconds(60));
      try {
        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> delivered().keySet().containsAll(acknowledged));
      } catch (ConditionTimeoutException e) {
        // reported below, with what is missing
      }
      last.process().destroy(); // graceful: SIGTERM
      assertThat(last.waitFor(Duration.ofSeconds(60))).as("exit code").isZero();
    }
    counts = delivered();
    delivered = counts.keySet();
    long duplicates = counts.values().stream().filter(n -> n > 1).mapToLong(n -> n - 1).sum();
    Set<String> missing = new HashSet<>(acknowledged);
    missing.removeAll(delivered);
    System.out.printf(
        "durable crash test (seed %d, %d kills): acknowledged %d, delivered %d distinct,"
            + " %d duplicates, %d requests not acknowledged (agent killed or refused)%n",
        seed, rounds, acknowledged.size(), delivered.size(), duplicates, refused);
    assertThat(missing.size())
        .as(
            "acknowledged records missing (seed %d), e.g. %s",
            seed, missing.stream().limit(5).toList())
        .isZero();
    assertThat(acknowledged).hasSizeGreaterThan(rounds * 4 * PER_REQUEST - 1);
  }

  private Path writeConfig() throws IOException {
    Path config = dir.resolve("agent.yaml");
    Files.writeString(
        config,
        """
        receivers:
          otlp:
            protocols:
              grpc: { endpoint: 127.0.0.1:0 }
        exporters:
          file:
            path: %s
            rotation: { max_megabytes: 0 }
            sending_queue: { storage: disk, segment_size: 1MiB }
            batch: { min_size: 500, flush_timeout: 50ms }
        service:
          data_dir: %s
          telemetry: { endpoint: 127.0.0.1:0 }
          pipelines:
            logs: { receivers: [otlp], exporters: [file], delivery: durable }
        """
            .formatted(dir.resolve("out/logs.jsonl"), dir.resolve("data")));
    return config;
  }

  private AgentProcess start(Path config) throws Exception {
    return AgentProcess.start(dir, Map.of(), "run", "--config", config.toString());
  }

  /** Ids in every output file, with how often each was written. */
  private Map<String, Integer> delivered() throws IOException {
    Map<String, Integer> counts = new HashMap<>();
    Path out = dir.resolve("out");
    if (!Files.isDirectory(out)) return counts;
    List<Path> files;
    try (Stream<Path> s = Files.list(out)) {
      files = s.toList();
    }
    for (Path f : files) {
      String text;
      try (InputStream in =
          f.toString().endsWith(".gz")
              ? new GZIPInputStream(Files.newInputStream(f))
              : Files.newInputStream(f)) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        continue; // a backup being compressed right now: read on the next poll
      }
      Matcher m = ID.matcher(text);
      while (m.find()) counts.merge(m.group(1), 1, Integer::sum);
    }
    return counts;
  }

  /** Sends requests of unique ids until stopped; remembers the ids of acknowledged requests. */
  private static final class Client extends Thread {
    private final int round;
    private final int client;
    private final int port;
    private final AtomicBoolean stop;
    private final Set<String> acknowledged;
    long failed;

    Client(int round, int client, int port, AtomicBoolean stop, Set<String> acknowledged) {
      super("crash-client-" + round + "-" + client);
      this.round = round;
      this.client = client;
      this.port = port;
      this.stop = stop;
      this.acknowledged = acknowledged;
      setDaemon(true);
    }

    @Override
    public void run() {
      try (RawGrpc grpc = new RawGrpc(port)) {
        for (int n = 0; !stop.get(); n++) {
          List<String> ids = new ArrayList<>(PER_REQUEST);
          for (int i = 0; i < PER_REQUEST; i++)
            ids.add("r" + round + "-c" + client + "-" + n + "-" + i);
          try {
            grpc.export(request(ids));
            acknowledged.addAll(ids);
          } catch (RuntimeException e) {
            failed++; // killed mid-request, or refused with a retry hint: not acknowledged
            if (!stop.get()) sleepQuietly(50);
          }
        }
      }
    }

    private static void sleepQuietly(long millis) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private static ExportLogsServiceRequest request(List<String> ids) {
      ScopeLogs.Builder scope = ScopeLogs.newBuilder();
      long now = System.currentTimeMillis() * 1_000_000L;
      for (String id : ids) {
        scope.addLogRecords(
            LogRecord.newBuilder()
                .setTimeUnixNano(now)
                .setSeverityNumberValue(9)
                .setBody(AnyValue.newBuilder().setStringValue("payment accepted " + id))
                .addAttributes(
                    KeyValue.newBuilder()
                        .setKey("id")
                        .setValue(AnyValue.newBuilder().setStringValue(id))));
      }
      return ExportLogsServiceRequest.newBuilder()
          .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(scope))
          .build();
    }
  }
}
