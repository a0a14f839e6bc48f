package io.stacklens.agent.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Memory figures of a Linux process from {@code /proc/<pid>/status}. */
public final class ProcStatus {
  public static final long MIB = 1024L * 1024;

  private ProcStatus() {}

  /**
   * Resident set size now ({@code VmRSS}), in bytes; -1 when the process is gone or there is no
   * /proc.
   */
  public static long rssBytes(long pid) {
    return field(pid, "VmRSS");
  }

  /** Peak resident set size over the process's life ({@code VmHWM}), in bytes; -1 when unknown. */
  public static long peakRssBytes(long pid) {
    return field(pid, "VmHWM");
  }

  /** A {@code kB} field of {@code /proc/<pid>/status} in bytes, or -1. */
  public static long field(long pid, String name) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith(name + ":")) {
          String value = line.substring(name.length() + 1).trim();
          return Long.parseLong(value.substring(0, value.indexOf(' '))) * 1024;
        }
      }
      return -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** {@code bytes} as MiB with one decimal, or "?" for a negative (unknown) figure. */
  public static String mib(long bytes) {
    return bytes < 0 ? "?" : String.format(java.util.Locale.ROOT, "%.1f", bytes / (double) MIB);
  }
}
