package io.stacklens.agent.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.stacklens.agent.data.LogsBatch;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OtlpLogsDecoderTest {
  private final Random random = new Random(42);

  @Test
  void decodesRandomRequestsExactlyLikeTheGeneratedParserPlusConversion() throws Exception {
    for (int i = 0; i < 300; i++) {
      ExportLogsServiceRequest request = randomRequest();
      byte[] bytes = request.toByteArray();
      LogsBatch direct = OtlpLogsDecoder.decode(bytes);
      LogsBatch reference = OtlpLogs.fromProto(ExportLogsServiceRequest.parseFrom(bytes));
      assertThat(OtlpLogs.toProto(direct))
          .as("request %d", i)
          .isEqualTo(OtlpLogs.toProto(reference));
      assertThat(direct.recordCount()).isEqualTo(reference.recordCount());
    }
  }

  @Test
  void decodesTheSpecificationExample() throws Exception {
    ExportLogsServiceRequest request = OtlpJson.parseLogs(OtlpJsonTest.example("logs.json"));
    LogsBatch batch = OtlpLogsDecoder.decode(request.toByteArray());
    assertThat(OtlpLogs.toProto(batch)).isEqualTo(request);
  }

  @Test
  void skipsUnknownFields() throws Exception {
    ExportLogsServiceRequest request = randomRequest();
    byte[] known = request.toByteArray();
    // field 15, varint 1: unknown to this schema, must be ignored at the top level
    byte[] withUnknown = Arrays.copyOf(known, known.length + 2);
    withUnknown[known.length] = (byte) (15 << 3);
    withUnknown[known.length + 1] = 1;
    assertThat(OtlpLogs.toProto(OtlpLogsDecoder.decode(withUnknown)))
        .isEqualTo(OtlpLogs.toProto(OtlpLogsDecoder.decode(known)));
  }

  @Test
  void rejectsTruncatedInput() {
    byte[] bytes = randomRequest().toByteArray();
    byte[] truncated = Arrays.copyOf(bytes, bytes.length - 3);
    assertThatThrownBy(() -> OtlpLogsDecoder.decode(truncated))
        .isInstanceOf(InvalidProtocolBufferException.class);
  }

  @Test
  void rejectsInvalidUtf8InStrings() {
    ExportLogsServiceRequest request =
        ExportLogsServiceRequest.newBuilder()
            .addResourceLogs(
                ResourceLogs.newBuilder()
                    .addScopeLogs(
                        ScopeLogs.newBuilder()
                            .addLogRecords(LogRecord.newBuilder().setSeverityText("ÿÿ"))))
            .build();
    byte[] bytes = request.toByteArray();
    // replace the UTF-8 encoding of "ÿ" (c3 bf) by a lone continuation byte
    for (int i = 0; i < bytes.length - 1; i++) {
      if (bytes[i] == (byte) 0xc3) bytes[i] = (byte) 0xbf;
    }
    assertThatThrownBy(() -> OtlpLogsDecoder.decode(bytes))
        .isInstanceOf(InvalidProtocolBufferException.class);
  }

  @Test
  void keysRepeatedAcrossRecordsAndRequestsAreOneStringAndAnInvalidKeyIsStillRejected()
      throws Exception {
    ScopeLogs.Builder scope = ScopeLogs.newBuilder();
    for (int i = 0; i < 3; i++) {
      scope.addLogRecords(
          LogRecord.newBuilder()
              .addAttributes(
                  KeyValue.newBuilder()
                      .setKey("http.request.method")
                      .setValue(AnyValue.newBuilder().setStringValue("GET"))));
    }
    byte[] bytes =
        ExportLogsServiceRequest.newBuilder()
            .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(scope))
            .build()
            .toByteArray();
    var first = OtlpLogsDecoder.decode(bytes).resourceLogs().get(0).scopeLogs().get(0);
    var again = OtlpLogsDecoder.decode(bytes).resourceLogs().get(0).scopeLogs().get(0);
    String key = first.logRecords().get(0).attributes().key(0);
    assertThat(key).isEqualTo("http.request.method");
    assertThat(first.logRecords().get(2).attributes().key(0)).isSameAs(key);
    assertThat(again.logRecords().get(1).attributes().key(0)).isSameAs(key);

    // The same key with one byte made invalid UTF-8 is not found in the cache: it is decoded, and
    // refused as the generated parser refuses it.
    byte[] broken = bytes.clone();
    byte[] name = "http.request.method".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (int i = 0; i + name.length <= broken.length; i++) {
      if (Arrays.equals(broken, i, i + name.length, name, 0, name.length)) {
        broken[i] = (byte) 0xbf;
        break;
      }
    }
    assertThatThrownBy(() -> OtlpLogsDecoder.decode(broken))
        .isInstanceOf(InvalidProtocolBufferException.class);
  }

  private ExportLogsServiceRequest randomRequest() {
    ExportLogsServiceRequest.Builder req = ExportLogsServiceRequest.newBuilder();
    for (int r = 0, nr = random.nextInt(3) + 1; r < nr; r++) {
      ResourceLogs.Builder rl =
          req.addResourceLogsBuilder()
              .setSchemaUrl(random.nextBoolean() ? "https://schema/" + r : "");
      rl.getResourceBuilder()
          .addAllAttributes(keyValues(random.nextInt(5), 0))
          .setDroppedAttributesCount(random.nextInt(3));
      for (int s = 0, ns = random.nextInt(3) + 1; s < ns; s++) {
        ScopeLogs.Builder sl = rl.addScopeLogsBuilder();
        sl.getScopeBuilder()
            .setName("scope-" + s)
            .setVersion(random.nextBoolean() ? "1.2" : "")
            .addAllAttributes(keyValues(random.nextInt(3), 0))
            .setDroppedAttributesCount(random.nextInt(2));
        for (int i = 0, n = random.nextInt(20); i < n; i++) {
          LogRecord.Builder lr =
              sl.addLogRecordsBuilder()
                  .setTimeUnixNano(random.nextLong())
                  .setObservedTimeUnixNano(random.nextBoolean() ? random.nextLong() : 0)
                  .setSeverityNumberValue(random.nextInt(30))
                  .setSeverityText(random.nextBoolean() ? "WARN" : "")
                  .addAllAttributes(keyValues(random.nextInt(8), 0))
                  .setDroppedAttributesCount(random.nextInt(3))
                  .setFlags(random.nextInt())
                  .setEventName(random.nextInt(4) == 0 ? "event.x" : "");
          if (random.nextBoolean()) lr.setBody(anyValue(0));
          if (random.nextBoolean()) lr.setTraceId(bytes(16));
          if (random.nextBoolean()) lr.setSpanId(bytes(random.nextInt(4) == 0 ? 5 : 8));
        }
      }
    }
    return req.build();
  }

  private Iterable<KeyValue> keyValues(int n, int depth) {
    java.util.List<KeyValue> out = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      KeyValue.Builder kv =
          KeyValue.newBuilder().setKey("k" + i + (random.nextBoolean() ? "é" : ""));
      if (random.nextInt(10) > 0) kv.setValue(anyValue(depth));
      out.add(kv.build());
    }
    return out;
  }

  private AnyValue anyValue(int depth) {
    int kind = random.nextInt(depth > 2 ? 6 : 8);
    AnyValue.Builder v = AnyValue.newBuilder();
    switch (kind) {
      case 0 -> v.setStringValue("s" + random.nextInt(1000) + "\u2603\n\"");
      case 1 -> v.setBoolValue(random.nextBoolean());
      case 2 -> v.setIntValue(random.nextLong());
      case 3 -> v.setDoubleValue(random.nextDouble() * 1e6);
      case 4 -> v.setBytesValue(bytes(random.nextInt(6)));
      case 5 -> {
        /* empty AnyValue */
      }
      case 6 -> {
        ArrayValue.Builder a = ArrayValue.newBuilder();
        for (int i = 0, n = random.nextInt(4); i < n; i++) a.addValues(anyValue(depth + 1));
        v.setArrayValue(a);
      }
      default ->
          v.setKvlistValue(
              KeyValueList.newBuilder().addAllValues(keyValues(random.nextInt(4), depth + 1)));
    }
    return v.build();
  }

  private ByteString bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return ByteString.copyFrom(b);
  }
}
