package io.stacklens.receiver.httpjson;

import io.netty.handler.codec.http.HttpHeaders;
import io.stacklens.agent.api.Admission;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.data.Acknowledgement;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.MemoryLimiter;
import io.stacklens.agent.http.HttpHandler;
import io.stacklens.agent.http.HttpRequest;
import io.stacklens.agent.http.HttpResponse;
import io.stacklens.agent.json.JsonValueReader;
import io.stacklens.agent.limits.DecodeBudget;
import io.stacklens.agent.limits.DecodeLimitException;
import io.stacklens.agent.limits.DecodeLimits;
import io.stacklens.receiver.http.BodyDecoding;
import io.stacklens.receiver.httpjson.IngestMetrics.RequestRefusal;
import io.stacklens.receiver.httpjson.IngestResponse.Problem;
import io.stacklens.receiver.json.FieldError;
import io.stacklens.receiver.json.JsonRecordMapper;
import io.stacklens.receiver.json.LogsBatchAssembler;
import io.stacklens.receiver.json.MappedRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST <path>} with a JSON object, an array of objects or NDJSON: maps every record, hands
 * the valid ones to the logs pipeline as one batch, and answers what became of each (see
 * docs/receivers/http_json.md for the statuses).
 */
final class HttpJsonHandler implements HttpHandler {
  private final BodyDecoding bodyDecoding;
  private final String receiver;
  private final String path;
  private final int maxBodyBytes;
  private final Duration retryAfter;
  private final JsonRecordMapper mapper;
  private final Consumer consumer;
  private final IngestMetrics metrics;
  private final JsonValueReader reader;
  private volatile MemoryLimiter memory = MemoryLimiter.unlimited();
  private volatile boolean stopping;

  HttpJsonHandler(
      String receiver, HttpJsonReceiverConfig config, Consumer consumer, IngestMetrics metrics) {
    this.receiver = receiver;
    this.path = config.path;
    this.maxBodyBytes = (int) config.maxRequestBodySize.bytes();
    this.retryAfter = config.retryAfter;
    this.mapper = new JsonRecordMapper(config.mapping);
    this.bodyDecoding =
        new BodyDecoding(
            Map.of("gzip", BodyDecoding.Codec.GZIP, "x-gzip", BodyDecoding.Codec.GZIP),
            "receivers." + receiver + ".max_request_body_size");
    this.reader =
        JsonValueReader.of(DecodeLimits.of("receivers." + receiver + ".limits", config.limits));
    this.consumer = consumer;
    this.metrics = metrics;
  }

  /** The agent's memory budget, known once the receiver starts. */
  void useMemoryLimiter(MemoryLimiter limiter) {
    this.memory = limiter;
  }

  /** From now on every request is answered 503. */
  void stopAccepting() {
    stopping = true;
  }

  @Override
  public CompletionStage<HttpResponse> handle(HttpRequest request) {
    return answer(request);
  }

  @Override
  public HttpResponse bodyTooLarge(String method, String path, HttpHeaders headers, int limit) {
    metrics.request(RequestRefusal.TOO_LARGE);
    return IngestResponse.refusal(
        413,
        "request body is larger than the limit of "
            + limit
            + " bytes (receivers."
            + receiver
            + ".max_request_body_size)");
  }

  @Override
  public HttpResponse overloaded(String method, String path, HttpHeaders headers) {
    return new IngestResponse()
        .retryable(
            429,
            DecodeBudget.memoryExhausted(memory).getMessage() + "; nothing was accepted",
            retryAfter);
  }

  private CompletionStage<HttpResponse> answer(HttpRequest request) {
    if (!request.path().equals(path)) {
      metrics.request(RequestRefusal.BAD_REQUEST);
      return IngestResponse.refusal(
              404, "nothing at " + request.path() + "; POST records to " + path)
          .completed();
    }
    if (!request.method().equals("POST")) {
      metrics.request(RequestRefusal.BAD_REQUEST);
      return IngestResponse.refusal(
              405, request.method() + " is not allowed on " + path + "; use POST")
          .withHeader("Allow", "POST")
          .completed();
    }
    if (stopping) {
      return new IngestResponse()
          .retryable(503, "receiver " + receiver + " is shutting down; retry later", retryAfter)
          .completed();
    }
    if (consumer == null) {
      return IngestResponse.refusal(
              404,
              "no logs pipeline takes records from receiver "
                  + receiver
                  + "; add it to a logs pipeline in service.pipelines")
          .completed();
    }
    Boolean ndjson = ndjson(request.header("Content-Type"));
    if (ndjson == null) {
      metrics.request(RequestRefusal.UNSUPPORTED_MEDIA_TYPE);
      return IngestResponse.refusal(
              415,
              "Content-Type '"
                  + request.header("Content-Type")
                  + "' is not supported; use application/json (an object or an array of objects) or application/x-ndjson")
          .completed();
    }
    BodyDecoding.Decoded body;
    try {
      body =
          bodyDecoding.decode(
              request.header("Content-Encoding"), request.body(), maxBodyBytes, memory);
    } catch (BodyDecoding.Failure e) {
      if (e.status() == 429) {
        metrics.request(RequestRefusal.MEMORY_LIMIT, e.getMessage());
        return new IngestResponse().retryable(429, e.getMessage(), retryAfter).completed();
      }
      metrics.request(
          e.status() == 413
              ? RequestRefusal.TOO_LARGE
              : e.status() == 415
                  ? RequestRefusal.UNSUPPORTED_MEDIA_TYPE
                  : RequestRefusal.MALFORMED_BODY);
      return IngestResponse.refusal(e.status(), e.getMessage()).completed();
    }
    try {
      return ingest(body.bytes(), ndjson);
    } finally {
      body.release();
    }
  }

