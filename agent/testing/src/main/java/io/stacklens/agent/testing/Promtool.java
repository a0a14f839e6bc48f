package io.stacklens.agent.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus' {@code promtool}, when this machine has it: {@code $PROMTOOL}, else {@code promtool}
 * on the {@code PATH}. CI installs it ({@code .ci/install-promtool}); tests that need it skip with
 * {@link #MISSING} as the reason when it is absent, next to a pure-Java check ({@link
 * PrometheusExposition}) that always runs.
 */
public final class Promtool {
  /** Why a promtool check was skipped. */
  public static final String MISSING =
      "promtool is not installed (neither $PROMTOOL nor on PATH): "
          + "run .ci/install-promtool to add it; the pure-Java exposition check still ran";

  private Promtool() {}

  /** The promtool executable, if there is one. */
  public static Optional<Path> find() {
    String configured = System.getenv("PROMTOOL");
    if (configured != null && !configured.isBlank()) {
      Path p = Path.of(configured);
      return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    String path = System.getenv("PATH");
    if (path == null) return Optional.empty();
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (dir.isEmpty()) continue;
      Path p = Path.of(dir, "promtool");
      if (Files.isExecutable(p)) return Optional.of(p);
    }
    return Optional.empty();
  }

  /** Exit status and output of {@code promtool check metrics} on {@code exposition}. */
  public record Result(int exitCode, String output) {}

  /** Runs {@code promtool check metrics} with {@code exposition} on its standard input. */
  public static Result checkMetrics(Path promtool, String exposition)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(promtool.toString(), "check", "metrics")
            .redirectErrorStream(true)
            .start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(exposition.getBytes(StandardCharsets.UTF_8));
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("promtool check metrics did not finish within 60 s");
    }
    return new Result(p.exitValue(), output);
  }
}
