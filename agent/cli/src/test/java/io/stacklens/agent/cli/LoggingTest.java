package io.stacklens.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code service.telemetry.logs}: {@code level} is the agent's; libraries stay at INFO (gRPC, Netty
 * and Kafka at WARN) unless named in {@code loggers}, so {@code level: debug} never dumps HTTP/2
 * frames.
 */
class LoggingTest {
  /**
   * grpc-netty's frame logger: at DEBUG it writes every DATA frame, users' payload bytes in hex.
   */
  private static final String GRPC_FRAMES = "io.grpc.netty.shaded.io.grpc.netty.NettyServerHandler";

  private static final String NETTY_WIRE = "io.netty.handler.logging.LoggingHandler";

  @AfterEach
  void restoreDefaultLogging() throws Exception {
    LogManager.getLogManager().readConfiguration();
  }

  @Test
  void debugTurnsOnTheAgentsLoggersOnlyNotTheLibrariesFrameDumps() {
    Logging.configure("debug", Map.of());
    assertThat(Logger.getLogger("io.stacklens.agent.receiver.otlp").isLoggable(Level.FINE))
        .isTrue();
    assertThat(Logger.getLogger("io.stacklens.agent.http.RequestDispatcher").isLoggable(Level.FINE))
        .isTrue();
    assertThat(Logger.getLogger(GRPC_FRAMES).isLoggable(Level.FINE)).isFalse();
    assertThat(Logger.getLogger(NETTY_WIRE).isLoggable(Level.FINE)).isFalse();
    assertThat(Logger.getLogger("org.postgresql.core.v3.QueryExecutorImpl").isLoggable(Level.FINE))
        .isFalse();
    assertThat(Logger.getLogger("org.postgresql.Driver").isLoggable(Level.INFO)).isTrue();
    assertThat(
            Logger.getLogger("org.apache.kafka.clients.consumer.ConsumerConfig")
                .isLoggable(Level.INFO))
        .as("Kafka's INFO (a dump of every client setting) is noise")
        .isFalse();
    assertThat(Logger.getLogger("org.apache.kafka.clients.NetworkClient").isLoggable(Level.WARNING))
        .isTrue();
  }

  @Test
  void aLoggerNamedInLoggersGetsItsLevelAndSoDoTheLoggersBelowIt() {
    Logging.configure(
        "info",
        Map.of(
            "io.netty",
            "debug",
            "org.apache.kafka",
            "info",
            "io.stacklens.agent.exporter",
            "warn"));
    assertThat(Logger.getLogger(NETTY_WIRE).isLoggable(Level.FINE)).isTrue();
    assertThat(Logger.getLogger(GRPC_FRAMES).isLoggable(Level.FINE))
        .as("gRPC's shaded Netty is not io.netty")
        .isFalse();
    assertThat(
            Logger.getLogger("org.apache.kafka.clients.consumer.ConsumerConfig")
                .isLoggable(Level.INFO))
        .isTrue();
    assertThat(Logger.getLogger("io.stacklens.agent.exporter.file").isLoggable(Level.INFO))
        .isFalse();
    assertThat(Logger.getLogger("io.stacklens.agent.receiver.otlp").isLoggable(Level.INFO))
        .isTrue();
  }

  @Test
  void warnAndErrorQuietTheLibrariesToo() {
    Logging.configure("error", Map.of());
    assertThat(Logger.getLogger("io.stacklens.agent.runtime.Agent").isLoggable(Level.WARNING))
        .isFalse();
    assertThat(Logger.getLogger("org.postgresql.Driver").isLoggable(Level.WARNING)).isFalse();
    assertThat(Logger.getLogger("io.grpc.Server").isLoggable(Level.SEVERE)).isTrue();
  }

  @Test
  void levelsAreKeptForLoggersMadeLaterAndAfterGarbageCollection() {
    Logging.configure("info", Map.of("com.example.lib", "debug"));
    System.gc();
    assertThat(Logger.getLogger("com.example.lib.made.later").isLoggable(Level.FINE)).isTrue();
    assertThat(Logger.getLogger("io.netty.made.later").isLoggable(Level.INFO)).isFalse();
  }

  @Test
  void aLibrarysRepeatedWarningIsWrittenOnceAMinuteWithItsLoggerName() {
    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      Logging.configure("info", Map.of());
      Logger kafka = Logger.getLogger("org.apache.kafka.clients.NetworkClient");
      for (int attempt = 1; attempt <= 5; attempt++) {
        kafka.warning(
            "[Consumer clientId=stacklens-kafka-0] Connection to node -1 (/127.0.0.1:9092) could not be established"
                + " (attempt "
                + attempt
                + ")");
      }
      Logger.getLogger("io.stacklens.agent.receiver.kafka").warning("kafka: own warning");
      Logger.getLogger("io.stacklens.agent.receiver.kafka").warning("kafka: own warning");
      io.stacklens.agent.telemetry.RateLimitedLog.flushAll();
    } finally {
      System.setErr(stderr);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    assertThat(out.lines().filter(l -> l.contains("could not be established")))
        .containsExactly(
            out.lines().filter(l -> l.contains("(attempt 1)")).findFirst().orElseThrow(),
            out.lines()
                .filter(l -> l.contains("(attempt 5) (4 more like this in the last 60s)"))
                .findFirst()
                .orElseThrow());
    assertThat(out)
        .containsPattern(
            "(?m)^\\S+Z WARN  org\\.apache\\.kafka\\.clients\\.NetworkClient: \\[Consumer");
    assertThat(out.lines().filter(l -> l.endsWith("WARN  kafka: own warning")))
        .as("the agent's own lines are not limited here")
        .hasSize(2);
  }
}
