package io.stacklens.receiver.otlp;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded pool on which both transports decode and hand over requests: one thread per core
 * (2..8) and a queue of {@value #QUEUE} tasks. When the queue is full the network thread runs the task
 * itself, which stops it reading from its sockets for that time: natural backpressure, no unbounded
 * growth.
 *
 * <p>Queued requests hold no memory the agent does not know about: an HTTP body is reserved from the
 * memory budget when its headers arrive and released when its handler is done (after the queue), and
 * a gRPC message is counted from its first byte on the wire ({@link Http2ConnectionWatch}) and as it
 * is decompressed ({@link io.stacklens.agent.otlp.RawRequestMarshaller}) until the export returned. So
 * what the queue can hold is bounded by {@code service.memory_limiter}, not by 1024 x 20 MiB: once the
 * budget is spent, new bodies are refused (429 / RESOURCE_EXHAUSTED) before they are read.
 */
final class RequestExecutor {
  static final int QUEUE = 1024;

  private RequestExecutor() {}

  static ThreadPoolExecutor create(String receiver) {
    int threads = Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors()));
    AtomicInteger n = new AtomicInteger();
    String prefix = receiver.replace('/', '-') + "-request-";
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
            r -> {
              Thread t = new Thread(r, prefix + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.CallerRunsPolicy());
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
