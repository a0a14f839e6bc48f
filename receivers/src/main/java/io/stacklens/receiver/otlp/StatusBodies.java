package io.stacklens.receiver.otlp;

import com.google.rpc.Code;
import com.google.rpc.Status;
import io.stacklens.agent.http.HttpResponse;
import io.stacklens.agent.otlp.OtlpJson;
import java.time.Duration;

/**
 * OTLP/HTTP responses: messages in the request's encoding, errors as a {@code google.rpc.Status}
 * body.
 */
final class StatusBodies {
  private StatusBodies() {}

  /** The two OTLP/HTTP payload encodings. */
  enum Encoding {
    PROTOBUF("application/x-protobuf"),
    JSON("application/json");

    final String contentType;

    Encoding(String contentType) {
      this.contentType = contentType;
    }

    /**
     * The encoding of a {@code Content-Type} header (parameters ignored), or null when it is
     * neither.
     */
    static Encoding ofContentType(String header) {
      if (header == null) return null;
      int semicolon = header.indexOf(';');
      String type = (semicolon < 0 ? header : header.substring(0, semicolon)).trim();
      for (Encoding e : values()) {
        if (e.contentType.equalsIgnoreCase(type)) return e;
      }
      return null;
    }
  }

  static HttpResponse message(int status, com.google.protobuf.Message message, Encoding encoding) {
    byte[] body = encoding == Encoding.JSON ? OtlpJson.toJsonBytes(message) : message.toByteArray();
    return HttpResponse.of(status, encoding.contentType, body);
  }

  /** An error answer: {@code status} with a Status body of {@code code} and {@code text}. */
  static HttpResponse error(int status, Code code, String text, Encoding encoding) {
    Status body = Status.newBuilder().setCode(code.getNumber()).setMessage(text).build();
    return message(status, body, encoding == null ? Encoding.JSON : encoding);
  }

  /** A retryable error with {@code Retry-After} in whole seconds (rounded up). */
  static HttpResponse retryable(
      int status, Code code, String text, Encoding encoding, Duration retryAfter) {
    long seconds = (retryAfter.toMillis() + 999) / 1000;
    return error(status, code, text, encoding).withHeader("Retry-After", Long.toString(seconds));
  }
}
