package io.stacklens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.it.fuzz.FuzzCase;
import io.stacklens.agent.it.fuzz.Mutator;
import io.stacklens.agent.it.support.AgentProcess;
import io.stacklens.agent.it.support.Answer;
import io.stacklens.agent.it.support.ProcStatus;
import io.stacklens.agent.it.support.TargetAgent;
import io.stacklens.agent.it.support.Transport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of mutated requests ({@link Mutator}: OTLP protobuf and JSON, http_json bodies, broken
 * compression) against one agent process started as the packaged launcher starts it. For every
 * request: an answer arrives, it is an allowed status (never 5xx, never gRPC UNKNOWN / INTERNAL /
 * UNAVAILABLE), and the agent is alive. Every {@value #VALID_EVERY} mutated requests a valid one
 * must be accepted. At the end the heap in use is under -Xmx and SIGTERM stops the agent with exit
 * 0.
 *
 * <p>{@code -Dfuzz.seed=N} replays a run (the seed is printed), {@code -Dfuzz.count=N} sets the
 * number of mutated requests, {@code -Dfuzz.only=i,j} sends only those. Failing requests are
 * written to {@code target/fuzz-failures/seed-<seed>/} with a description. When the agent dies, the
 * failure is recorded (with the requests just before) and a new agent takes over, at most {@value
 * #MAX_RESTARTS} times.
 */
class AgentFuzzTest {
  private static final int VALID_EVERY = 100;
  private static final int BURST_EVERY = 1_000;
  private static final int BURST_SIZE = 24;
  private static final int BURST_THREADS = 8;
  private static final int MAX_RESTARTS = 3;
  private static final int SUSPECTS = 16;
  private static final int EXAMPLES_PER_KIND = 5;
  private static final Set<Integer> ALLOWED_HTTP =
      Set.of(200, 400, 404, 405, 408, 413, 415, 429, 431);
  private static final Set<Status.Code> ALLOWED_GRPC =
      Set.of(Status.Code.OK, Status.Code.INVALID_ARGUMENT, Status.Code.RESOURCE_EXHAUSTED);
  private static final Transport[] VALID_TRANSPORTS = Transport.values();

  @TempDir Path dir;

  /**
   * Failures by kind ("HTTP 500", "no answer", "agent died", ...), in order of first occurrence.
   */
  private final Map<String, List<String>> failures = new LinkedHashMap<>();

  private final Map<String, AtomicLong> statuses = new ConcurrentHashMap<>();

  /** The last requests sent and what they got, to name suspects when the agent dies. */
  private final Deque<Sent> recent = new ArrayDeque<>();

  private final Map<Transport, AtomicLong> nanosByTransport = new ConcurrentHashMap<>();
  private final PriorityQueue<Slow> slowest = new PriorityQueue<>();
  private final AtomicLong generationNanos = new AtomicLong();
  private Path failureDir;
  private long seed;
  private TargetAgent agent;
  private int restarts;
  private long maxHeapUsed = -1;
  private long peakRss = -1;

  @Test
  void noMutatedRequestCrashesTheAgentOrGetsAServerError() throws Exception {
    seed = Long.getLong("fuzz.seed", ThreadLocalRandom.current().nextLong());
    int count = Integer.getInteger("fuzz.count", 10_000);
    List<Integer> indices = indices(count);
    failureDir = Path.of("target", "fuzz-failures", "seed-" + seed);
    System.out.printf(
        "AgentFuzzTest: seed %d, %d mutated requests (replay: -Dfuzz.seed=%d -Dfuzz.count=%d)%n",
        seed, indices.size(), seed, count);
    long start = System.nanoTime();
    agent = TargetAgent.start(dir.resolve("agent-0"));
    ExecutorService burst = Executors.newFixedThreadPool(BURST_THREADS);
    // A small queue: a generated case can be tens of MiB, and the test JVM's heap is not the
    // agent's.
    BlockingQueue<FuzzCase> cases = new ArrayBlockingQueue<>(8);
    AtomicReference<Throwable> generatorFailure = new AtomicReference<>();
    Thread generator =
        new Thread(
            () -> {
              try {
                for (int i : indices) cases.put(generate(i));
              } catch (InterruptedException e) {
                // stopped early
              } catch (Throwable t) {
                generatorFailure.set(
                    t); // reported by next(), instead of leaving the test waiting forever
              }
            },
            "fuzz-generator");
    generator.setDaemon(true);
    generator.start();
    int sent = 0;
    try {
      for (int at = 0; at < indices.size() && agent != null; ) {
        int n = at % BURST_EVERY == BURST_EVERY / 2 ? Math.min(BURST_SIZE, indices.size() - at) : 1;
        List<Integer> batch = indices.subList(at, at + n);
        if (n == 1) {
          check(next(cases, generator, generatorFailure));
        } else {
          List<Future<?>> running = new ArrayList<>();
          for (int k = 0; k < n; k++) {
            FuzzCase c = next(cases, generator, generatorFailure);
            running.add(burst.submit(() -> check(c)));
          }
          for (Future<?> f : running) f.get();
        }
        at += n;
        int before = sent;
        sent += n;
        if (!agent.alive()) {
          agentDied(batch.get(n - 1));
          continue;
        }
        if (sent / VALID_EVERY > before / VALID_EVERY)
          validRequest(sent / VALID_EVERY, batch.get(n - 1));
        if (sent / 1000 > before / 1000) {
          System.out.printf(
              "AgentFuzzTest: %d sent, %.0f s, answers %s, agent RSS %s MiB%n",
              sent,
              (System.nanoTime() - start) / 1e9,
              new TreeMap<>(statuses),
              ProcStatus.mib(ProcStatus.rssBytes(agent.pid())));
        }
      }
      if (agent != null) finalChecks();
    } finally {
      generator.interrupt();
      burst.shutdownNow();
      if (agent != null) agent.close();
    }
    System.out.printf(
        "AgentFuzzTest: seed %d, %d mutated requests in %.0f s (generating them %.0f s, alongside; answer time by "
            + "transport %s); answers %s; max heap used %s MiB; agent peak RSS (VmHWM) %s MiB; agent restarts %d; %d failures%nslowest answers:%n%s%n",
        seed,
        sent,
        (System.nanoTime() - start) / 1e9,
        generationNanos.get() / 1e9,
        seconds(nanosByTransport),
        new TreeMap<>(statuses),
        ProcStatus.mib(maxHeapUsed),
        ProcStatus.mib(peakRss),
        restarts,
        failureCount(),
        slowestReport());
    assertThat(failureCount())
        .as(
            "failures with seed %d (replay with -Dfuzz.seed=%d -Dfuzz.count=%d; failing requests in %s):%n%s",
            seed, seed, count, failureDir.toAbsolutePath(), failureReport())
        .isZero();
  }

  private synchronized int failureCount() {
    return failures.values().stream().mapToInt(List::size).sum();
  }

  /** Each kind of failure with its count and the first few examples. */
  private synchronized String failureReport() {
    StringBuilder sb = new StringBuilder();
    failures.forEach(
        (kind, list) -> {
          sb.append("== ").append(kind).append(": ").append(list.size()).append('\n');
          list.stream()
              .limit(EXAMPLES_PER_KIND)
              .forEach(f -> sb.append("  ").append(f).append('\n'));
          if (list.size() > EXAMPLES_PER_KIND)
            sb.append("  ... and ").append(list.size() - EXAMPLES_PER_KIND).append(" more\n");
        });
    return sb.toString();
  }

  /**
   * The next generated case; fails the test (rather than waiting forever) when the generator died.
   */
  private static FuzzCase next(
      BlockingQueue<FuzzCase> cases, Thread generator, AtomicReference<Throwable> failure)
      throws InterruptedException {
    while (true) {
      FuzzCase c = cases.poll(1, java.util.concurrent.TimeUnit.SECONDS);
      if (c != null) return c;
      if (failure.get() != null)
        throw new AssertionError("the payload generator failed", failure.get());
      if (!generator.isAlive() && cases.isEmpty())
        throw new AssertionError("the payload generator stopped early");
    }
  }

  private FuzzCase generate(int index) {
    long t = System.nanoTime();
    FuzzCase c = Mutator.generate(seed, index);
    generationNanos.addAndGet(System.nanoTime() - t);
    return c;
  }

  /** A request sent and the status it got. */
  private record Sent(FuzzCase c, String status) {}

  /** An answer's time, for the slowest-answers report. */
  private record Slow(long nanos, String what) implements Comparable<Slow> {
    @Override
    public int compareTo(Slow o) {
      return Long.compare(nanos, o.nanos);
    }
  }

  private String slowestReport() {
    synchronized (slowest) {
      return slowest.stream()
          .sorted(Comparator.reverseOrder())
          .map(
              s ->
                  String.format(
                      "  %6.0f ms %s",
                      s.nanos() / 1e6,
                      s.what().length() > 200 ? s.what().substring(0, 200) + "..." : s.what()))
          .collect(Collectors.joining("\n"));
    }
  }

  private static Map<Transport, String> seconds(Map<Transport, AtomicLong> nanos) {
    Map<Transport, String> out = new TreeMap<>();
    nanos.forEach((t, n) -> out.put(t, String.format("%.0f s", n.get() / 1e9)));
    return out;
  }

  private static List<Integer> indices(int count) {
    String only = System.getProperty("fuzz.only", "");
    if (!only.isBlank())
      return Arrays.stream(only.split(",")).map(String::trim).map(Integer::valueOf).toList();
    List<Integer> all = new ArrayList<>(count);
    for (int i = 0; i < count; i++) all.add(i);
    return all;
  }

  /** Sends one mutated request and records what is wrong with its answer, if anything. */
  private void check(FuzzCase c) {
    Answer a = agent.send(c.request());
    synchronized (recent) {
      recent.addLast(new Sent(c, a.status()));
      while (recent.size() > SUSPECTS) recent.removeFirst();
    }
    statuses.computeIfAbsent(a.status(), k -> new AtomicLong()).incrementAndGet();
    nanosByTransport
        .computeIfAbsent(c.request().transport(), k -> new AtomicLong())
        .addAndGet(a.nanos());
    synchronized (slowest) {
      slowest.add(new Slow(a.nanos(), c.describe() + " -> " + a.status()));
      if (slowest.size() > 10) slowest.poll();
    }
    String problem = problem(a);
    if (problem != null) fail(problem, c, a.summary());
  }

  /** The kind of failure an answer is, or null when it is allowed. */
  private static String problem(Answer a) {
    if (!a.answered()) return "no answer";
    if (a.isHttp() && !ALLOWED_HTTP.contains(a.httpStatus()))
      return "HTTP " + a.httpStatus() + " (not an allowed answer)";
    if (a.isGrpc() && !ALLOWED_GRPC.contains(a.grpcCode()))
      return "gRPC " + a.grpcCode() + " (not an allowed answer)";
    return null;
  }

  private void validRequest(int n, int afterIndex) throws Exception {
    Transport transport = VALID_TRANSPORTS[n % VALID_TRANSPORTS.length];
    Signal signal =
        transport == Transport.HTTP_JSON
            ? Signal.LOGS
            : Signal.values()[(n / VALID_TRANSPORTS.length) % 3];
    Answer a =
        agent.sendValid(
            transport, signal, TargetAgent.newMarker("fuzz-valid"), Duration.ofSeconds(30));
    statuses.computeIfAbsent("valid " + a.status(), k -> new AtomicLong()).incrementAndGet();
    if (!TargetAgent.accepted(a)) {
      record(
          "valid request not accepted",
          transport + " " + signal.id() + " after #" + afterIndex + ": " + a.summary());
    }
    if (agent.alive()) {
      try {
        maxHeapUsed = Math.max(maxHeapUsed, agent.heapUsedBytes());
      } catch (Exception | AssertionError e) {
        record("/metrics unreadable", "after #" + afterIndex + ": " + e);
      }
    }
  }

  /**
   * The agent died: record it with the requests just before, and carry on with a new agent while
   * allowed.
   */
  private void agentDied(int afterIndex) throws Exception {
    List<Sent> suspects;
    synchronized (recent) {
      suspects = new ArrayList<>(recent);
      recent.clear();
    }
    StringBuilder sb =
        new StringBuilder(agent.state() + " after #" + afterIndex + "; the requests just before:");
    for (Sent s : suspects) {
      sb.append("\n    ")
          .append(s.c().describe())
          .append(" -> ")
          .append(s.status())
          .append(" -> ")
          .append(save(s.c(), "suspect"));
    }
    record("agent died", sb.toString());
    agent.close();
    agent = null;
    if (restarts++ < MAX_RESTARTS) {
      agent = TargetAgent.start(dir.resolve("agent-" + restarts));
    } else {
      record("agent died", "stopped: the agent died " + restarts + " times");
    }
  }

  private void finalChecks() throws Exception {
    long heapUsed = agent.heapUsedBytes();
    long heapMax = agent.heapMaxBytes();
    maxHeapUsed = Math.max(maxHeapUsed, heapUsed);
    peakRss = agent.rss().highWaterMarkBytes();
    if (heapMax > AgentProcess.LAUNCHER_MAX_HEAP_BYTES) {
      record("end", "agent heap limit " + heapMax + " bytes: not started with the launcher's -Xmx");
    }
    if (heapUsed >= AgentProcess.LAUNCHER_MAX_HEAP_BYTES) {
      record(
          "end",
          "agent heap in use at the end " + ProcStatus.mib(heapUsed) + " MiB, not under -Xmx");
    }
    int exit = agent.terminate(Duration.ofSeconds(90));
    if (exit != 0)
      record("end", "SIGTERM: agent exited with " + exit + ":\n" + agent.stderrTail(20));
  }

  private void fail(String kind, FuzzCase c, String answer) {
    record(kind, c.describe() + " -> " + answer + " -> " + save(c, kind));
  }

  private synchronized void record(String kind, String what) {
    failures.computeIfAbsent(kind, k -> new ArrayList<>()).add(what);
  }

  /** Writes the request body and a description for reproduction; returns where. */
  private String save(FuzzCase c, String what) {
    try {
      Files.createDirectories(failureDir);
      Path body = failureDir.resolve(c.index() + ".bin").toAbsolutePath();
      Files.write(body, c.request().body());
      Files.writeString(
          failureDir.resolve(c.index() + ".txt"),
          what
              + ": seed "
              + seed
              + " index "
              + c.index()
              + "\n"
              + c.describe()
              + "\n"
              + "content-type: "
              + c.request().contentType()
              + "\ncontent-encoding: "
              + c.request().contentEncoding()
              + "\n"
              + "replay: ./mvnw -o -pl integration-tests test -Dtest=AgentFuzzTest -Dfuzz.seed="
              + seed
              + " -Dfuzz.only="
              + c.index()
              + "\n",
          StandardCharsets.UTF_8);
      return body.toString();
    } catch (IOException e) {
      return "(not saved: " + e + ")";
    }
  }
}
