package io.stacklens.agent.it.bench;

import io.stacklens.agent.data.Signal;
import io.stacklens.agent.it.fuzz.FuzzCase;
import io.stacklens.agent.it.fuzz.Mutator;
import io.stacklens.agent.it.support.Answer;
import io.stacklens.agent.it.support.HostilePayloads;
import io.stacklens.agent.it.support.ProcStatus;
import io.stacklens.agent.it.support.Request;
import io.stacklens.agent.it.support.TargetAgent;
import io.stacklens.agent.it.support.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The hostile-input benchmark behind docs/reliability.md (run by bench/hostile.sh): starts the
 * packaged agent through its launcher (default JVM options), sends each hostile case, samples the
 * agent's RSS every 100 ms, and prints a markdown table: case, answers, agent alive after, peak
 * RSS. A case that kills the agent is reported, and the next case gets a new agent.
 *
 * <pre>
 * HostileBench --dist DIR [--work DIR] [--fuzz N] [--fuzz-seed N] [--idle N] [--idle-seconds S]
 *     [--only all|cases|fuzz] [--hold S]   (hold: keep the agent S seconds after the last case, to inspect it)
 * </pre>
 */
public final class HostileBench {
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(90);

  private final Path dist;
  private final Path work;
  private final List<String[]> rows = new ArrayList<>();
  private TargetAgent agent;
  private int agents;

  private HostileBench(Path dist, Path work) {
    this.dist = dist;
    this.work = work;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = options(args);
    if (!opts.containsKey("dist")) {
      System.err.println(
          "usage: HostileBench --dist packaging/target/stacklens-agent-<version> [--work DIR] [--fuzz N] "
              + "[--fuzz-seed N] [--idle N] [--idle-seconds S]");
      System.exit(2);
    }
    Path work =
        opts.containsKey("work")
            ? Path.of(opts.get("work"))
            : Files.createTempDirectory("stacklens-hostile-");
    int fuzz = Integer.parseInt(opts.getOrDefault("fuzz", "2000"));
    long fuzzSeed =
        Long.parseLong(
            opts.getOrDefault("fuzz-seed", Long.toString(ThreadLocalRandom.current().nextLong())));
    int idle = Integer.parseInt(opts.getOrDefault("idle", "2000"));
    int idleSeconds = Integer.parseInt(opts.getOrDefault("idle-seconds", "30"));
    String only = opts.getOrDefault("only", "all");
    int hold = Integer.parseInt(opts.getOrDefault("hold", "0"));
    HostileBench bench = new HostileBench(Path.of(opts.get("dist")), work);
    System.out.printf(
        "hostile-input benchmark: %s, agent %s (launcher defaults), work dir %s, %d cores, java %s%n",
        Instant.now(),
        bench.dist,
        work,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
    try {
      bench.run(fuzz, fuzzSeed, idle, idleSeconds, only, hold);
    } finally {
      if (bench.agent != null) bench.agent.close();
    }
    System.exit(0); // gRPC and sampler threads
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> out = new TreeMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--"))
        throw new IllegalArgumentException("expected --option value, got " + args[i]);
      out.put(args[i].substring(2), args[i + 1]);
    }
    return out;
  }

  private void run(int fuzz, long fuzzSeed, int idle, int idleSeconds, String only, int holdSeconds)
      throws Exception {
    ensureAgent();
    Thread.sleep(2000);
    row("agent idle after start (baseline)", () -> List.of());
    if (!only.equals("fuzz")) {
      for (HostilePayloads.Case c : HostilePayloads.Case.values()) {
        Request request = c.request();
        row(c.title, () -> List.of(brief(agent.send(request))));
      }
      Request big = HostilePayloads.hugeStringValue();
      row("two 19 MiB strings at once (OTLP/HTTP protobuf)", () -> concurrently(List.of(big, big)));
      slowloris(idle, idleSeconds);
    }
    if (!only.equals("cases")) fuzzBurst(fuzz, fuzzSeed);
    if (holdSeconds > 0) {
      System.out.printf("holding the agent (pid %d) for %d s%n", agent.pid(), holdSeconds);
      Thread.sleep(holdSeconds * 1000L);
    }
    System.out.println();
    System.out.println("| case | answer(s) | agent alive after | peak RSS MiB |");
    System.out.println("|---|---|---|---|");
    for (String[] r : rows) System.out.println("| " + String.join(" | ", r) + " |");
    System.out.println();
    if (agent.alive()) {
      long hwm = agent.rss().highWaterMarkBytes();
      int exit = agent.terminate(Duration.ofSeconds(90));
      System.out.printf(
          "agent #%d: VmHWM %s MiB over its life; SIGTERM: exit %d%n",
          agents, ProcStatus.mib(hwm), exit);
    } else {
      System.out.printf("agent #%d: %s%n", agents, agent.state());
    }
  }

  private void ensureAgent() throws Exception {
    if (agent != null && agent.alive()) return;
    if (agent != null) agent.close();
    agent = TargetAgent.startPackaged(dist, work.resolve("agent-" + ++agents));
    System.out.printf("agent #%d started: pid %d%n", agents, agent.pid());
  }

