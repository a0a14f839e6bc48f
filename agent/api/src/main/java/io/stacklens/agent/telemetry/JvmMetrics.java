package io.stacklens.agent.telemetry;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/** JVM heap and thread gauges, and GC counters (read from the JVM at scrape time). */
public final class JvmMetrics {
  private JvmMetrics() {}

  public static void register(MetricsRegistry registry) {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    registry.gauge(
        "stacklens_jvm_memory_heap_used_bytes",
        "JVM heap in use",
        () -> memory.getHeapMemoryUsage().getUsed());
    registry.gauge(
        "stacklens_jvm_memory_heap_committed_bytes",
        "JVM heap committed",
        () -> memory.getHeapMemoryUsage().getCommitted());
    registry.gauge(
        "stacklens_jvm_memory_heap_max_bytes",
        "JVM heap limit",
        () -> memory.getHeapMemoryUsage().getMax());
    registry.gauge(
        "stacklens_jvm_memory_nonheap_used_bytes",
        "JVM non-heap memory in use",
        () -> memory.getNonHeapMemoryUsage().getUsed());
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      registry.counterFunction(
          "stacklens_jvm_gc_collections_total",
          "GC runs per collector",
          () -> Math.max(0, gc.getCollectionCount()),
          "gc",
          gc.getName());
      registry.counterFunction(
          "stacklens_jvm_gc_time_seconds_total",
          "Time spent in GC per collector",
          () -> Math.max(0, gc.getCollectionTime()) / 1000.0,
          "gc",
          gc.getName());
    }
    registry.gauge(
        "stacklens_jvm_threads",
        "Live JVM threads",
        () -> ManagementFactory.getThreadMXBean().getThreadCount());
    registry.gauge(
        "stacklens_process_uptime_seconds",
        "Agent uptime",
        () -> ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);
  }
}
