package io.stacklens.agent.it.support;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The client side of a conservation oracle: threads that send OTLP/gRPC log requests whose records
 * carry unique ids (attribute {@code id}, also in the body), and remember the ids of every request
 * the agent acknowledged. A request that failed (the agent killed mid-request, or refused with a
 * retry hint) is not acknowledged, and its ids are never sent again.
 */
public final class IdClients {
  /** Finds the ids in whatever an exporter wrote (JSON lines, Kafka messages, rows as text). */
  public static final Pattern ID = Pattern.compile("\"(r\\d+-c\\d+-\\d+-\\d+)\"");

  private final Set<String> acknowledged;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicLong failed = new AtomicLong();
  private final Map<Status.Code, AtomicLong> failures = new ConcurrentHashMap<>();

  private IdClients(Set<String> acknowledged) {
    this.acknowledged = acknowledged;
  }

  /**
   * Starts {@code clients} threads sending requests of {@code perRequest} records to the agent's
   * gRPC {@code port}; ids are {@code r<round>-c<client>-<request>-<record>}.
   */
  public static IdClients start(
      Set<String> acknowledged, int round, int clients, int perRequest, int port) {
    IdClients c = new IdClients(acknowledged);
    for (int i = 0; i < clients; i++) {
      int client = i;
      Thread t =
          new Thread(() -> c.send(round, client, perRequest, port), "id-client-" + round + "-" + i);
      t.setDaemon(true);
      c.threads.add(t);
      t.start();
    }
    return c;
  }

  /** A new set to collect acknowledged ids in, safe for the client threads. */
  public static Set<String> newIdSet() {
    return ConcurrentHashMap.newKeySet();
  }

  /** Requests that were not acknowledged. */
  public long failedRequests() {
    return failed.get();
  }

  /** Requests not acknowledged with the gRPC status {@code code}. */
  public long failedWith(Status.Code code) {
    AtomicLong n = failures.get(code);
    return n == null ? 0 : n.get();
  }

  /** Stops sending and waits for the threads. */
  public void stop() throws InterruptedException {
    stop.set(true);
    for (Thread t : threads) t.join(60_000);
  }

  private void send(int round, int client, int perRequest, int port) {
    try (RawGrpc grpc = new RawGrpc(port)) {
      for (int n = 0; !stop.get(); n++) {
        List<String> ids = new ArrayList<>(perRequest);
        for (int i = 0; i < perRequest; i++)
          ids.add("r" + round + "-c" + client + "-" + n + "-" + i);
        try {
          grpc.export(request(ids));
          acknowledged.addAll(ids);
        } catch (RuntimeException e) {
          failed.incrementAndGet();
          Status.Code code =
              e instanceof StatusRuntimeException s ? s.getStatus().getCode() : Status.Code.UNKNOWN;
          failures.computeIfAbsent(code, k -> new AtomicLong()).incrementAndGet();
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

  /** Counts the ids found in {@code text} into {@code counts}. */
  public static void countIds(String text, Map<String, Integer> counts) {
    Matcher m = ID.matcher(text);
    while (m.find()) counts.merge(m.group(1), 1, Integer::sum);
  }

  /** What an oracle found: acknowledged ids missing from the output, and extra copies. */
  public record Verdict(int acknowledged, int delivered, List<String> missing, long duplicates) {
    /** Compares the acknowledged ids with the ids counted in the output. */
    public static Verdict of(Set<String> acknowledged, Map<String, Integer> counts) {
      List<String> missing = new ArrayList<>();
      for (String id : acknowledged) if (!counts.containsKey(id)) missing.add(id);
      long duplicates = 0;
      for (int n : counts.values()) duplicates += n - 1;
      return new Verdict(acknowledged.size(), counts.size(), missing, duplicates);
    }

    @Override
    public String toString() {
      return "acknowledged "
          + acknowledged
          + ", delivered "
          + delivered
          + " distinct, "
          + missing.size()
          + " missing"
          + (missing.isEmpty()
              ? ""
              : " (e.g. " + missing.subList(0, Math.min(5, missing.size())) + ")")
          + ", "
          + duplicates
          + " duplicates";
    }
  }

  /**
   * An OTLP logs request with one record per id: body {@code payment accepted <id>}, attribute
   * {@code id}.
   */
  public static ExportLogsServiceRequest request(List<String> ids) {
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

  /**
   * Ids in every file of {@code dir} (the file exporter's output; rotated {@code .gz} backups too),
   * with how often each was written; read line by line. A backup being compressed at that moment is
   * left for the next call.
   */
  public static Map<String, Integer> countIdsInFiles(Path dir) throws IOException {
    Map<String, Integer> counts = new HashMap<>();
    if (!Files.isDirectory(dir)) return counts;
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.toList();
    }
    for (Path f : files) {
      try (InputStream raw = Files.newInputStream(f);
          BufferedReader lines =
              new BufferedReader(
                  new InputStreamReader(
                      f.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw,
                      StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) countIds(line, counts);
      } catch (EOFException | ZipException e) {
        // a gzip backup still being written
      }
    }
    return counts;
  }

  /** Ids counted in several texts. */
  public static Map<String, Integer> countIds(Iterable<String> texts) {
    Map<String, Integer> counts = new HashMap<>();
    for (String t : texts) countIds(t, counts);
    return counts;
  }
}