  private CompletionStage<HttpResponse> ingest(byte[] body, boolean ndjson) {
    if (memory.isExhausted()) {
      DecodeLimitException e = DecodeBudget.memoryExhausted(memory);
      metrics.request(RequestRefusal.MEMORY_LIMIT, e.getMessage());
      return new IngestResponse().retryable(429, e.getMessage(), retryAfter).completed();
    }
    IngestResponse response = new IngestResponse();
    LogsBatchAssembler batch = new LogsBatchAssembler();
    Instant now = Instant.now();
    long observed = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    DecodeBudget budget = new DecodeBudget(reader.limits(), memory);
    Map<String, Long> rejectedBy = new LinkedHashMap<>();
    RequestRecords.Sink sink =
        new RequestRecords.Sink() {
          @Override
          public void record(int index, Attributes object) {
            MappedRecord mapped = mapper.map(object, observed);
            if (mapped.ok()) {
              batch.add(mapped);
              return;
            }
            List<FieldError> errors = mapped.errors();
            response.reject(Problem.of(index, errors.get(0).field(), errors.get(0).message()));
            for (int e = 1; e < errors.size(); e++)
              response.also(Problem.of(index, errors.get(e).field(), errors.get(e).message()));
            rejectedBy.merge(IngestMetrics.INVALID_RECORD, 1L, Long::sum);
          }

          @Override
          public void rejected(int index, String reason, FieldError error) {
            response.reject(Problem.of(index, error.field(), error.message()));
            rejectedBy.merge(reason, 1L, Long::sum);
          }
        };
    try {
      RequestRecords.split(body, ndjson, reader, budget, sink);
    } catch (RequestRecords.Malformed e) {
      budget.release();
      metrics.request(RequestRefusal.MALFORMED_BODY, e.getMessage());
      IngestResponse r = new IngestResponse();
      r.also(
          new Problem(
              e.index,
              "",
              e.cause.reason(),
              e.cause.line(),
              e.cause.column(),
              e.cause.byteOffset()));
      return r.answer(
              400,
              e.getMessage()
                  + (e.index > 0 ? " (in record " + e.index + ")" : "")
                  + "; nothing was accepted")
          .completed();
    } catch (DecodeLimitException e) {
      budget.release();
      if (e.retryable()) {
        metrics.request(RequestRefusal.MEMORY_LIMIT, e.getMessage());
        return new IngestResponse().retryable(429, e.getMessage(), retryAfter).completed();
      }
      metrics.limit(e.reason(), e.getMessage());
      return IngestResponse.refusal(413, e.getMessage() + "; nothing was accepted").completed();
    }
    rejectedBy.forEach((reason, n) -> metrics.rejected(reason, n, response.firstProblem()));
    if (response.rejected() == 0 && batch.recordCount() == 0) {
      budget.release();
      metrics.request(RequestRefusal.MALFORMED_BODY, "the body holds no records");
      return IngestResponse.refusal(
              400, "the body holds no records; send a JSON object, an array of objects or NDJSON")
          .completed();
    }
    int records = batch.recordCount();
    if (records == 0) {
      budget.release();
      return response
          .answer(400, "no record is usable: all " + response.rejected() + " rejected")
          .completed();
    }
    LogsBatch logs = batch.batch();
    budget.handOver(logs);
    Acknowledgement ack = Acknowledgement.attachTo(logs);
    Admission admission = consumer.consume(logs);
    switch (admission) {
      case ACCEPTED -> {
        metrics.accepted(records);
        ack.done(); // the receiver's own party: what is left is the pipeline's
        return ack.answer()
            .thenApply(
                held -> {
                  if (held != Acknowledgement.Outcome.DONE) {
                    return response.retryable(
                        held == Acknowledgement.Outcome.TIMED_OUT ? 429 : 503,
                        Acknowledgement.describe(held, "logs"),
                        retryAfter);
                  }
                  response.accepted(records);
                  return response.answer(200);
                });
      }
      case REFUSED_FULL -> {
        logs.releaseMemory();
        metrics.refused(admission, records);
        return response
            .retryable(
                429,
                "the logs pipeline is full; retry after " + retryAfter.toMillis() + "ms",
                retryAfter)
            .completed();
      }
      default -> {
        logs.releaseMemory();
        metrics.refused(admission, records);
        return response
            .retryable(503, "the logs pipeline is shutting down; retry later", retryAfter)
            .completed();
      }
    }
  }

  /**
   * True for an NDJSON media type, false for {@code application/json} (shape detected from the
   * body), null for anything else. Parameters ({@code charset}) are ignored.
   */
  static Boolean ndjson(String contentType) {
    if (contentType == null) return null;
    int semicolon = contentType.indexOf(';');
    String type =
        (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
            .trim()
            .toLowerCase(Locale.ROOT);
    return switch (type) {
      case "application/json" -> false;
      case "application/x-ndjson",
          "application/ndjson",
          "application/jsonl",
          "application/x-jsonlines" ->
          true;
      default -> null;
    };
  }
}
