package io.stacklens.agent.api;

import java.net.BindException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.ReadOnlyFileSystemException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What went wrong, in words for the person running the agent: {@code permission denied}, {@code
 * address already in use}, {@code /etc/hostname is not a directory}, never a Java exception class
 * name. For messages that end up in front of users (start failures, log lines).
 */
public final class ErrorText {
  /**
   * A leading {@code java.nio.file.AccessDeniedException: } (one or more), as {@code
   * Throwable.toString} writes them.
   */
  private static final Pattern CLASS_PREFIX =
      Pattern.compile("^(?:(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error)(?::\\s*|$))+");

  /** {@code : java.nio.file.AccessDeniedException: } inside a message. */
  private static final Pattern EMBEDDED_CLASS =
      Pattern.compile(": (?:(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error): )+");

  private ErrorText() {}

  /**
   * The most telling reason in {@code error}'s cause chain: the operating system's word for a file
   * or socket failure, else the first message that says something, without class names. Never
   * empty.
   */
  public static String reason(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String known = known(t);
      if (known != null) return known;
    }
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = withoutClassNames(t.getMessage());
      if (!m.isEmpty()) return m;
    }
    return "an unexpected error (set service.telemetry.logs.level: debug for the details)";
  }

  /**
   * The first message in {@code error}'s cause chain that says something, without class names: for
   * errors whose own message already explains (a component's "geoip.city_database: database file
   * ... does not exist"). Falls back to {@link #reason}.
   */
  public static String message(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = withoutClassNames(t.getMessage());
      if (!m.isEmpty()) return m;
    }
    return reason(error);
  }

  /**
   * {@code message} without the {@code some.package.SomeException: } that {@code
   * Throwable.toString} writes, at its start or after a {@code ": "} inside it.
   */
  public static String withoutClassNames(String message) {
    if (message == null) return "";
    String m = CLASS_PREFIX.matcher(message.strip()).replaceFirst("");
    return EMBEDDED_CLASS.matcher(m).replaceAll(": ").strip();
  }

  private static String known(Throwable t) {
    if (t instanceof BindException) return socket(t.getMessage());
    if (t instanceof UnknownHostException)
      return "unknown host" + (t.getMessage() == null ? "" : " '" + t.getMessage() + "'");
    if (t instanceof UnresolvedAddressException) return "unknown host";
    if (t instanceof ConnectException) return socket(t.getMessage());
    if (t instanceof AccessDeniedException) return "permission denied";
    if (t instanceof ReadOnlyFileSystemException) return "read-only file system";
    if (t instanceof NoSuchFileException f)
      return "no such file or directory" + (f.getFile() == null ? "" : ": " + f.getFile());
    if (t instanceof NotDirectoryException f) return f.getFile() + " is not a directory";
    if (t instanceof FileAlreadyExistsException f) return f.getFile() + " already exists";
    if (t instanceof FileSystemException f && f.getReason() != null) {
      return lower(f.getReason()) + (f.getFile() == null ? "" : ": " + f.getFile());
    }
    // Netty's native transports and some JDK paths report bind failures as a plain socket
    // exception.
    if (t instanceof java.net.SocketException && t.getMessage() != null) {
      String m = t.getMessage().toLowerCase(Locale.ROOT);
      if (m.contains("address already in use") || m.contains("cannot assign requested address"))
        return socket(t.getMessage());
    }
    return null;
  }

  private static String socket(String message) {
    if (message == null) return "cannot use the address";
    String m = message.toLowerCase(Locale.ROOT);
    if (m.contains("address already in use")) return "address already in use";
    if (m.contains("cannot assign requested address"))
      return "the address is not one of this machine's";
    if (m.contains("permission denied")) return "permission denied";
    if (m.contains("connection refused")) return "connection refused";
    return lower(withoutClassNames(message));
  }

  private static String lower(String s) {
    return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }
}