  /**
   * Runs one case: answers, then a valid request that must be written (so an agent that answers and
   * dies afterwards is caught), then alive or not, and the peak RSS sampled during the case.
   */
  private void row(String name, Supplier<List<String>> action) throws Exception {
    int before = agents;
    ensureAgent();
    String restarted = agents != before ? " (new agent)" : "";
    agent.rss().resetPeak();
    long start = System.nanoTime();
    List<String> answers = action.get();
    long millis = (System.nanoTime() - start) / 1_000_000;
    String alive;
    if (!agent.alive()) {
      alive = "**no**: " + agent.state();
    } else {
      String marker = TargetAgent.newMarker("bench");
      Answer valid =
          agent.sendValid(
              Transport.OTLP_HTTP_PROTOBUF, Signal.LOGS, marker, Duration.ofSeconds(60));
      boolean written = TargetAgent.accepted(valid) && agent.awaitLogWritten(marker, DRAIN_TIMEOUT);
      alive =
          agent.alive()
              ? (written ? "yes" : "yes, but a valid request afterwards: " + valid.summary())
              : "**no**: " + agent.state();
    }
    long peak = agent.rss().peakBytes();
    String answer = answers.isEmpty() ? "-" : String.join("<br>", answers) + " (" + millis + " ms)";
    rows.add(new String[] {name + restarted, cell(answer), cell(alive), ProcStatus.mib(peak)});
    System.out.printf(
        "%s: %s; alive after: %s; peak RSS %s MiB%n", name, answer, alive, ProcStatus.mib(peak));
  }

  private List<String> concurrently(List<Request> requests) {
    ExecutorService pool = Executors.newFixedThreadPool(requests.size());
    try {
      List<Future<Answer>> futures = new ArrayList<>();
      for (Request r : requests) futures.add(pool.submit(() -> agent.send(r)));
      List<String> out = new ArrayList<>();
      for (Future<Answer> f : futures) out.add(brief(f.get()));
      return out;
    } catch (Exception e) {
      return List.of("bench failed: " + e);
    } finally {
      pool.shutdownNow();
    }
  }

  private static String brief(Answer a) {
    String s = a.summary();
    return s.length() > 160 ? s.substring(0, 160) + "..." : s;
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }

  // ------------------------------------------------------------------ slowloris

  /**
   * {@code count} connections that send part of a request head and then nothing: half to OTLP/HTTP,
   * a quarter each to http_json and gRPC (a partial HTTP/2 preface). While they are held for {@code
   * seconds}, a valid request per receiver per second must get through.
   */
  private void slowloris(int count, int seconds) throws Exception {
    String name =
        String.format(
            "slowloris: %,d idle connections with partial requests, held %d s", count, seconds);
    row(
        name,
        () -> {
          List<Socket> sockets = new ArrayList<>();
          int refused = 0;
          try {
            int[] ports = {agent.httpPort(), agent.ingestPort(), agent.grpcPort()};
            for (int i = 0; i < count; i++) {
              int kind = i % 4;
              int port = kind < 2 ? ports[0] : kind == 2 ? ports[1] : ports[2];
              byte[] partial =
                  kind == 3
                      ? "PRI * HTTP/2.0\r\n".getBytes(StandardCharsets.US_ASCII)
                      : ("POST "
                              + (kind == 2 ? "/ingest" : "/v1/logs")
                              + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                              + "Content-Length: 1000\r\n")
                          .getBytes(StandardCharsets.US_ASCII);
              try {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                s.getOutputStream().write(partial);
                sockets.add(s);
              } catch (IOException e) {
                refused++;
              }
            }
            long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            int probes = 0;
            int accepted = 0;
            long worst = 0;
            Transport[] transports = {
              Transport.OTLP_HTTP_PROTOBUF, Transport.HTTP_JSON, Transport.OTLP_GRPC
            };
            while (System.nanoTime() < end && agent.alive()) {
              for (Transport t : transports) {
                agent
                    .client()
                    .dropConnections(); // a new connection each time, as a new client would
                Answer a =
                    agent.send(
                        TargetAgent.validRequest(
                            t, Signal.LOGS, TargetAgent.newMarker("slowloris")));
                probes++;
                if (TargetAgent.accepted(a)) accepted++;
                worst = Math.max(worst, a.nanos() / 1_000_000);
              }
              Thread.sleep(1000);
            }
            int closed = 0;
            for (Socket s : sockets) if (closedByServer(s)) closed++;
            return List.of(
                String.format(
                    "valid requests meanwhile: %d of %d accepted, slowest %d ms",
                    accepted, probes, worst),
                String.format(
                    "%d of %d idle connections closed by the agent after %d s; %d refused",
                    closed, sockets.size(), seconds, refused));
          } catch (Exception e) {
            return List.of("bench failed: " + e);
          } finally {
            for (Socket s : sockets) {
              try {
                s.close();
              } catch (IOException ignored) {
                // closing
              }
            }
          }
        });
  }

  private static boolean closedByServer(Socket s) {
    try {
      s.setSoTimeout(1);
      InputStream in = s.getInputStream();
      while (true) {
        int b = in.read();
        if (b < 0) return true;
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  // ------------------------------------------------------------------ fuzz burst

  private void fuzzBurst(int count, long seed) throws Exception {
    String name =
        String.format("fuzz burst: %,d mutated requests, 8 threads (seed %d)", count, seed);
    row(
        name,
        () -> {
          Map<String, AtomicLong> statuses = new ConcurrentHashMap<>();
          ExecutorService pool = Executors.newFixedThreadPool(8);
          try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
              int index = i;
              futures.add(
                  pool.submit(
                      () -> {
                        FuzzCase c = Mutator.generate(seed, index);
                        Answer a = agent.send(c.request());
                        statuses
                            .computeIfAbsent(a.status(), k -> new AtomicLong())
                            .incrementAndGet();
                      }));
            }
            for (Future<?> f : futures) f.get();
          } catch (Exception e) {
            return List.of("bench failed: " + e);
          } finally {
            pool.shutdownNow();
          }
          List<String> out = new ArrayList<>();
          new TreeMap<>(statuses).forEach((k, v) -> out.add(k + ": " + v));
          return List.of(String.join(", ", out));
        });
  }
}
