package io.stacklens.exporter.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.InstrumentationScope;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.TracesBatch;
import io.stacklens.agent.otlp.OtlpJson;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A push is written about a MiB at a time, in whole lines, and reads back the same as written at
 * once.
 */
class BatchEncoderChunkTest {
  private static LogsBatch bigLogs(int records, int bodyBytes) {
    LogsBatch batch = new LogsBatch();
    var resource =
        new io.stacklens.agent.data.ResourceLogs(
            new io.stacklens.agent.data.Resource(Attributes.of("service.name", "big")),
            new ArrayList<>());
    var scope =
        new io.stacklens.agent.data.ScopeLogs(new InstrumentationScope(), new ArrayList<>());
    for (int i = 0; i < records; i++) {
      scope
          .logRecords()
          .add(new LogRecord(Attributes.of("i", (long) i)).setBody("b".repeat(bodyBytes) + i));
    }
    resource.scopeLogs().add(scope);
    batch.resourceLogs().add(resource);
    return batch;
  }

  private static final class Collected implements BatchEncoder.Sink {
    final ByteArrayOutputStream all = new ByteArrayOutputStream();
    final List<Integer> sizes = new ArrayList<>();

    @Override
    public void write(byte[] bytes, int length) {
      assertThat(bytes[length - 1]).as("every chunk ends with a whole line").isEqualTo((byte) '\n');
      all.write(bytes, 0, length);
      sizes.add(length);
    }
  }

  @Test
  void jsonLinesOfABigBatchGoOutInChunksIdenticalToOneEncoding() throws Exception {
    LogsBatch batch = bigLogs(3000, 1000);
    byte[] whole =
        Arrays.copyOf(
            new BatchEncoder(FileFormat.JSON_LINES).encode(batch).array(),
            new BatchEncoder(FileFormat.JSON_LINES).encode(batch).size());
    Collected sink = new Collected();

    new BatchEncoder(FileFormat.JSON_LINES).encode(batch, sink);

    assertThat(sink.sizes).hasSizeGreaterThan(2);
    assertThat(sink.sizes).allSatisfy(n -> assertThat(n).isLessThan(BatchEncoder.CHUNK + 4096));
    assertThat(sink.all.toByteArray()).isEqualTo(whole);
  }

  @Test
  void otlpJsonOfABigBatchBecomesSeveralCompleteRequestsBetweenResources() throws Exception {
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    for (int r = 0; r < 30; r++) {
      ScopeSpans.Builder scope = ScopeSpans.newBuilder();
      for (int s = 0; s < 100; s++) {
        scope.addSpans(
            Span.newBuilder()
                .setName("span-" + r + "-" + s)
                .addAttributes(
                    KeyValue.newBuilder()
                        .setKey("payload")
                        .setValue(AnyValue.newBuilder().setStringValue("p".repeat(1000)))));
      }
      request.addResourceSpans(
          ResourceSpans.newBuilder()
              .setResource(
                  Resource.newBuilder()
                      .addAttributes(
                          KeyValue.newBuilder()
                              .setKey("r")
                              .setValue(AnyValue.newBuilder().setIntValue(r))))
              .addScopeSpans(scope));
    }
    TracesBatch batch = TracesBatch.of(request.build());
    Collected sink = new Collected();

    new BatchEncoder(FileFormat.OTLP_JSON).encode(batch, sink);

    String[] lines = sink.all.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines.length).isGreaterThan(1);
    ExportTraceServiceRequest.Builder back = ExportTraceServiceRequest.newBuilder();
    for (String line : lines)
      back.addAllResourceSpans(
          OtlpJson.parseTraces(line.getBytes(StandardCharsets.UTF_8)).getResourceSpansList());
    assertThat(back.build()).isEqualTo(request.build());
  }

  @Test
  void aSmallPushStaysOneOtlpJsonLine() throws Exception {
    TracesBatch batch =
        TracesBatch.of(
            ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(
                    ResourceSpans.newBuilder()
                        .addScopeSpans(
                            ScopeSpans.newBuilder().addSpans(Span.newBuilder().setName("a"))))
                .addResourceSpans(
                    ResourceSpans.newBuilder()
                        .addScopeSpans(
                            ScopeSpans.newBuilder().addSpans(Span.newBuilder().setName("b"))))
                .build());
    Collected sink = new Collected();
    new BatchEncoder(FileFormat.OTLP_JSON).encode(batch, sink);
    assertThat(sink.all.toString(StandardCharsets.UTF_8).split("\n")).hasSize(1);
  }
}
