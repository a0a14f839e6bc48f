package io.stacklens.exporter.codec.jsonlines;

import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.exporter.file.TestData;
import java.util.ArrayList;
import java.util.List;

/**
 * Public entry points to the package-private {@code json_lines} log encoders, for the benchmarks in
 * {@code bench}: the current byte writer and the old Jackson encoder, each reusing one buffer.
 */
public final class LogLineEncoders {
  private final ByteBuf buffer = new ByteBuf(256 * 1024);
  private final JsonLinesLogs bytes = new JsonLinesLogs(buffer);
  private final JacksonLogLines jackson = new JacksonLogLines();

  /** Encodes with the byte writer; returns the encoded length. */
  public int encodeWithByteWriter(LogsBatch batch) {
    buffer.reset();
    bytes.write(batch);
    return buffer.size();
  }

  /** Encodes with the old Jackson encoder; returns the encoded length. */
  public int encodeWithJackson(LogsBatch batch) {
    buffer.reset();
    jackson.write(batch, buffer);
    return buffer.size();
  }

  /**
   * {@code records} records shaped like the load generator's: a 200-char ASCII body, five record
   * attributes, trace and span ids, under one resource of five attributes and one scope (~730 bytes
   * a line).
   */
  public static LogsBatch typicalBatch(int records) {
    ResourceLogs rl =
        TestData.resource(
            Attributes.of(
                "service.name",
                "checkout",
                "service.version",
                "1.4.2",
                "host.name",
                "node-17.prod.example.com",
                "deployment.environment",
                "production",
                "process.pid",
                48213L));
    ScopeLogs sl = TestData.scope(rl, "io.stacklens.loadgen", "0.1.0", new Attributes());
    String padding = "x".repeat(200);
    for (int i = 0; i < records; i++) {
      String body =
          ("GET /api/v1/orders/" + i + " served in 12ms for user 42; " + padding).substring(0, 200);
      sl.logRecords()
          .add(
              new LogRecord(
                      Attributes.of(
                          "http.method",
                          "GET",
                          "http.status_code",
                          200L,
                          "http.route",
                          "/api/v1/orders/{id}",
                          "duration_ms",
                          12.5,
                          "user.id",
                          "user-" + (i % 97)))
                  .setTimeUnixNano(TestData.T0 + i * 1000L)
                  .setObservedTimeUnixNano(TestData.T0 + i * 1000L + 17)
                  .setSeverityNumber(9)
                  .setSeverityText("INFO")
                  .setBody(body)
                  .setTraceId(TestData.traceId())
                  .setSpanId(TestData.spanId())
                  .setFlags(1));
    }
    return new LogsBatch(new ArrayList<>(List.of(rl)));
  }

  /**
   * {@code records} records shaped like the processor-chain benchmark's output: a JSON body (~330
   * chars, with quotes to escape), the five loadgen attributes plus the eight parsed fields and the
   * GeoIP and lookup attributes (strings, doubles and a list), under an enriched resource of nine
   * attributes.
   */
  public static LogsBatch enrichedBatch(int records) {
    ResourceLogs rl =
        TestData.resource(
            Attributes.of(
                "service.name",
                "checkout",
                "service.version",
                "1.4.2",
                "host.name",
                "node-17.prod.example.com",
                "deployment.environment",
                "production",
                "process.pid",
                48213L));
    rl.resource().attributes().put("os.type", "linux");
    rl.resource().attributes().put("host.ip", List.of("10.0.0.7", "fd00:0:0:0:0:0:0:2"));
    ScopeLogs sl = TestData.scope(rl, "io.stacklens.loadgen", "0.1.0", new Attributes());
    for (int i = 0; i < records; i++) {
      String message =
          "seq="
              + i
              + " commit retry connection worker accepted cache commit connection refused session";
      String body =
          "{\"timestamp\":\"2026-11-23T19:20:53.911Z\",\"level\":\"warn\",\"service\":\"checkout\","
              + "\"user_id\":\"u-"
              + (i % 97)
              + "\",\"client_ip\":\"175.16.199.1\",\"product_id\":\"p-"
              + i
              + "\",\"error_code\":\"PRICE_MISSING\",\"message\":\""
              + message
              + "\"}";
      Attributes a =
          Attributes.of(
              "http.request.method",
              "POST",
              "http.response.status_code",
              500L,
              "url.path",
              "/api/v1/items/" + i,
              "loadgen.sequence",
              (long) i,
              "loadgen.attr.4",
              "ba696786952b27de");
      a.put("level", "warn");
      a.put("service", "checkout");
      a.put("user_id", "u-" + (i % 97));
      a.put("client_ip", "175.16.199.1");
      a.put("product_id", "p-" + i);
      a.put("error_code", "PRICE_MISSING");
      a.put("message", message);
      a.put("geo.country.iso_code", "CN");
      a.put("geo.city.name", "Changchun");
      a.put("geo.location.lat", 43.88);
      a.put("geo.location.lon", 125.3228);
      a.put("product.name", "Product " + i);
      a.put("product.price", "82.99");
      a.put("enrichment.sources", List.of("resource", "geoip", "products"));
      sl.logRecords()
          .add(
              new LogRecord(a)
                  .setTimeUnixNano(TestData.T0 + i * 1000L)
                  .setObservedTimeUnixNano(TestData.T0 + i * 1000L + 17)
                  .setSeverityNumber(13)
                  .setSeverityText("warn")
                  .setBody(body)
                  .setTraceId(TestData.traceId())
                  .setSpanId(TestData.spanId())
                  .setFlags(1));
    }
    return new LogsBatch(new ArrayList<>(List.of(rl)));
  }
}
