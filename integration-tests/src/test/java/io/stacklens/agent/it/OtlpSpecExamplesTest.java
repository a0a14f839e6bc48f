package io.stacklens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.it.support.Configs;
import io.stacklens.agent.it.support.RawHttp;
import io.stacklens.agent.it.support.RunningAgent;
import io.stacklens.agent.otlp.OtlpJson;
import io.stacklens.agent.otlp.OtlpLogs;
import io.stacklens.exporter.file.FileRecordsReader;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OTLP/JSON example payloads of the OTLP specification (opentelemetry-proto {@code examples/},
 * copied unchanged into test resources) are accepted by a running agent with 200 and land in the
 * files.
 */
class OtlpSpecExamplesTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir Path dir;
  private RunningAgent agent;

  @BeforeEach
  void startAgent() throws Exception {
    agent = RunningAgent.start(Configs.otlpToFiles(dir));
  }

  @AfterEach
  void stopAgent() {
    agent.close();
  }

  @Test
  void logsExampleIsAcceptedAndEveryRecordLandsInTheLogsFile() throws Exception {
    byte[] json = example("logs.json");
    assertAccepted(RawHttp.post(agent.httpUrl("/v1/logs"), RawHttp.JSON, json));
    ExportLogsServiceRequest sent = OtlpJson.parseLogs(json);
    List<LogRecord> expected = records(OtlpLogs.fromProto(sent));
    assertThat(expected).isNotEmpty();

    await()
        .atMost(WAIT)
        .until(
            () ->
                Files.exists(Configs.logs(dir))
                    && FileRecordsReader.readLines(Configs.logs(dir)).size() == expected.size());
    List<LogRecord> actual = records(FileRecordsReader.readAllLogs(Configs.logs(dir)));
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(actual.get(i).sameAs(expected.get(i)))
          .as("record %d: %s vs %s", i, actual.get(i), expected.get(i))
          .isTrue();
    }
    assertThat(FileRecordsReader.readLines(Configs.logs(dir)).get(0))
        .contains("\"service.name\":\"my.service\"");
  }

  @Test
  void traceExampleIsAcceptedAndLandsUnchangedInTheTracesFile() throws Exception {
    byte[] json = example("trace.json");
    assertAccepted(RawHttp.post(agent.httpUrl("/v1/traces"), RawHttp.JSON, json));
    ExportTraceServiceRequest sent = OtlpJson.parseTraces(json);
    assertThat(sent.getResourceSpansCount()).isPositive();

    await()
        .atMost(WAIT)
        .until(
            () ->
                Files.exists(Configs.traces(dir))
                    && !FileRecordsReader.readTraceRequests(Configs.traces(dir)).isEmpty());
    List<ExportTraceServiceRequest> back = FileRecordsReader.readTraceRequests(Configs.traces(dir));
    assertThat(back).containsExactly(sent);
  }

  @Test
  void metricsExampleIsAcceptedWholeAndLandsUnchanged() throws Exception {
    byte[] json = example("metrics.json");
    ExportMetricsServiceRequest sent = OtlpJson.parseMetrics(json);
    assertThat(histogram(sent).getHistogram().getDataPoints(0).getBucketCountsList())
        .containsExactly(1L, 1L);

    assertAccepted(RawHttp.post(agent.httpUrl("/v1/metrics"), RawHttp.JSON, json));
    assertThat(awaitMetricRequests()).containsExactly(sent);
  }

  /**
   * An earlier version of the spec's example had 3 {@code bucket_counts} for 1 explicit bound,
   * which the proto's own rules call invalid (fixed upstream in opentelemetry-proto PR #510). The
   * agent answers 200 with {@code partial_success} naming exactly that point and stores everything
   * else.
   */
  @Test
  void histogramPointWithTheWrongNumberOfBucketsIsRejectedAsPartialSuccess() throws Exception {
    String broken =
        new String(example("metrics.json"), StandardCharsets.UTF_8)
            .replaceAll("\"bucketCounts\": \\[\\s*1,\\s*1\\s*\\]", "\"bucketCounts\": [1, 1, 1]");
    byte[] json = broken.getBytes(StandardCharsets.UTF_8);
    HttpResponse<byte[]> response = RawHttp.post(agent.httpUrl("/v1/metrics"), RawHttp.JSON, json);
    assertThat(response.statusCode()).isEqualTo(200);
    ExportMetricsServiceResponse answer =
        OtlpJson.parse(response.body(), ExportMetricsServiceResponse.newBuilder()).build();
    assertThat(answer.getPartialSuccess().getRejectedDataPoints()).isEqualTo(1);
    assertThat(answer.getPartialSuccess().getErrorMessage())
        .contains("my.histogram", "bucket_counts has 3 entries and explicit_bounds 1");

    ExportMetricsServiceRequest sent = OtlpJson.parseMetrics(json);
    List<ExportMetricsServiceRequest> back = awaitMetricRequests();
    assertThat(back).hasSize(1);
    // The histogram lost its only point, so the metric itself is gone; the rest is unchanged.
    assertThat(names(back.get(0))).containsExactly("my.counter", "my.gauge");
    assertThat(back.get(0)).isEqualTo(withoutHistogramMetrics(sent));
  }

  private List<ExportMetricsServiceRequest> awaitMetricRequests() {
    await()
        .atMost(WAIT)
        .until(
            () ->
                Files.exists(Configs.metrics(dir))
                    && !FileRecordsReader.readMetricRequests(Configs.metrics(dir)).isEmpty());
    try {
      return FileRecordsReader.readMetricRequests(Configs.metrics(dir));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<String> names(ExportMetricsServiceRequest r) {
    List<String> out = new ArrayList<>();
    r.getResourceMetricsList()
        .forEach(
            rm ->
                rm.getScopeMetricsList()
                    .forEach(sm -> sm.getMetricsList().forEach(m -> out.add(m.getName()))));
    return out;
  }

  private static Metric histogram(ExportMetricsServiceRequest r) {
    return r.getResourceMetrics(0).getScopeMetrics(0).getMetricsList().stream()
        .filter(Metric::hasHistogram)
        .findFirst()
        .orElseThrow();
  }

  private static ExportMetricsServiceRequest withoutHistogramMetrics(
      ExportMetricsServiceRequest r) {
    ExportMetricsServiceRequest.Builder b = r.toBuilder();
    b.getResourceMetricsBuilderList()
        .forEach(
            rm ->
                rm.getScopeMetricsBuilderList()
                    .forEach(
                        sm -> {
                          List<Metric> kept =
                              sm.getMetricsList().stream().filter(m -> !m.hasHistogram()).toList();
                          sm.clearMetrics().addAllMetrics(kept);
                        }));
    return b.build();
  }

  private static void assertAccepted(HttpResponse<byte[]> response) {
    String body = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(response.statusCode()).as("status; body: %s", body).isEqualTo(200);
    assertThat(body).as("no partial success").doesNotContain("rejected");
  }

  private static byte[] example(String name) throws Exception {
    try (InputStream in =
        OtlpSpecExamplesTest.class.getResourceAsStream("/otlp-examples/" + name)) {
      assertThat(in).as("test resource otlp-examples/%s", name).isNotNull();
      return in.readAllBytes();
    }
  }

  private static List<LogRecord> records(LogsBatch batch) {
    List<LogRecord> out = new ArrayList<>();
    batch.forEachRecord(out::add);
    return out;
  }
}
