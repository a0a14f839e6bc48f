package io.stacklens.agent.it.support;

import io.grpc.StatusRuntimeException;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Client threads that keep sending log batches with unique bodies ({@code
 * t<thread>-b<batch>-r<record>}) over gRPC, without retries, and remember the bodies of every
 * acknowledged batch. Refused or failed batches are counted by status code.
 */
public final class GrpcLoad implements AutoCloseable {
  private final int port;
  private final int recordsPerBatch;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  private final AtomicLong acknowledgedBatches = new AtomicLong();
  private final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
  private final List<Thread> threads = new ArrayList<>();

  public GrpcLoad(int port, int threads, int recordsPerBatch) {
    this.port = port;
    this.recordsPerBatch = recordsPerBatch;
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread thread = new Thread(() -> send(id), "grpc-load-" + t);
      thread.setDaemon(true);
      this.threads.add(thread);
    }
  }

  public GrpcLoad start() {
    threads.forEach(Thread::start);
    return this;
  }

  private void send(int thread) {
    try (RawGrpc grpc = new RawGrpc(port)) {
      for (int batch = 0; running.get(); batch++) {
        List<String> bodies = new ArrayList<>(recordsPerBatch);
        ScopeLogs.Builder scope = ScopeLogs.newBuilder();
        for (int r = 0; r < recordsPerBatch; r++) {
          String body = "t" + thread + "-b" + batch + "-r" + r;
          bodies.add(body);
          scope.addLogRecords(
              LogRecord.newBuilder().setBody(AnyValue.newBuilder().setStringValue(body)));
        }
        try {
          grpc.export(
              ExportLogsServiceRequest.newBuilder()
                  .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(scope))
                  .build());
          acknowledged.addAll(bodies);
          acknowledgedBatches.incrementAndGet();
        } catch (StatusRuntimeException e) {
          failures
              .computeIfAbsent(e.getStatus().getCode().name(), k -> new AtomicLong())
              .incrementAndGet();
          Thread.sleep(5);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public long acknowledgedBatches() {
    return acknowledgedBatches.get();
  }

  /** Bodies of every record in an acknowledged batch. */
  public Set<String> acknowledged() {
    return Set.copyOf(acknowledged);
  }

  public Map<String, AtomicLong> failures() {
    return failures;
  }

  /** Stops sending and waits for the threads. */
  @Override
  public void close() {
    running.set(false);
    try {
      for (Thread t : threads) t.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
