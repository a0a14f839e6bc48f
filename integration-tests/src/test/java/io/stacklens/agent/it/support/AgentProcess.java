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
 * {@code stacklens-agent} in a separate JVM ({@code java -cp <this JVM's class path> Main ...}), or
 * the packaged launcher script, with standard output and error captured in files. Close it to kill
 * what is still running.
 */
public final class AgentProcess implements AutoCloseable {
  /**
   * The JVM options the packaged launcher ({@code packaging/src/dist/bin/stacklens-agent}) gives
   * the agent when {@code JAVA_OPTS} does not override them: the heap and OutOfMemoryError policy
   * users run with. Keep in step with the script ({@code LauncherDefaultsTest} checks it).
   */
  public static final List<String> LAUNCHER_JVM_OPTIONS =
      List.of(
          "-XX:+UseParallelGC",
          "-Xms64m",
          "-Xmx128m",
          "-XX:+ExitOnOutOfMemoryError",
          "-XX:NewRatio=1",
          "-Dio.netty.allocator.type=unpooled",
          "-Dio.grpc.netty.shaded.io.netty.allocator.type=unpooled",
          "-Dio.grpc.netty.useCustomAllocator=false");

  /** The option the launcher adds when the JVM knows it (Java 17.0.9+, 21+). */
  public static final String LAUNCHER_TRIM_OPTION = "-XX:TrimNativeHeapInterval=1000";

  /** The environment the launcher sets for the JVM (unless the user's environment already does). */
  public static final Map<String, String> LAUNCHER_ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "2");

  /** The {@code -Xmx} of {@link #LAUNCHER_JVM_OPTIONS}, in bytes. */
  public static final long LAUNCHER_MAX_HEAP_BYTES = 128L * 1024 * 1024;

  /** Options of the JVMs the other tests start: a roomier heap, quicker start-up. */
  private static final List<String> TEST_JVM_OPTIONS =
      List.of("-Xmx256m", "-XX:TieredStopAtLevel=1");

  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private AgentProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  public static AgentProcess start(Path workDir, Map<String, String> env, String... args)
      throws IOException {
    return start(workDir, env, TEST_JVM_OPTIONS, args);
  }

  /**
   * Like {@link #start(Path, Map, String...)} with exactly {@code jvmOptions}, e.g. {@link
   * #LAUNCHER_JVM_OPTIONS}.
   */
  public static AgentProcess start(
      Path workDir, Map<String, String> env, List<String> jvmOptions, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    if (jvmOptions.equals(LAUNCHER_JVM_OPTIONS) && jvmKnows(LAUNCHER_TRIM_OPTION))
      command.add(LAUNCHER_TRIM_OPTION);
    command.add("-cp");
    command.add(classPath());
    command.add("io.stacklens.agent.cli.Main");
    command.addAll(List.of(args));
    if (jvmOptions.equals(LAUNCHER_JVM_OPTIONS)) {
      Map<String, String> withLauncher = new java.util.HashMap<>(LAUNCHER_ENVIRONMENT);
      withLauncher.putAll(env);
      env = withLauncher;
    }
    return launch(command, workDir, env);
  }

  private static Boolean trimKnown;

  /** Whether this JVM starts with {@code option}, as the launcher checks before adding it. */
  private static synchronized boolean jvmKnows(String option) {
    if (trimKnown == null) {
      try {
        Process p =
            new ProcessBuilder(
                    Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                    option,
                    "-version")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        trimKnown = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
      } catch (IOException | InterruptedException e) {
        trimKnown = false;
      }
    }
    return trimKnown;
  }

  /**
   * Runs a packaged distribution's launcher ({@code <dist>/bin/stacklens-agent ARGS}) with its own
   * default JVM options. The script replaces itself with java, so {@link #pid()} is the agent's
   * JVM.
   */
  public static AgentProcess startPackaged(
      Path distribution, Path workDir, Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(distribution.toAbsolutePath().resolve("bin").resolve("stacklens-agent").toString());
    command.addAll(List.of(args));
    return launch(command, workDir, env);
  }

  private static AgentProcess launch(List<String> command, Path workDir, Map<String, String> env)
      throws IOException {
    Path out = Files.createTempFile(workDir, "agent-", ".out");
    Path err = Files.createTempFile(workDir, "agent-", ".err");
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
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

  /**
   * The class path of the running test JVM, as surefire gives it (also with a manifest-only jar).
   */
  private static String classPath() {
    String surefire = System.getProperty("surefire.test.class.path");
    return surefire != null && !surefire.isBlank()
        ? surefire
        : System.getProperty("java.class.path");
  }

  /**
   * Waits for the start-up line {@code <receiver>: <transport> listening on host:port} and returns
   * the port.
   */
  public int awaitListening(String transport, Duration timeout) throws Exception {
    return awaitPort(
        Pattern.compile(Pattern.quote(transport) + " listening on [^\\s]*:(\\d+)"), timeout);
  }

  /**
   * Waits until standard error has a match of {@code line} and returns its first group as a port
   * number; fails when the agent exits first or {@code timeout} passes.
   */
  public int awaitPort(Pattern line, Duration timeout) throws Exception {
    return Integer.parseInt(awaitLine(line, timeout).group(1));
  }

  /**
   * Waits until standard error has a match of {@code line}; fails when the agent exits first or
   * {@code timeout} passes.
   */
  public Matcher awaitLine(Pattern line, Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      Matcher m = line.matcher(stderr());
      if (m.find()) return m;
      if (!process.isAlive())
        throw new AssertionError("agent exited with " + process.exitValue() + ":\n" + stderr());
      Thread.sleep(50);
    }
    throw new AssertionError(
        "agent did not log '" + line + "' within " + timeout + ":\n" + stderr());
  }

  public Process process() {
    return process;
  }

  /** The agent JVM's process id. */
  public long pid() {
    return process.pid();
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
