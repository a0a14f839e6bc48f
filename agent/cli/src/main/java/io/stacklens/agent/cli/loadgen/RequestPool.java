package io.stacklens.agent.cli.loadgen;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * A small set of distinct requests built and encoded once, handed out round-robin, so that sending
 * costs no message building or encoding. Timestamps are those of the moment the pool was built.
 */
final class RequestPool {
  /** Distinct requests at most; fewer when requests are large (the pool holds ~200k records). */
  static final int MAX_DISTINCT = 16;

  private static final int MAX_POOLED_RECORDS = 200_000;

  private final List<PreparedRequest> requests;
  private final RequestEncoder encoder;

  /**
   * With unique records: how far each round through the pool moves the times (their span in a
   * request).
   */
  private final long roundNanos;

  private int next;
  private long round;

  private RequestPool(List<PreparedRequest> requests, RequestEncoder encoder, long roundNanos) {
    this.requests = requests;
    this.encoder = encoder;
    this.roundNanos = roundNanos;
  }

  /** Builds the pool for {@code options}; the request bodies are encoded here, once. */
  static RequestPool build(LoadgenOptions options) {
    // gRPC sends the protobuf bytes as they are (gRPC compresses by itself with --gzip).
    RequestEncoder encoder =
        options.protocol() == Protocol.HTTP
            ? new RequestEncoder(options.encoding(), options.gzip())
            : new RequestEncoder(Encoding.PROTO, false);
    int distinct = Math.max(1, Math.min(MAX_DISTINCT, MAX_POOLED_RECORDS / options.batchSize()));
    LogRequestFactory factory =
        new LogRequestFactory(options.bodySize(), options.bodyFormat(), options.attributes(), 42);
    long now = System.currentTimeMillis() * 1_000_000L;
    List<PreparedRequest> requests = new ArrayList<>(distinct);
    for (int i = 0; i < distinct; i++) {
      ExportLogsServiceRequest message = factory.build(i, options.batchSize(), now);
      PreparedRequest request = prepare(message, options.batchSize(), encoder);
      if (options.uniqueRecords()) {
        request =
            new PreparedRequest(
                message,
                request.records(),
                request.body(),
                TimeFields.offsets(message, request.body()));
      }
      requests.add(request);
    }
    // Records of one request are 1 us apart (LogRequestFactory): a round moves past all of them.
    long roundNanos = options.uniqueRecords() ? options.batchSize() * 1_000L : 0;
    return new RequestPool(List.copyOf(requests), encoder, roundNanos);
  }

  /**
   * The next full request; called by the single dispatcher thread only. With unique records, each
   * round through the pool sends the requests with their times moved past every earlier round's.
   */
  PreparedRequest next() {
    PreparedRequest request = requests.get(next);
    long shift = round * roundNanos;
    if (++next == requests.size()) {
      next = 0;
      round++;
    }
    return roundNanos == 0 || shift == 0 ? request : request.stamped(shift);
  }

  /** A request of the first {@code records} records of the next one (a run's last, short batch). */
  PreparedRequest nextPartial(int records) {
    long shift = round * roundNanos;
    ExportLogsServiceRequest message = LogRequestFactory.truncate(next().message(), records);
    PreparedRequest request = prepare(message, records, encoder);
    if (roundNanos == 0 || shift == 0) return request;
    return new PreparedRequest(
            message, records, request.body(), TimeFields.offsets(message, request.body()))
        .stamped(shift);
  }

  int size() {
    return requests.size();
  }

  private static PreparedRequest prepare(
      ExportLogsServiceRequest message, int records, RequestEncoder encoder) {
    return new PreparedRequest(message, records, encoder.encode(message));
  }
}
