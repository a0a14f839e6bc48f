package io.stacklens.exporter.file;

import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ConfigProblems;
import io.stacklens.agent.api.Durations;
import io.stacklens.agent.api.ExporterConfig;
import java.time.Duration;

/**
 * Config of the {@code file} exporter. Defaults are set here and in {@link
 * FileExporterFactory#createDefaultConfig()}.
 *
 * <pre>
 * path: ./data/logs.jsonl      # required; parent directories are created
 * format: json_lines           # or otlp_json
 * flush_interval: 1s           # buffered bytes are written out this often (0 = after every push)
 * fsync: false                 # force the file to disk after each flush
 * rotation:
 *   max_megabytes: 100         # rotate when the file would grow past this (0 = no size rotation)
 *   max_age: 0s                # rotate when the file is older than this (0 = no age rotation)
 *   max_backups: 10            # rotated files kept; older ones are deleted (0 = keep all)
 *   compress: true             # gzip rotated files in the background
 * </pre>
 */
public class FileExporterConfig extends ExporterConfig {
  /**
   * The exporter helper's defaults for files: a 30 s attempt timeout for slow disks and rotations;
   * two sender threads, so one encodes its batch while the other writes (writes to the file still
   * serialize; measured in docs/benchmarks.md). Batching stays on (1000 to 10000 records, 200ms),
   * so each push is one large sequential write.
   */
  public FileExporterConfig() {
    timeout = Duration.ofSeconds(30);
    sendingQueue.numConsumers = 2;
  }

  /** File written to. Required. */
  public String path;

  public FileFormat format = FileFormat.JSON_LINES;

  /**
   * How often buffered bytes are written to the file; {@code 0} writes at the end of every push.
   */
  public Duration flushInterval = Duration.ofSeconds(1);

  /** Calls {@code fsync} after every flush: durable against power loss, slower. */
  public boolean fsync = false;

  public RotationSettings rotation = new RotationSettings();

  /**
   * When the current file is closed, renamed to {@code <stem>-<UTC yyyyMMdd'T'HHmmss.SSS>.<ext>}
   * and replaced.
   */
  public static class RotationSettings implements ComponentConfig {
    /** Size limit of the current file in MiB; {@code 0} turns size rotation off. */
    public int maxMegabytes = 100;

    /**
     * Age limit of the current file, counted from when the exporter opened it; {@code 0} turns it
     * off.
     */
    public Duration maxAge = Duration.ZERO;

    /**
     * Rotated files kept next to the current one; the oldest beyond this are deleted. {@code 0}
     * keeps all.
     */
    public int maxBackups = 10;

    /** Gzip rotated files (off the push path), adding {@code .gz} to their names. */
    public boolean compress = true;

    @Override
    public void validate(ConfigProblems problems) {
      if (maxMegabytes < 0) {
        problems.error(
            "max_megabytes", "must be 0 (no size rotation) or positive, got " + maxMegabytes);
      }
      if (maxAge == null || maxAge.isNegative()) {
        problems.error(
            "max_age",
            "must be 0 (no age rotation) or a positive duration, got "
                + Durations.describe(maxAge));
      }
      if (maxBackups < 0)
        problems.error("max_backups", "must be 0 (keep all) or positive, got " + maxBackups);
    }

    long maxBytes() {
      return maxMegabytes * 1024L * 1024L;
    }
  }

  @Override
  public void validate(ConfigProblems problems) {
    super.validate(problems);
    if (path == null || path.isBlank()) {
      problems.error("path", "is required: the file to write to, e.g. ./data/logs.jsonl");
    } else if (path.endsWith("/") || path.endsWith(java.io.File.separator)) {
      problems.error("path", "must name a file, not a directory: '" + path + "'");
    }
    if (format == null) problems.error("format", "must be json_lines or otlp_json");
    if (flushInterval == null || flushInterval.isNegative()) {
      problems.error(
          "flush_interval",
          "must be 0 (flush after every push) or a positive duration, got "
              + Durations.describe(flushInterval));
    }
    if (rotation == null) {
      problems.error("rotation", "must not be empty");
    }
  }
}
