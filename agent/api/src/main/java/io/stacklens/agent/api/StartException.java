package io.stacklens.agent.api;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A component could not start because of one of its settings or what that setting points at (a file
 * it cannot write, a port in use), told so that the person running the agent can fix it: the
 * setting, what went wrong in plain words ({@link ErrorText}), and what to do. The runtime prints
 * it after the component's YAML path:
 *
 * <pre>
 * error: exporters.file.path: cannot open /var/log/x/out.jsonl for writing: permission denied; let the agent's user write to /var/log/x, or set another path
 * error: receivers.otlp.protocols.grpc.endpoint: cannot listen on 127.0.0.1:4317: address already in use; stop what uses port 4317, or choose another port
 * </pre>
 */
public final class StartException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The setting at fault, relative to the component; empty for the component as a whole. */
  private final String key;

  /**
   * @param key the setting at fault, relative to the component ({@code path}, {@code
   *     protocols.grpc.endpoint}), or empty for the component as a whole
   * @param message what went wrong and what to do, without the key
   */
  public StartException(String key, String message, Throwable cause) {
    super(message, cause);
    this.key = key == null ? "" : key;
  }

  /** The setting at fault, relative to the component's own section; empty when none is. */
  public String key() {
    return key;
  }

  /**
   * A server could not listen on {@code endpoint} ({@code host:port}), the value of {@code key}.
   */
  public static StartException cannotListen(String key, String endpoint, Throwable cause) {
    String reason = ErrorText.reason(cause);
    String port = endpoint == null ? "" : endpoint.substring(endpoint.lastIndexOf(':') + 1);
    String hint =
        switch (reason) {
          case "address already in use" ->
              "stop what uses port " + port + " (another agent?), or choose another port";
          case "the address is not one of this machine's" ->
              "use an address of this machine, 127.0.0.1, or 0.0.0.0 for every interface";
          case "permission denied" ->
              "ports below 1024 need privileges the agent does not have: choose a port from 1024 up";
          default ->
              reason.startsWith("unknown host")
                  ? "use an IP address or a host name this machine resolves"
                  : "check the endpoint";
        };
    return new StartException(
        key, "cannot listen on " + endpoint + ": " + reason + "; " + hint, cause);
  }

  /**
   * {@code path}, the value of {@code key}, could not be opened (or its directory made) for
   * writing.
   */
  public static StartException cannotWrite(String key, Path path, Throwable cause) {
    String reason = ErrorText.reason(cause);
    Path parent = path.toAbsolutePath().normalize().getParent();
    String hint;
    if (cause instanceof AccessDeniedException) {
      hint =
          "let the agent's user write to "
              + (parent == null ? path : parent)
              + " (under systemd: ReadWritePaths=), or set another "
              + key;
    } else if (cause instanceof FileAlreadyExistsException f
        && !Path.of(f.getFile()).equals(path)) {
      reason = f.getFile() + " is a file, not a directory";
      hint = "set " + key + " to a file in a directory";
    } else if (cause instanceof FileSystemException f
        && f.getReason() != null
        && f.getReason().toLowerCase(Locale.ROOT).contains("not a directory")) {
      reason = "a part of the path is a file, not a directory";
      hint = "set " + key + " to a file in a directory";
    } else if (cause instanceof FileSystemException f
        && f.getReason() != null
        && f.getReason().toLowerCase(Locale.ROOT).contains("is a directory")) {
      reason = "it is a directory";
      hint = "set " + key + " to a file name in it, e.g. " + path.resolve("out.jsonl");
    } else if (reason.startsWith("read-only file system")) {
      hint = "set " + key + " to a writable place (under systemd: add it to ReadWritePaths=)";
    } else if (cause instanceof NoSuchFileException) {
      hint = "create the directory, or set another " + key;
    } else {
      hint = "check the path and its directory";
    }
    return new StartException(
        key, "cannot open " + path + " for writing: " + reason + "; " + hint, cause);
  }
}
