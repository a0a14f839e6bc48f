package io.stacklens.agent.cli.loadgen;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code stacklens-agent loadgen}: sends synthetic OTLP logs to an agent or collector and reports
 * throughput, latency, refusals and errors. Exit code 0 when no request failed permanently and no
 * record was abandoned, 1 otherwise, 2 for invalid options. See docs/loadgen.md.
 */
@Command(
    name = "loadgen",
    mixinStandardHelpOptions = true,
    description = "Send synthetic OTLP logs (gRPC or HTTP) and report throughput and latency.",
    sortOptions = false)
public final class LoadgenCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--endpoint",
      paramLabel = "HOST:PORT|URL",
      description =
          "Where to send. Default 127.0.0.1:4317 (grpc) or 127.0.0.1:4318 (http; "
              + "path /v1/logs unless the URL has one).")
  String endpoint;

  @Option(
      names = "--protocol",
      paramLabel = "grpc|http",
      defaultValue = "grpc",
      description = "OTLP transport. Default: ${DEFAULT-VALUE}.")
  String protocol;

  @Option(
      names = "--encoding",
      paramLabel = "proto|json",
      defaultValue = "proto",
      description = "HTTP body encoding. Default: ${DEFAULT-VALUE}. gRPC is always proto.")
  String encoding;

  @Option(names = "--gzip", description = "Gzip request bodies.")
  boolean gzip;

  @Option(
      names = "--rate",
      paramLabel = "RECORDS_PER_SEC",
      defaultValue = "0",
      description =
          "Records per second in total; 0 = as fast as possible. Default: ${DEFAULT-VALUE}.")
  double rate;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      defaultValue = "100",
      description = "Log records per request. Default: ${DEFAULT-VALUE}.")
  int batchSize;

  @Option(
      names = "--concurrency",
      paramLabel = "N",
      defaultValue = "4",
      description = "Requests in flight at once. Default: ${DEFAULT-VALUE}.")
  int concurrency;

  @Option(
      names = "--body-size",
      paramLabel = "BYTES",
      defaultValue = "200",
      description = "Bytes of each log body. Default: ${DEFAULT-VALUE}.")
  int bodySize;

  @Option(
      names = "--body-format",
      paramLabel = "text|json",
      defaultValue = "text",
      converter = BodyFormatConverter.class,
      description =
          "Bodies of plain text, or a JSON object with timestamp, level, service, message, user_id, "
              + "client_ip, product_id and error_code (for parse/enrich benchmarks). Default: ${DEFAULT-VALUE}.")
  BodyFormat bodyFormat;

  @Option(
      names = "--attributes",
      paramLabel = "N",
      defaultValue = "5",
      description = "Attributes per log record. Default: ${DEFAULT-VALUE}.")
  int attributes;

  @Option(
      names = "--records",
      paramLabel = "N",
      defaultValue = "0",
      description = "Records to send in total; 0 = until --duration. Default: ${DEFAULT-VALUE}.")
  long records;

  @Option(
      names = "--duration",
      paramLabel = "DURATION",
      description =
          "How long to send (e.g. 30s, 5m, 0 = no limit). Default: 60s, or no limit "
              + "when --records is set.")
  String duration;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "10s",
      description = "Deadline of one request attempt. Default: ${DEFAULT-VALUE}.")
  String timeout;

  @Option(
      names = "--drain-timeout",
      paramLabel = "DURATION",
      defaultValue = "30s",
      description =
          "After sending stops, how long to wait for answers and retries. "
              + "Default: ${DEFAULT-VALUE}.")
  String drainTimeout;

  @Option(
      names = "--unique-records",
      description =
          "Move each sent request's record times past every earlier send, so no two records of "
              + "a run are equal (for sinks that deduplicate). Needs protobuf bodies without --gzip.")
  boolean uniqueRecords;

  @Option(
      names = "--warmup",
      paramLabel = "DURATION",
      defaultValue = "0s",
      description =
          "Send the same load for this long first, unreported, so the measured run sees "
              + "JIT-compiled, warmed-up code on both sides (e.g. 10s). Default: ${DEFAULT-VALUE}.")
  String warmup;

  @Option(
      names = "--report-json",
      paramLabel = "FILE",
      description = "Also write the final numbers as JSON to FILE.")
  Path reportJson;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    LoadgenOptions options;
    try {
      options = options();
    } catch (IllegalArgumentException e) {
      err.println("loadgen: " + e.getMessage());
      return 2;
    }
    List<String> problems = options.validate();
    if (!problems.isEmpty()) {
      problems.forEach(problem -> err.println("loadgen: " + problem));
      return 2;
    }
    out.printf(
        "loadgen: %s to %s, %d records/request, %d in flight, %s%n",
        options.protocol().name().toLowerCase(Locale.ROOT),
        options.endpoint(),
        options.batchSize(),
        options.concurrency(),
        limits(options));
    out.flush();

    Duration warmupFor;
    try {
      warmupFor = parseDuration("--warmup", warmup);
    } catch (IllegalArgumentException e) {
      err.println("loadgen: " + e.getMessage());
      return 2;
    }
    java.util.function.Consumer<String> progress =
        line -> {
          out.println(line);
          out.flush();
        };
    if (!warmupFor.isZero()) {
      out.printf("loadgen: warming up for %s s (not reported)%n", warmupFor.toMillis() / 1000.0);
      out.flush();
      LoadgenReport warm =
          new LoadGenerator(options.withRecords(0).withDuration(warmupFor), null).run();
      if (!warm.succeeded()) {
        out.print(warm.format("warm-up " + options.endpoint()));
        err.println("loadgen: the warm-up run failed; not starting the measured run");
        return 1;
      }
    }
    LoadGenerator generator = new LoadGenerator(options, progress);
    CountDownLatch finished = new CountDownLatch(1);
    Thread stopOnSignal =
        new Thread(
            () -> {
              generator.stop();
              awaitQuietly(finished);
            },
            "loadgen-shutdown");
    Runtime.getRuntime().addShutdownHook(stopOnSignal);
    LoadgenReport report;
    try {
      report = generator.run();
    } finally {
      finished.countDown();
      removeQuietly(stopOnSignal);
    }
    out.print(
        report.format(
            options.protocol().name().toLowerCase(Locale.ROOT) + " " + options.endpoint()));
    out.flush();
    if (reportJson != null) {
      try {
        report.writeJson(reportJson, options);
      } catch (IOException e) {
        err.println("loadgen: cannot write --report-json " + reportJson + ": " + e.getMessage());
        return 1;
      }
    }
    return report.succeeded() ? 0 : 1;
  }

  /**
   * The engine options from the command line; {@link IllegalArgumentException} for unreadable
   * values.
   */
  LoadgenOptions options() {
    Protocol chosenProtocol = choice(Protocol.class, "--protocol", protocol);
    Duration runFor =
        duration != null
            ? DurationParser.parse(duration)
            : records > 0 ? Duration.ZERO : LoadgenOptions.DEFAULT_DURATION;
    return LoadgenOptions.defaults()
        .withProtocol(chosenProtocol)
        .withEndpoint(endpoint != null ? endpoint : chosenProtocol.defaultEndpoint())
        .withEncoding(choice(Encoding.class, "--encoding", encoding))
        .withGzip(gzip)
        .withRate(rate)
        .withBatchSize(batchSize)
        .withConcurrency(concurrency)
        .withBodySize(bodySize)
        .withBodyFormat(bodyFormat)
        .withAttributes(attributes)
        .withRecords(records)
        .withDuration(runFor)
        .withRequestTimeout(parseDuration("--timeout", timeout))
        .withDrainTimeout(parseDuration("--drain-timeout", drainTimeout))
        .withUniqueRecords(uniqueRecords);
  }

  private static Duration parseDuration(String option, String text) {
    try {
      return DurationParser.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
    }
  }

  private static <E extends Enum<E>> E choice(Class<E> type, String option, String value) {
    try {
      return Enum.valueOf(type, value.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      List<String> allowed =
          java.util.Arrays.stream(type.getEnumConstants())
              .map(c -> c.name().toLowerCase(Locale.ROOT))
              .toList();
      throw new IllegalArgumentException(
          option + ": '" + value + "' is not one of " + String.join(", ", allowed), e);
    }
  }

  private static String limits(LoadgenOptions options) {
    String rate =
        options.rate() > 0
            ? String.format(Locale.ROOT, "%,.0f records/s", options.rate())
            : "unpaced";
    String count =
        options.records() > 0 ? String.format(Locale.ROOT, "%,d records", options.records()) : null;
    String time =
        options.duration().isZero() ? null : options.duration().toMillis() / 1000.0 + " s";
    String limit =
        count != null && time != null ? count + " or " + time : count != null ? count : time;
    return rate + ", " + limit;
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void removeQuietly(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shutdownInProgress) {
      // the hook is running: it waits for the latch counted down above
    }
  }

  /** Accepts text / json in any case. */
  static final class BodyFormatConverter implements picocli.CommandLine.ITypeConverter<BodyFormat> {
    @Override
    public BodyFormat convert(String value) {
      return BodyFormat.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
    }
  }
}
