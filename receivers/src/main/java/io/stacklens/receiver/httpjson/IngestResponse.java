package io.stacklens.receiver.httpjson;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.stacklens.agent.http.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON answer to every request: {@code {"accepted": n, "rejected": m, "errors": [{"index": 3,
 * "field": "timestamp", "message": "..."}]}}, plus {@code "error"} saying why the request as a
 * whole was refused (4xx/5xx). At most {@value #MAX_ERRORS} errors are listed; {@code
 * "errors_omitted"} counts the rest.
 */
final class IngestResponse {
  static final int MAX_ERRORS = 100;
  private static final JsonFactory JSON = new JsonFactory();

  /** One listed problem; {@code index} -1 and {@code field} "" are left out. */
  record Problem(int index, String field, String message, int line, int column, long byteOffset) {
    static Problem of(int index, String field, String message) {
      return new Problem(index, field, message, -1, -1, -1);
    }
  }

  private final List<Problem> problems = new ArrayList<>();
  private int omitted;
  private int accepted;
  private int rejected;

  void reject(Problem problem) {
    rejected++;
    if (problems.size() < MAX_ERRORS) problems.add(problem);
    else omitted++;
  }

  /** Lists one more problem of a record already counted rejected. */
  void also(Problem problem) {
    if (problems.size() < MAX_ERRORS) problems.add(problem);
    else omitted++;
  }

  void accepted(int n) {
    accepted = n;
  }

  int rejected() {
    return rejected;
  }

  /** The first listed problem as "record N, field F: message", or "" when none. */
  String firstProblem() {
    if (problems.isEmpty()) return "";
    Problem p = problems.get(0);
    return "record "
        + p.index()
        + (p.field() == null || p.field().isEmpty() ? "" : ", field " + p.field())
        + ": "
        + p.message();
  }

  HttpResponse answer(int status) {
    return answer(status, null);
  }

  HttpResponse answer(int status, String error) {
    return HttpResponse.of(status, "application/json", body(error));
  }

  HttpResponse retryable(int status, String error, Duration retryAfter) {
    long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    return answer(status, error).withHeader("Retry-After", Long.toString(seconds));
  }

  /** A refusal of the whole request before any record was read. */
  static HttpResponse refusal(int status, String error) {
    return new IngestResponse().answer(status, error);
  }

  private byte[] body(String error) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("accepted", accepted);
      g.writeNumberField("rejected", rejected);
      if (error != null) g.writeStringField("error", error);
      g.writeArrayFieldStart("errors");
      for (Problem p : problems) {
        g.writeStartObject();
        if (p.index() >= 0) g.writeNumberField("index", p.index());
        if (p.field() != null && !p.field().isEmpty()) g.writeStringField("field", p.field());
        if (p.line() >= 0) {
          g.writeNumberField("line", p.line());
          g.writeNumberField("column", p.column());
          g.writeNumberField("byte_offset", p.byteOffset());
        }
        g.writeStringField("message", p.message());
        g.writeEndObject();
      }
      g.writeEndArray();
      if (omitted > 0) g.writeNumberField("errors_omitted", omitted);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
