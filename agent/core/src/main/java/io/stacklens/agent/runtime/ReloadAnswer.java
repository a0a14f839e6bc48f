package io.stacklens.agent.runtime;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.stacklens.agent.config.ConfigProblem;
import io.stacklens.agent.http.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The admin endpoint's answer to {@code POST /reload}: 200 when the new config runs (applied or
 * unchanged), 400 when it is invalid (its errors listed), 409 when a component could not be built
 * or started. The body is JSON: {@code result}, {@code config_hash} (of the config in force after
 * the reload), {@code message}, {@code changes}, {@code errors} and {@code warnings} (each {@code
 * file:line:column: path: message}).
 */
final class ReloadAnswer {
  private static final JsonFactory JSON = new JsonFactory();

  private ReloadAnswer() {}

  static HttpResponse of(ReloadResult result, String configHash) {
    int status =
        switch (result.outcome()) {
          case APPLIED, UNCHANGED -> 200;
          case INVALID -> 400;
          case FAILED -> 409;
        };
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("result", result.outcome().id());
      g.writeStringField("config_hash", configHash);
      g.writeStringField("message", result.message());
      g.writeArrayFieldStart("changes");
      for (String change : result.changes()) g.writeString(change);
      g.writeEndArray();
      g.writeArrayFieldStart("errors");
      for (ConfigProblem p : result.problems()) if (p.isError()) g.writeString(p.toString());
      g.writeEndArray();
      g.writeArrayFieldStart("warnings");
      for (ConfigProblem p : result.problems()) if (!p.isError()) g.writeString(p.toString());
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return HttpResponse.of(status, "application/json", out.toByteArray());
  }
}
