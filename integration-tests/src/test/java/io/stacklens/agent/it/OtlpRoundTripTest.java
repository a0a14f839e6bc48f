package io.stacklens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.it.support.Configs;
import io.stacklens.agent.it.support.OtlpClient;
import io.stacklens.agent.it.support.RunningAgent;
import io.stacklens.agent.it.support.VariedLogs;
import io.stacklens.agent.otlp.OtlpJson;
import io.stacklens.agent.otlp.OtlpLogs;
import io.stacklens.exporter.file.FileRecordsReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One request of varied log records goes in over each transport and comes back out of the file,
 * record by record: {@code json_lines} keeps every record field (bytes become base64 strings, as
 * documented); {@code otlp_json} is lossless, so the protobuf message read back equals the one
 * sent.
 */
class OtlpRoundTripTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir Path dir;

  @ParameterizedTest(name = "json_lines via {0}")
  @EnumSource(OtlpClient.class)
  void jsonLinesKeepsEveryRecordFieldOverEveryTransport(OtlpClient client) throws Exception {
    Path file = dir.resolve("logs.jsonl");
    ExportLogsServiceRequest request = VariedLogs.request();
    try (RunningAgent agent = RunningAgent.start(Configs.logsToFile(file, "json_lines"))) {
      client.send(agent, request);
      await().atMost(WAIT).until(() -> lineCount(file) >= VariedLogs.recordCount());
    }
    List<Flat> expected = flatten(OtlpLogs.fromProto(request), true);
    List<Flat> actual = flatten(FileRecordsReader.readAllLogs(file), false);
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      Flat e = expected.get(i);
      Flat a = actual.get(i);
      assertThat(a.record.sameAs(e.record))
          .as("record %d:%n expected %s%n      got %s", i, e, a)
          .isTrue();
      assertThat(a.resource).as("resource of record %d", i).isEqualTo(e.resource);
      assertThat(a.scopeName).as("scope name of record %d", i).isEqualTo(e.scopeName);
      assertThat(a.scopeVersion).as("scope version of record %d", i).isEqualTo(e.scopeVersion);
      assertThat(a.scopeAttributes)
          .as("scope attributes of record %d", i)
          .isEqualTo(e.scopeAttributes);
    }
  }

  @ParameterizedTest(name = "otlp_json via {0}")
  @EnumSource(OtlpClient.class)
  void otlpJsonIsLosslessOverEveryTransport(OtlpClient client) throws Exception {
    Path file = dir.resolve("logs.otlp.jsonl");
    ExportLogsServiceRequest request = VariedLogs.request();
    try (RunningAgent agent = RunningAgent.start(Configs.logsToFile(file, "otlp_json"))) {
      client.send(agent, request);
      await().atMost(WAIT).until(() -> lineCount(file) >= 1);
    }
    ExportLogsServiceRequest.Builder back = ExportLogsServiceRequest.newBuilder();
    for (String line : FileRecordsReader.readLines(file)) {
      back.addAllResourceLogs(
          OtlpJson.parseLogs(line.getBytes(StandardCharsets.UTF_8)).getResourceLogsList());
    }
    assertThat(back.build()).isEqualTo(withEmptyMessagesPresent(request));
  }

  /**
   * The one representational difference allowed: an absent {@code scope} (or {@code resource})
   * comes back as an empty one. OTLP gives both the same meaning; the model has no "absent scope".
   */
  private static ExportLogsServiceRequest withEmptyMessagesPresent(
      ExportLogsServiceRequest request) {
    ExportLogsServiceRequest.Builder b = request.toBuilder();
    for (var rl : b.getResourceLogsBuilderList()) {
      rl.getResourceBuilder();
      for (var sl : rl.getScopeLogsBuilderList()) sl.getScopeBuilder();
    }
    return b.build();
  }

  private static long lineCount(Path file) throws Exception {
    return Files.exists(file) ? FileRecordsReader.readLines(file).size() : 0;
  }

  /** A log record with the resource and scope it belongs to. */
  private record Flat(
      Attributes resource,
      String scopeName,
      String scopeVersion,
      Attributes scopeAttributes,
      LogRecord record) {
    @Override
    public String toString() {
      return record
          + " traceId="
          + hex(record.traceId())
          + " spanId="
          + hex(record.spanId())
          + " flags="
          + record.flags()
          + " event="
          + record.eventName()
          + " observed="
          + record.observedTimeUnixNano()
          + " dropped="
          + record.droppedAttributesCount()
          + " resource="
          + resource
          + " scope="
          + scopeName;
    }

    private static String hex(byte[] b) {
      return b == null ? "-" : java.util.HexFormat.of().formatHex(b);
    }
  }

  private static List<Flat> flatten(LogsBatch batch, boolean bytesAsBase64) {
    List<Flat> out = new ArrayList<>();
    batch
        .resourceLogs()
        .forEach(
            rl ->
                rl.scopeLogs()
                    .forEach(
                        sl ->
                            sl.logRecords()
                                .forEach(
                                    r -> {
                                      LogRecord record = r.copy();
                                      if (bytesAsBase64) {
                                        record.setBody(base64Bytes(record.body()));
                                        base64BytesInPlace(record.attributes());
                                      }
                                      Attributes resource = rl.resource().attributes().copy();
                                      Attributes scope = sl.scope().attributes().copy();
                                      if (bytesAsBase64) {
                                        base64BytesInPlace(resource);
                                        base64BytesInPlace(scope);
                                      }
                                      out.add(
                                          new Flat(
                                              resource,
                                              sl.scope().name(),
                                              sl.scope().version(),
                                              scope,
                                              record));
                                    })));
    return out;
  }

  /** What json_lines documents: bytes values read back as their base64 string. */
  private static Object base64Bytes(Object value) {
    if (value instanceof byte[] b) return Base64.getEncoder().encodeToString(b);
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      for (Object o : list) copy.add(base64Bytes(o));
      return copy;
    }
    if (value instanceof Attributes a) {
      Attributes copy = a.copy();
      base64BytesInPlace(copy);
      return copy;
    }
    return value;
  }

  private static void base64BytesInPlace(Attributes a) {
    for (int i = 0; i < a.size(); i++) a.put(a.key(i), base64Bytes(a.value(i)));
  }
}
