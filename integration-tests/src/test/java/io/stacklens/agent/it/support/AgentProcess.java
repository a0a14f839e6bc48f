package io.stacklens.agent.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code stacklens-agent} in a separate JVM ({@code java -cp <this JVM's class path> Main ...}), with
 * standard output and error captured in files. Close it to kill what is still running.
 */
public final class AgentProcess implements AutoCloseable {
  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private AgentProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  public static AgentProcess start(Path workDir, Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(classPath());
    command.add("io.stacklens.agent.cli.Main");
    command.addAll(List.of(args));
    Path out = Files.createTempFile(workDir, "agent-", ".out");
    Path err = Files.createTempFile(workDir, "agent-", ".err");
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().putAll(env);
    return new AgentProcess(pb.start(), out, err);
  }

  /** Runs a CLI command to completion and returns its exit code and output. */
  public static Result run(Path workDir, Map<String, String> env, String... args) throws Exception {
    try (AgentProcess p = start(workDir, env, args)) {
      int code = p.waitFor(Duration.ofSeconds(60));
      return new Result(code, p.stdout(), p.stderr());
    }
  }

  /** Exit code and captured output of a finished command. */
  public record Result(int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
  }

  /** The class path of the running test JVM, as surefire gives it (also with a manifest-only jar). */
  private static String classPath() {
    String surefire = System.getProperty("surefire.test.class.path");
    return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
  }

  /** Waits for the start-up line {@code <receiver>: <transport> listening on host:port} and returns the port. */
  public int awaitListening(String transport, Duration timeout) throws Exception {
    Pattern p = Pattern.compile(Pattern.quote(transport) + " listening on [^\\s]*:(\\d+)");
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      Matcher m = p.matcher(stderr());
      if (m.find()) return Integer.parseInt(m.group(1));
      if (!process.isAlive()) throw new AssertionError("agent exited with " + process.exitValue() + ":\n" + stderr());
      Thread.sleep(50);
    }
    throw new AssertionError("agent did not report '" + transport + " listening' within " + timeout + ":\n" + stderr());
  }

  public Process process() {
    return process;
  }

  public int waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("agent did not exit within " + timeout);
    }
    return process.exitValue();
  }

  public String stdout() throws IOException {
    return Files.readString(stdout, StandardCharsets.UTF_8);
  }

  public String stderr() throws IOException {
    return Files.readString(stderr, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
