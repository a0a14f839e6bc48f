package io.stacklens.receiver.otlp;

import com.google.protobuf.Message;
import com.google.rpc.Code;
import io.netty.handler.codec.http.HttpHeaders;
import io.stacklens.agent.http.HttpHandler;
import io.stacklens.agent.http.HttpRequest;
import io.stacklens.agent.http.HttpResponse;
import io.stacklens.agent.limits.DecodeBudget;
import io.stacklens.receiver.http.BodyDecoding;
import io.stacklens.receiver.otlp.StatusBodies.Encoding;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * OTLP/HTTP: {@code POST /v1/logs}, {@code /v1/traces}, {@code /v1/metrics} with protobuf or JSON
 * bodies, optionally gzip or zstd compressed. Answers in the request's encoding; every error
 * carries a {@code google.rpc.Status} body saying what is wrong.
 */
final class OtlpHttpHandler implements HttpHandler {
  private final BodyDecoding bodyDecoding;
  private static final Map<String, OtlpSignal<?, ?>> BY_PATH =
      Map.of(
          LogsSignal.INSTANCE.httpPath(), LogsSignal.INSTANCE,
          TracesSignal.INSTANCE.httpPath(), TracesSignal.INSTANCE,
          MetricsSignal.INSTANCE.httpPath(), MetricsSignal.INSTANCE);
  private static final String PATHS =
      String.join(", ", List.of("/v1/logs", "/v1/traces", "/v1/metrics"));

  private final OtlpIngest ingest;
  private final int maxBodyBytes;

  OtlpHttpHandler(OtlpIngest ingest, int maxBodyBytes) {
    this.ingest = ingest;
    this.maxBodyBytes = maxBodyBytes;
    this.bodyDecoding =
        new BodyDecoding(
            Map.of("gzip", BodyDecoding.Codec.GZIP, "zstd", BodyDecoding.Codec.ZSTD),
            bodyLimitKey());
  }

  @Override
  public CompletionStage<HttpResponse> handle(HttpRequest request) {
    return answer(request);
  }

  private String bodyLimitKey() {
    return "receivers." + ingest.receiver() + ".protocols.http.max_request_body_size";
  }

  @Override
  public HttpResponse bodyTooLarge(String method, String path, HttpHeaders headers, int limit) {
    return StatusBodies.error(
        413,
        Code.RESOURCE_EXHAUSTED,
        "request body is larger than the limit of " + limit + " bytes (" + bodyLimitKey() + ")",
        Encoding.ofContentType(headers.get("Content-Type")));
  }

  @Override
  public HttpResponse unauthenticated(String method, String path, HttpHeaders headers, String why) {
    return StatusBodies.error(
        401, Code.UNAUTHENTICATED, why, Encoding.ofContentType(headers.get("Content-Type")));
  }

  @Override
  public HttpResponse overloaded(String method, String path, HttpHeaders headers) {
    return StatusBodies.retryable(
        429,
        Code.RESOURCE_EXHAUSTED,
        DecodeBudget.memoryExhausted(ingest.memory()).getMessage(),
        Encoding.ofContentType(headers.get("Content-Type")),
        ingest.retryAfter());
  }

  private CompletionStage<HttpResponse> answer(HttpRequest request) {
    Encoding encoding = Encoding.ofContentType(request.header("Content-Type"));
    OtlpSignal<?, ?> signal = BY_PATH.get(request.path());
    if (signal == null) {
      return StatusBodies.error(
              404,
              Code.NOT_FOUND,
              "no OTLP endpoint at " + request.path() + "; use POST " + PATHS,
              encoding)
          .completed();
    }
    if (!request.method().equals("POST")) {
      return StatusBodies.error(
              405,
              Code.UNIMPLEMENTED,
              request.method() + " is not allowed on " + request.path() + "; use POST",
              encoding)
          .withHeader("Allow", "POST")
          .completed();
    }
    if (encoding == null) {
      return StatusBodies.error(
              415,
              Code.INVALID_ARGUMENT,
              "Content-Type '"
                  + request.header("Content-Type")
                  + "' is not supported; use application/x-protobuf or application/json",
              null)
          .completed();
    }
    return export(signal, request, encoding);
  }

  private <Q, R extends Message> CompletionStage<HttpResponse> export(
      OtlpSignal<Q, R> signal, HttpRequest request, Encoding encoding) {
    OtlpIngest.Result<R> early = ingest.refusalBeforeDecoding(signal);
    if (early != null) return toHttp(early, encoding).completed();
    BodyDecoding.Decoded body;
    try {
      body =
          bodyDecoding.decode(
              request.header("Content-Encoding"), request.body(), maxBodyBytes, ingest.memory());
    } catch (BodyDecoding.Failure e) {
      if (e.status() == 429) {
        ingest
            .metrics()
            .refusedRequest(signal.signal(), Transport.HTTP, "memory_limit", e.getMessage());
        return StatusBodies.retryable(
                429, Code.RESOURCE_EXHAUSTED, e.getMessage(), encoding, ingest.retryAfter())
            .completed();
      }
      Code code = e.status() == 413 ? Code.RESOURCE_EXHAUSTED : Code.INVALID_ARGUMENT;
      return StatusBodies.error(e.status(), code, e.getMessage(), encoding).completed();
    }
    try {
      return ingest
          .export(signal, body.bytes(), encoding == Encoding.JSON, Transport.HTTP)
          .thenApply(result -> toHttp(result, encoding));
    } finally {
      body.release();
    }
  }

  private HttpResponse toHttp(OtlpIngest.Result<?> result, Encoding encoding) {
    return switch (result.outcome()) {
      case ACCEPTED -> StatusBodies.message(200, result.response(), encoding);
      case PIPELINE_FULL, MEMORY_LIMIT ->
          StatusBodies.retryable(
              429, Code.RESOURCE_EXHAUSTED, result.message(), encoding, ingest.retryAfter());
      case SHUTTING_DOWN ->
          StatusBodies.retryable(
              503, Code.UNAVAILABLE, result.message(), encoding, ingest.retryAfter());
      case NO_PIPELINE -> StatusBodies.error(404, Code.UNIMPLEMENTED, result.message(), encoding);
      case MALFORMED ->
          StatusBodies.error(400, Code.INVALID_ARGUMENT, "body is " + result.message(), encoding);
      case TOO_LARGE ->
          StatusBodies.error(413, Code.RESOURCE_EXHAUSTED, result.message(), encoding);
    };
  }
}
