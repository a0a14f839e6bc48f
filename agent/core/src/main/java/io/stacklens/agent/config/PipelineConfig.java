package io.stacklens.agent.config;

import io.stacklens.agent.api.ByteSize;
import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ConfigProblems;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One pipeline under {@code service.pipelines}: receivers feed a bounded ring; a worker drains it
 * through the processors (in order) and fans out to the exporters.
 *
 * <pre>
 * logs:
 *   receivers: [otlp]            # at least one
 *   processors: [parse/json]     # optional, run in this order
 *   exporters: [file, debug]     # at least one
 *   ring_size: 256               # default; a power of two between 2 and 1048576
 *   ring_max_records: 25000      # default; records the ring may hold, whatever the batch sizes
 *   ring_max_bytes: 4MiB         # default; estimated heap of the batches the ring may hold
 *   wait_strategy: park          # default; park, yield or busy_spin
 *   delivery: memory             # default; durable: answer clients once records are in every
 *                                # exporter's disk queue (each needs sending_queue.storage: disk);
 *                                # end_to_end: once every exporter delivered them
 * </pre>
 */
public final class PipelineConfig implements ComponentConfig {
  static final int MIN_RING_SIZE = 2;
  static final int MAX_RING_SIZE = 1 << 20;

  public List<ComponentId> receivers = List.of();
  public List<ComponentId> processors = List.of();
  public List<ComponentId> exporters = List.of();

  /**
   * Batches the ring between receivers and the worker holds; when full, receivers refuse. Default
   * 256.
   */
  public int ringSize = 256;

  /**
   * Records the ring may hold at once, so its memory is bounded whatever size the requests have (a
   * request larger than this is still taken when the ring is empty). Default 25000.
   */
  public int ringMaxRecords = 25_000;

  /**
   * Estimated heap bytes of the batches the ring may hold (a batch larger than this is still taken
   * when the ring is empty). Default 4MiB: at saturation what a buffer holds is held long enough to
   * be copied by the young collections and promoted, so larger buffers cost CPU and resident memory
   * without adding throughput (docs/benchmarks.md, "Buffer sizes").
   */
  public ByteSize ringMaxBytes = ByteSize.ofMebibytes(4);

  /** How the worker waits on an empty ring. Default {@link WaitStrategy#PARK}. */
  public WaitStrategy waitStrategy = WaitStrategy.PARK;

  /** When receivers answer clients. Default {@link Delivery#MEMORY}. */
  public Delivery delivery = Delivery.MEMORY;

  public List<ComponentId> receivers() {
    return receivers;
  }

  public List<ComponentId> processors() {
    return processors;
  }

  public List<ComponentId> exporters() {
    return exporters;
  }

  public int ringSize() {
    return ringSize;
  }

  public int ringMaxRecords() {
    return ringMaxRecords;
  }

  public WaitStrategy waitStrategy() {
    return waitStrategy;
  }

  @Override
  public void validate(ConfigProblems problems) {
    if (receivers.isEmpty()) {
      problems.error("receivers", "a pipeline needs at least one receiver");
    }
    if (exporters.isEmpty()) {
      problems.error("exporters", "a pipeline needs at least one exporter");
    }
    reportRepeated("receivers", receivers, problems);
    reportRepeated("processors", processors, problems);
    reportRepeated("exporters", exporters, problems);
    if (ringMaxBytes == null || ringMaxBytes.bytes() < 1024) {
      problems.error("ring_max_bytes", "must be at least 1KiB, got " + ringMaxBytes);
    }
    if (ringSize < MIN_RING_SIZE || ringSize > MAX_RING_SIZE || Integer.bitCount(ringSize) != 1) {
      problems.error(
          "ring_size",
          "must be a power of two between "
              + MIN_RING_SIZE
              + " and "
              + MAX_RING_SIZE
              + ", got "
              + ringSize);
    }
    if (ringMaxRecords < 1) {
      problems.error("ring_max_records", "must be at least 1, got " + ringMaxRecords);
    }
  }

  private static void reportRepeated(String key, List<ComponentId> ids, ConfigProblems problems) {
    Set<ComponentId> seen = new HashSet<>();
    for (int i = 0; i < ids.size(); i++) {
      if (!seen.add(ids.get(i))) {
        problems.error(key + "[" + i + "]", "'" + ids.get(i) + "' is listed more than once");
      }
    }
  }
}
