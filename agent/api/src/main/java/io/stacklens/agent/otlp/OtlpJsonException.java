package io.stacklens.agent.otlp;

/** An OTLP/JSON payload that cannot be decoded; the message names the JSON path and line:column. */
public final class OtlpJsonException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public OtlpJsonException(String message) {
    super(message);
  }

  public OtlpJsonException(String message, Throwable cause) {
    super(message, cause);
  }
}
