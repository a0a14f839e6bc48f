package io.stacklens.agent.cli;

import io.stacklens.agent.telemetry.RateLimitedLog;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The agent's log output: one line per record on stderr, {@code 2026-11-23T10:00:00.123Z INFO otlp:
 * listening on ...}, for everything that logs through {@code java.util.logging}: the agent ({@code
 * System.Logger}), gRPC and Netty, and SLF4J users such as kafka-clients (bound by {@code
 * slf4j-jdk14}).
 *
 * <p>Levels ({@code service.telemetry.logs}):
 *
 * <ul>
 *   <li>{@code level} sets the agent's own loggers ({@code io.stacklens});
 *   <li>every other logger stays at {@code info} (or at {@code level} when that is {@code warn} or
 *       {@code error}), so {@code level: debug} never turns on the DEBUG output of libraries:
 *       gRPC's and Netty's dump the HTTP/2 frames, payload bytes of users' telemetry included;
 *   <li>{@link #THIRD_PARTY_DEFAULTS} quiet the libraries whose INFO is noise (gRPC, Netty, Kafka);
 *   <li>{@code loggers} sets any logger by name ({@code io.netty: debug}), overriding all of the
 *       above for that logger and the loggers below it.
 * </ul>
 *
 * <p>A library's warnings and errors are rate-limited like the agent's refusals ({@link
 * RateLimitedLog}): one line per logger and message shape (digits aside) per minute, then a count.
 * A Kafka client that cannot reach its broker otherwise warns twice a second until it can.
 */
final class Logging {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /** The agent's own loggers: {@code logs.level} applies to these. */
  static final String AGENT_LOGGERS = "io.stacklens";

  /**
   * Libraries whose INFO lines are noise for an agent's operator, logged from WARN up unless {@code
   * loggers} names them: gRPC and Netty (channel life-cycle chatter), Kafka (a dump of every client
   * setting each time a consumer or producer is made, group membership steps; the agent logs joins
   * and failures itself).
   */
  static final Map<String, String> THIRD_PARTY_DEFAULTS =
      Map.of("io.grpc", "warn", "io.netty", "warn", "org.apache.kafka", "warn");

  private static volatile boolean stackTraces;

  /** Library warnings and errors: one line per logger and message shape per minute. */
  private static final RateLimitedLog LIBRARY_WARNINGS =
      RateLimitedLog.of(
          (level, line) ->
              System.err.print(
                  OneLine.head(Instant.now(), toJul(level)) + line + System.lineSeparator()),
          RateLimitedLog.DEFAULT_INTERVAL);

  private Logging() {}

  /**
   * Only {@code level} ({@code debug}, {@code info}, {@code warn}, {@code error}) for the agent's
   * loggers.
   */
  static void configure(String level) {
    configure(level, Map.of());
  }

  /**
   * {@code level} for the agent's loggers, {@code loggers} (name to level) for the named ones; see
   * the class comment for the rest.
   */
  static void configure(String level, Map<String, String> loggers) {
    Map<String, Level> levels = levels(level, loggers);
    StringBuilder properties = new StringBuilder("handlers=\n");
    levels.forEach(
        (name, l) -> properties.append(name).append(".level=").append(l.getName()).append('\n'));
    try {
      // Levels set through the configuration also reach loggers made later (a logger set with
      // setLevel
      // and then garbage-collected would lose its level).
      LogManager.getLogManager()
          .readConfiguration(
              new ByteArrayInputStream(
                  properties.toString().getBytes(StandardCharsets.ISO_8859_1)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // Not ConsoleHandler: re-pointing its stream would close System.err itself.
    Handler h =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            if (!isLoggable(r)) return;
            String logger = r.getLoggerName();
            if (r.getLevel().intValue() >= Level.WARNING.intValue() && !isAgentLogger(logger)) {
              OneLine f = (OneLine) getFormatter();
              LIBRARY_WARNINGS.log(
                  toSystem(r.getLevel()),
                  shape(logger, r.getLevel(), f.formatMessage(r)),
                  () -> f.body(r).stripTrailing());
            } else {
              System.err.print(getFormatter().format(r));
            }
          }

          @Override
          public void flush() {
            System.err.flush();
          }

          @Override
          public void close() {
            flush();
          }
        };
    stackTraces = levels.get(AGENT_LOGGERS).intValue() <= Level.FINE.intValue();
    h.setLevel(Level.ALL); // the loggers decide
    h.setFormatter(new OneLine());
    Logger.getLogger("").addHandler(h);
  }

  /**
   * The JUL level of every logger configured: {@code ""} (the root: every library), {@value
   * #AGENT_LOGGERS}, {@link #THIRD_PARTY_DEFAULTS} and {@code loggers}.
   */
  static Map<String, Level> levels(String level, Map<String, String> loggers) {
    Level agent = toJul(level);
    Level others = agent.intValue() > Level.INFO.intValue() ? agent : Level.INFO;
    Map<String, Level> levels = new LinkedHashMap<>();
    levels.put("", others);
    levels.put(AGENT_LOGGERS, agent);
    THIRD_PARTY_DEFAULTS.forEach(
        (name, l) -> {
          Level quiet = toJul(l);
          levels.put(name, quiet.intValue() > others.intValue() ? quiet : others);
        });
    loggers.forEach((name, l) -> levels.put(name, toJul(l)));
    return levels;
  }

  static boolean isAgentLogger(String name) {
    return name != null && (name.equals(AGENT_LOGGERS) || name.startsWith(AGENT_LOGGERS + "."));
  }

  /**
   * The rate-limit key of a library line: its logger, level and message with every number masked.
   */
  static String shape(String logger, Level level, String message) {
    String masked = message == null ? "" : message.replaceAll("[0-9]+", "#");
    return logger
        + ' '
        + level.getName()
        + ' '
        + (masked.length() > 160 ? masked.substring(0, 160) : masked);
  }

  private static System.Logger.Level toSystem(Level level) {
    return level.intValue() >= Level.SEVERE.intValue()
        ? System.Logger.Level.ERROR
        : System.Logger.Level.WARNING;
  }

  private static Level toJul(System.Logger.Level level) {
    return switch (level) {
      case ERROR -> Level.SEVERE;
      case WARNING -> Level.WARNING;
      case INFO -> Level.INFO;
      default -> Level.FINE;
    };
  }

  /**
   * {@code debug}, {@code info}, {@code warn}, {@code error} as JUL levels (validated by the
   * config).
   */
  static Level toJul(String level) {
    return switch (level.toLowerCase(Locale.ROOT)) {
      case "debug" -> Level.FINE;
      case "warn", "warning" -> Level.WARNING;
      case "error" -> Level.SEVERE;
      default -> Level.INFO;
    };
  }

  static final class OneLine extends Formatter {
    @Override
    public String format(LogRecord r) {
      return head(Instant.ofEpochMilli(r.getMillis()), r.getLevel()) + body(r);
    }

    /** {@code 2026-11-23T10:00:00.123Z INFO }. */
    static String head(Instant time, Level l) {
      String level =
          switch (l.getName()) {
            case "SEVERE" -> "ERROR";
            case "WARNING" -> "WARN ";
            case "INFO" -> "INFO ";
            default -> "DEBUG";
          };
      return TIME.format(time) + ' ' + level + ' ';
    }

    /**
     * The message (a library's prefixed with its logger's name) and the cause, ending with a line
     * separator.
     */
    String body(LogRecord r) {
      StringBuilder sb = new StringBuilder(128);
      // The agent's messages name their component; a library's are prefixed with the logger's name.
      String logger = r.getLoggerName();
      if (logger != null && !logger.isEmpty() && !isAgentLogger(logger))
        sb.append(logger).append(": ");
      sb.append(formatMessage(r)).append(System.lineSeparator());
      if (r.getThrown() != null && stackTraces) {
        java.io.StringWriter sw = new java.io.StringWriter();
        r.getThrown().printStackTrace(new java.io.PrintWriter(sw));
        sb.append(sw);
      } else if (r.getThrown() != null) {
        // Without class names; logs.level: debug prints the stack trace instead.
        sb.append("    cause: ")
            .append(io.stacklens.agent.api.ErrorText.message(r.getThrown()))
            .append(System.lineSeparator());
      }
      return sb.toString();
    }
  }
}
