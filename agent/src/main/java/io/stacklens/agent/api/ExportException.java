package io.stacklens.agent.api;

/** A failed {@link Exporter#push}: retryable (try again later) or permanent (never will succeed). */
public final class ExportException extends Exception {
  private static final long serialVersionUID = 1L;
  private final boolean permanent;

  private ExportException(String message, Throwable cause, boolean permanent) {
    super(message, cause);
    this.permanent = permanent;
  }

  public static ExportException retryable(String message, Throwable cause) {
    return new ExportException(message, cause, false);
  }

  public static ExportException retryable(String message) {
    return new ExportException(message, null, false);
  }

  public static ExportException permanent(String message, Throwable cause) {
    return new ExportException(message, cause, true);
  }

  public static ExportException permanent(String message) {
    return new ExportException(message, null, true);
  }

  public boolean isPermanent() {
    return permanent;
  }
}
