package io.stacklens.processor.enrich;

import io.stacklens.agent.api.Durations;
import java.io.FileNotFoundException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.sql.SQLTimeoutException;
import java.time.Duration;

/** Turns failures into short error outcomes: a metric label and the text for enrichment.errors. */
final class Errors {
  private Errors() {}

  static Outcome outcome(Throwable e) {
    return outcome(e, null);
  }

  /** {@code timeout} is the configured limit, named in timeout messages when known. */
  static Outcome outcome(Throwable e, Duration timeout) {
    // The most telling exception may be a cause (HttpClient wraps ConnectException, executors wrap
    // everything).
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      Outcome o = known(t, timeout);
      if (o != null) return o;
    }
    Throwable t = e;
    while (t.getCause() != null
        && (t.getMessage() == null || t instanceof java.util.concurrent.ExecutionException)) {
      t = t.getCause();
    }
    if (t instanceof java.io.IOException) return Outcome.error("io", "i/o error: " + message(t));
    if (t instanceof java.sql.SQLException)
      return Outcome.error("failed", "query failed: " + message(t));
    return Outcome.error("failed", "lookup failed: " + message(t));
  }

  private static Outcome known(Throwable t, Duration timeout) {
    if (t instanceof HttpConnectTimeoutException)
      return Outcome.error("timeout", "connect timeout" + after(timeout));
    if (t instanceof HttpTimeoutException
        || t instanceof SocketTimeoutException
        || t instanceof SQLTimeoutException) {
      return Outcome.error("timeout", "timeout" + after(timeout));
    }
    if (t instanceof ConnectException)
      return Outcome.error("connection_refused", "connection refused");
    if (t instanceof UnknownHostException)
      return Outcome.error("unknown_host", "unknown host " + t.getMessage());
    if (t instanceof NoRouteToHostException) return Outcome.error("no_route", "no route to host");
    if (t instanceof FileNotFoundException)
      return Outcome.error("failed", "file not found: " + t.getMessage());
    return null;
  }

  static String after(Duration d) {
    return d == null ? "" : " after " + Durations.format(d);
  }

  private static String message(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }
}
