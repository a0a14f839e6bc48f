package io.stacklens.agent.http;

import io.stacklens.agent.concurrent.DaemonThreads;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The bounded pool on which a network receiver decodes requests and hands them to its pipelines,
 * off the network threads: one thread per core (at least 2, at most {@code maxThreads}) and a
 * bounded queue of tasks. When the queue is full the network thread runs the task itself, which
 * stops it reading from its sockets for that time: natural backpressure, no unbounded growth.
 *
 * <p>Queued requests hold no memory the agent does not know about: an HTTP body is reserved from
 * the memory budget when its headers arrive and released when its handler is done, and a gRPC
 * message is counted from its first byte on the wire until the export returned. So what the queue
 * can hold is bounded by {@code service.memory_limiter}: once the budget is spent, new bodies are
 * refused (429 / RESOURCE_EXHAUSTED) before they are read.
 */
public final class RequestExecutor {
  private RequestExecutor() {}

  /**
   * The pool of receiver {@code receiver} (its component id), threads named {@code
   * <receiver>-request-N}.
   */
  public static ThreadPoolExecutor create(String receiver, int maxThreads, int queue) {
    int threads = Math.max(2, Math.min(maxThreads, Runtime.getRuntime().availableProcessors()));
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(queue),
            DaemonThreads.numbered(receiver.replace('/', '-') + "-request-"),
            new ThreadPoolExecutor.CallerRunsPolicy());
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
