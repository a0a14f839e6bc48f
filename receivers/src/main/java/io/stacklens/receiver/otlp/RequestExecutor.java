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
