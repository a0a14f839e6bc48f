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
  private int next;

  private RequestPool(List<PreparedRequest> requests, RequestEncoder encoder) {
    this.requests = requests;
    this.encoder = encoder;
  }

  /** Builds the pool for {@code options}; the request bodies are encoded here, once. */
  static RequestPool build(LoadgenOptions options) {
    // gRPC sends the protobuf bytes as they are (gRPC compresses by itself with --gzip).
    RequestEncoder encoder =
        options.protocol() == Protocol.HTTP
            ? new RequestEncoder(options.encoding(), options.gzip())
            : new RequestEncoder(Encoding.PROTO, false);
    int distinct = Math.max(1, Math.min(MAX_DISTINCT, MAX_POOLED_RECORDS / options.batchSize()));
    LogRequestFactory factory = new LogRequestFactory(options.bodySize(), options.bodyFormat(), options.attributes(), 42);
    long now = System.currentTimeMillis() * 1_000_000L;
    List<PreparedRequest> requests = new ArrayList<>(distinct);
    for (int i = 0; i < distinct; i++) {
      ExportLogsServiceRequest message = factory.build(i, options.batchSize(), now);
      requests.add(prepare(message, options.batchSize(), encoder));
    }
    return new RequestPool(List.copyOf(requests), encoder);
  }

  /** The next full request; called by the single dispatcher thread only. */
  PreparedRequest next() {
    PreparedRequest request = requests.get(next);
    next = (next + 1) % requests.size();
    return request;
  }

  /** A request of the first {@code records} records of the next one (a run's last, short batch). */
  PreparedRequest nextPartial(int records) {
    ExportLogsServiceRequest message = LogRequestFactory.truncate(next().message(), records);
    return prepare(message, records, encoder);
  }

  int size() {
    return requests.size();
  }

  private static PreparedRequest prepare(
      ExportLogsServiceRequest message, int records, RequestEncoder encoder) {
    return new PreparedRequest(message, records, encoder.encode(message));
  }
}
