package io.stacklens.agent.cli.loadgen;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything that shapes one load-generator run. Plain data; {@link #validate()} lists every
 * problem.
 *
 * @param endpoint {@code host:port} for gRPC; {@code host:port} or a URL for HTTP (path defaults to
 *     {@code /v1/logs}). Default {@link Protocol#defaultEndpoint()}.
 * @param protocol transport, default {@link Protocol#GRPC}
 * @param encoding HTTP body encoding, default {@link Encoding#PROTO}; must be PROTO for gRPC
 * @param gzip compress request bodies, default false
 * @param rate records per second over all connections; 0 (default) sends as fast as the server
 *     answers
 * @param batchSize records per request, default 100
 * @param concurrency requests in flight at once (a request waiting to be retried counts), default 4
 * @param bodySize bytes of each log record body, default 200
 * @param bodyFormat what the bodies hold, default {@link BodyFormat#TEXT}
 * @param attributes attributes per log record, default 5
 * @param records records to send in total; 0 (default) sends until {@code duration} has passed
 * @param duration how long to send; {@link Duration#ZERO} means no time limit (needs {@code
 *     records})
 * @param requestTimeout deadline of one request attempt, default 10 s
 * @param drainTimeout after sending stops, how long to wait for requests still in flight, default
 *     30 s
 * @param reportInterval how often a progress line is printed, default 5 s; zero disables it
 * @param uniqueRecords stamp each sent request's records with times no earlier send used, so no two
 *     records of a run are equal (for sinks that deduplicate, such as the postgres exporter's
 *     exactly-once ids); needs protobuf bodies without {@code --gzip}. Default false
 */
public record LoadgenOptions(
    String endpoint,
    Protocol protocol,
    Encoding encoding,
    boolean gzip,
    double rate,
    int batchSize,
    int concurrency,
    int bodySize,
    BodyFormat bodyFormat,
    int attributes,
    long records,
    Duration duration,
    Duration requestTimeout,
    Duration drainTimeout,
    Duration reportInterval,
    boolean uniqueRecords) {

  public static final int DEFAULT_BATCH_SIZE = 100;
  public static final int DEFAULT_CONCURRENCY = 4;
  public static final int DEFAULT_BODY_SIZE = 200;
  public static final int DEFAULT_ATTRIBUTES = 5;
  public static final Duration DEFAULT_DURATION = Duration.ofSeconds(60);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_REPORT_INTERVAL = Duration.ofSeconds(5);

  /** The defaults: gRPC to 127.0.0.1:4317, 100 records per request, 4 in flight, 60 s, unpaced. */
  public static LoadgenOptions defaults() {
    return new LoadgenOptions(
        Protocol.GRPC.defaultEndpoint(),
        Protocol.GRPC,
        Encoding.PROTO,
        false,
        0,
        DEFAULT_BATCH_SIZE,
        DEFAULT_CONCURRENCY,
        DEFAULT_BODY_SIZE,
        BodyFormat.TEXT,
        DEFAULT_ATTRIBUTES,
        0,
        DEFAULT_DURATION,
        DEFAULT_REQUEST_TIMEOUT,
        DEFAULT_DRAIN_TIMEOUT,
        DEFAULT_REPORT_INTERVAL,
        false);
  }

  /** Every problem with these options, each naming the command-line option; empty when valid. */
  public List<String> validate() {
    List<String> problems = new ArrayList<>();
    if (endpoint == null || endpoint.isBlank()) {
      problems.add("--endpoint: must not be empty");
    }
    if (protocol == Protocol.GRPC && encoding == Encoding.JSON) {
      problems.add("--encoding: json is only supported with --protocol http");
    }
    if (!(rate >= 0) || Double.isInfinite(rate)) {
      problems.add("--rate: must be a number >= 0 (0 = as fast as possible), was " + rate);
    }
    if (batchSize < 1) {
      problems.add("--batch-size: must be >= 1, was " + batchSize);
    }
    if (concurrency < 1) {
      problems.add("--concurrency: must be >= 1, was " + concurrency);
    }
    if (bodySize < 0) {
      problems.add("--body-size: must be >= 0, was " + bodySize);
    }
    if (bodyFormat == null) {
      problems.add("--body-format: must be text or json");
    }
    if (attributes < 0) {
      problems.add("--attributes: must be >= 0, was " + attributes);
    }
    if (records < 0) {
      problems.add("--records: must be >= 0 (0 = until --duration), was " + records);
    }
    if (duration == null || duration.isNegative()) {
      problems.add("--duration: must be >= 0, was " + duration);
    } else if (duration.isZero() && records == 0) {
      problems.add("--duration: 0 (no time limit) needs --records > 0, or the run would never end");
    }
    if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
      problems.add("--timeout: must be > 0, was " + requestTimeout);
    }
    if (drainTimeout == null || drainTimeout.isNegative()) {
      problems.add("--drain-timeout: must be >= 0, was " + drainTimeout);
    }
    if (uniqueRecords && (gzip || (protocol == Protocol.HTTP && encoding != Encoding.PROTO))) {
      problems.add(
          "--unique-records: needs protobuf bodies without --gzip (it rewrites the encoded times)");
    }
    if (reportInterval == null || reportInterval.isNegative()) {
      problems.add("report interval: must be >= 0, was " + reportInterval);
    }
    return problems;
  }

  public LoadgenOptions withEndpoint(String value) {
    return new LoadgenOptions(
        value,
        protocol,
        encoding,
        gzip,
        rate,
        batchSize,
        concurrency,
        bodySize,
        bodyFormat,
        attributes,
        records,
        duration,
        requestTimeout,
        drainTimeout,
        reportInterval,
        uniqueRecords);
  }

  public LoadgenOptions withProtocol(Protocol value) {
    return new LoadgenOptions(
        endpoint,
        value,
        encoding,
        gzip,
        rate,
        batchSize,
        concurrency,
        bodySize,
        bodyFormat,
        attributes,
        records,
        duration,
        requestTimeout,
        drainTimeout,
        reportInterval,
        uniqueRecords);
  }

  public LoadgenOptions withEncoding(Encoding value) {
    return new LoadgenOptions(
        endpoint,
        protocol,
        value,
        gzip,
        rate,
        batchSize,
        concurrency,
        bodySize,
        bodyFormat,
        attributes,
        records,
        duration,
        requestTimeout,
        drainTimeout,
        reportInterval,
        uniqueRecords);
  }

  public LoadgenOptions withGzip(boolean value) {
    return new LoadgenOptions(
        endpoint,
        protocol,
        encoding,
        value,
        rate,
        batchSize,
        concurrency,
        bodySize,
        bodyFormat,
        attributes,
        records,
        duration,
        requestTimeout,
        drainTimeout,
        reportInterval,
        uniqueRecords);
  }

  public LoadgenOptions withRate(double value) {
    return new LoadgenOptions(
        endpoint,
        protocol,
        encoding,
        gzip,
        value,
        batchSize,
        concurrency,
        bodySize,
        bodyFormat,
        attributes,
        records,
        duration,
        requestTimeout,
        drainTimeout,
        reportInterval,
        uniqueRecords);
  }

  public LoadgenOptions withBatchSize(int value) {
    return new LoadgenOptions(
        endpoint,
        protocol,
        encoding,
        gzip,
        rate,
        value,
        concurrency,
        bodySize,
        bodyFormat,
        attributes,
        records,
        duration,
        requestTimeout,
        drainTimeout,
        reportInterval,
        uniqueRecords);
  }

  public LoadgenOptions withConcurrency(int value) {
    return new LoadgenOptions(
        endpoint,
        protocol,
        encoding,
        gzip,
        rate,
        batchSize,
        value,
        bodySize,
        bodyFormat,
        attributes,
        records,
        duration,
        requestTimeout,
        drainTimeout,
        reportInterval,
        uniqueRecords);
  }

  public LoadgenOptions withBodySize(int value) {
    return new LoadgenOptions(
        endpoint,
        protocol,
        encoding,
        gzip,
        rate,
        batchSize,
        concurrency,
        value,
        bodyFormat,
        attributes,
        records,
        duration,
        requestTimeout,
        drainTimeout,
        reportInterval,
        uniqueRecords);
  }

  public LoadgenOptions withBodyFormat(BodyFormat value) {
    return new LoadgenOptions(
        endpoint,
        protocol,
        encoding,
        gzip,
        rate,
        batchSize,
        concurrency,
        bodySize,
        value,
        attributes,
        records,
        duration,
        requestTimeout,
        drainTimeout,
        reportInterval,
        uniqueRecords);
  }

  public LoadgenOptions withAttributes(int value) {
    return new LoadgenOptions(
        endpoint,
        protocol,
        encoding,
        gzip,
        rate,
        batchSize,
        concurrency,
        bodySize,
        bodyFormat,
        value,
        records,
        duration,
        requestTimeout,
        drainTimeout,
        reportInterval,
        uniqueRecords);
  }

  public LoadgenOptions withRecords(long value) {
    return new LoadgenOptions(
        endpoint,
        protocol,
        encoding,
        gzip,
        rate,
        batchSize,
        concurrency,
        bodySize,
        bodyFormat,
        attributes,
        value,
        duration,
        requestTimeout,
        drainTimeout,
        reportInterval,
        uniqueRecords);
  }

  public LoadgenOptions withDuration(Duration value) {
    return new LoadgenOptions(
        endpoint,
        protocol,
        encoding,
        gzip,
        rate,
        batchSize,
        concurrency,
        bodySize,
        bodyFormat,
        attributes,
        records,
        value,
        requestTimeout,
        drainTimeout,
        reportInterval,
        uniqueRecords);
  }

  public LoadgenOptions withRequestTimeout(Duration value) {
    return new LoadgenOptions(
        endpoint,
        protocol,
        encoding,
        gzip,
        rate,
        batchSize,
        concurrency,
        bodySize,
        bodyFormat,
        attributes,
        records,
        duration,
        value,
        drainTimeout,
        reportInterval,
        uniqueRecords);
  }

  public LoadgenOptions withDrainTimeout(Duration value) {
    return new LoadgenOptions(
        endpoint,
        protocol,
        encoding,
        gzip,
        rate,
        batchSize,
        concurrency,
        bodySize,
        bodyFormat,
        attributes,
        records,
        duration,
        requestTimeout,
        value,
        reportInterval,
        uniqueRecords);
  }

  public LoadgenOptions withUniqueRecords(boolean value) {
    return new LoadgenOptions(
        endpoint,
        protocol,
        encoding,
        gzip,
        rate,
        batchSize,
        concurrency,
        bodySize,
        bodyFormat,
        attributes,
        records,
        duration,
        requestTimeout,
        drainTimeout,
        reportInterval,
        value);
  }

  public LoadgenOptions withReportInterval(Duration value) {
    return new LoadgenOptions(
        endpoint,
        protocol,
        encoding,
        gzip,
        rate,
        batchSize,
        concurrency,
        bodySize,
        bodyFormat,
        attributes,
        records,
        duration,
        requestTimeout,
        drainTimeout,
        value,
        uniqueRecords);
  }
}
