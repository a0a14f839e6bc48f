package io.stacklens.agent.concurrent;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one way the agent names and makes its background threads: daemon threads (a stuck component
 * never keeps the JVM from exiting after the shutdown deadline), named for what they do so a thread
 * dump reads like the pipeline ({@code exporter-kafka/logs-sender-0}, {@code otlp-request-3}).
 */
public final class DaemonThreads {
  private DaemonThreads() {}

  /**
   * A factory of threads named {@code name} (one thread) — for single-thread executors and timers.
   */
  public static ThreadFactory named(String name) {
    return r -> daemon(r, name);
  }

  /** A factory of threads named {@code prefix1}, {@code prefix2}, ... — for pools. */
  public static ThreadFactory numbered(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> daemon(r, prefix + n.incrementAndGet());
  }

  /** A new daemon thread (not started). */
  public static Thread create(Runnable task, String name) {
    return daemon(task, name);
  }

  private static Thread daemon(Runnable task, String name) {
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    return t;
  }
}
