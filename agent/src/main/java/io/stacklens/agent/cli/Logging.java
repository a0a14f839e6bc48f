package io.stacklens.agent.cli;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** One-line log output on stderr: {@code 2026-11-23T10:00:00.123Z INFO  otlp: listening on ...}. */
final class Logging {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private static volatile boolean stackTraces;

  private Logging() {}

  /** {@code level}: debug, info, warn, error. */
  static void configure(String level) {
    LogManager.getLogManager().reset();
    Logger root = Logger.getLogger("");
    Level l = switch (level.toLowerCase(Locale.ROOT)) {
      case "debug" -> Level.FINE;
      case "warn", "warning" -> Level.WARNING;
      case "error" -> Level.SEVERE;
      default -> Level.INFO;
    };
    // Not ConsoleHandler: re-pointing its stream would close System.err itself.
    Handler h = new Handler() {
      @Override
      public void publish(LogRecord r) {
        if (isLoggable(r)) System.err.print(getFormatter().format(r));
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
    stackTraces = l.intValue() <= Level.FINE.intValue();
    h.setLevel(l);
    h.setFormatter(new OneLine());
    root.addHandler(h);
    root.setLevel(l);
    // Third-party chatter (gRPC, Netty) only from WARNING up unless debugging.
    if (l.intValue() > Level.FINE.intValue()) {
      Logger.getLogger("io.grpc").setLevel(Level.WARNING);
      Logger.getLogger("io.netty").setLevel(Level.WARNING);
    }
  }

  private static final class OneLine extends Formatter {
    @Override
    public String format(LogRecord r) {
      String level = switch (r.getLevel().getName()) {
        case "SEVERE" -> "ERROR";
        case "WARNING" -> "WARN ";
        case "INFO" -> "INFO ";
        default -> "DEBUG";
      };
      StringBuilder sb = new StringBuilder(128)
          .append(TIME.format(Instant.ofEpochMilli(r.getMillis()))).append(' ').append(level).append(' ')
          .append(formatMessage(r)).append(System.lineSeparator());
      if (r.getThrown() != null && stackTraces) {
        java.io.StringWriter sw = new java.io.StringWriter();
        r.getThrown().printStackTrace(new java.io.PrintWriter(sw));
        sb.append(sw);
      } else if (r.getThrown() != null) {
        sb.append("    cause: ").append(r.getThrown()).append(System.lineSeparator());
      }
      return sb.toString();
    }
  }
}
