package io.stacklens.exporter.codec.jsonlines;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.MetricsBatch;
import io.stacklens.agent.data.TracesBatch;
import io.stacklens.agent.json.JsonValueReader;
import io.stacklens.exporter.file.TestData;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The codec both exporters share: whole batches (file) and one line per record (Kafka) agree. */
class JsonLinesEncoderTest {
  private static TracesBatch traces() {
    Span span =
        Span.newBuilder()
            .setTraceId(ByteString.copyFrom(TestData.traceId()))
            .setSpanId(ByteString.copyFrom(TestData.spanId()))
            .setName("GET /users")
            .setStartTimeUnixNano(TestData.T0)
            .setEndTimeUnixNano(TestData.T0 + 1_000)
            .build();
    return new TracesBatch(
        List.of(
            ResourceSpans.newBuilder()
                .addScopeSpans(
                    ScopeSpans.newBuilder().addSpans(span).addSpans(span.toBuilder().setName("db")))
                .build()));
  }

  private static MetricsBatch metrics() {
    NumberDataPoint point =
        NumberDataPoint.newBuilder()
            .setTimeUnixNano(TestData.T0)
            .addAttributes(
                KeyValue.newBuilder()
                    .setKey("cpu")
                    .setValue(AnyValue.newBuilder().setStringValue("0")))
            .setAsDouble(0.75)
            .build();
    Metric gauge =
        Metric.newBuilder()
            .setName("cpu.usage")
            .setGauge(
                Gauge.newBuilder()
                    .addDataPoints(point)
                    .addDataPoints(point.toBuilder().setAsDouble(0.5)))
            .build();
    return new MetricsBatch(
        List.of(
            ResourceMetrics.newBuilder()
                .addScopeMetrics(
                    ScopeMetrics.newBuilder()
                        .addMetrics(gauge)
                        .addMetrics(gauge.toBuilder().setName("cpu.idle")))
                .build()));
  }

  private static String whole(Batch batch) throws Exception {
    ByteBuf out = new ByteBuf(16);
    new JsonLinesEncoder(out).encode(batch, null);
    return new String(out.array(), 0, out.size(), StandardCharsets.UTF_8);
  }

  @Test
  void oneLinePerRecordIsExactlyALineOfTheWholeBatch() throws Exception {
    JsonRecordEncoder records = new JsonRecordEncoder();
    for (Batch batch :
        List.of(TestData.simpleBatch(5, "p"), TestData.variedBatch(), traces(), metrics())) {
      List<String> lines = new ArrayList<>();
      for (byte[] line : records.encode(batch)) lines.add(new String(line, StandardCharsets.UTF_8));

      assertThat(lines).hasSize(batch.recordCount());
      assertThat(String.join("\n", lines) + "\n").isEqualTo(whole(batch));
      for (String line : lines)
        assertThat(JsonValueReader.standard().readObject(line).size()).isPositive();
    }
  }

  @Test
  void aLineEndThatTakesTheBufferGetsEveryByteOfEveryLine() throws Exception {
    for (Batch batch : List.of(TestData.variedBatch(), traces(), metrics())) {
      ByteBuf out = new ByteBuf(16);
      ByteArrayOutputStream taken = new ByteArrayOutputStream();
      int[] calls = {0};
      new JsonLinesEncoder(out)
          .encode(
              batch,
              () -> {
                calls[0]++;
                taken.write(out.array(), 0, out.size());
                out.reset();
                return true;
              });
      taken.write(out.array(), 0, out.size());

      assertThat(taken.toString(StandardCharsets.UTF_8)).isEqualTo(whole(batch));
      int expectedCalls =
          batch instanceof MetricsBatch ? 2 : batch.recordCount(); // metrics: once per metric
      assertThat(calls[0]).isEqualTo(expectedCalls);
    }
  }

  @Test
  void aLineEndThatLeavesTheBufferChangesNothing() throws Exception {
    ByteBuf out = new ByteBuf(16);
    new JsonLinesEncoder(out).encode(TestData.variedBatch(), () -> false);

    assertThat(Arrays.copyOf(out.array(), out.size()))
        .isEqualTo(whole(TestData.variedBatch()).getBytes(StandardCharsets.UTF_8));
  }
}
