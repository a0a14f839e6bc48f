package io.stacklens.agent.cli.loadgen;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.SplittableRandom;

/**
 * Builds synthetic OTLP log requests: one resource ({@code service.name=stacklens-loadgen}, {@code
 * service.instance.id}, {@code host.name}, ...), one scope, and {@code batchSize} records with
 * timestamps, severity, a body of {@code bodySize} bytes, {@code attributes} attributes and
 * trace/span ids. Deterministic for a given seed.
 */
public final class LogRequestFactory {
  /** {@code service.name} of every generated resource. */
  public static final String SERVICE_NAME = "stacklens-loadgen";

  private static final String WORDS =
      "user order payment cache request timeout retry session checkout shipped invoice token "
          + "queue worker connection refused accepted latency database commit rollback ";
  private static final SeverityNumber[] SEVERITIES = {
    SeverityNumber.SEVERITY_NUMBER_INFO,
    SeverityNumber.SEVERITY_NUMBER_INFO,
    SeverityNumber.SEVERITY_NUMBER_DEBUG,
    SeverityNumber.SEVERITY_NUMBER_WARN,
    SeverityNumber.SEVERITY_NUMBER_INFO,
    SeverityNumber.SEVERITY_NUMBER_ERROR,
  };
  private static final String[] SEVERITY_TEXTS = {"INFO", "INFO", "DEBUG", "WARN", "INFO", "ERROR"};

  /**
   * Addresses for JSON bodies: the first five resolve in the GeoIP test databases, the rest do not.
   */
  private static final String[] CLIENT_IPS = {
    "81.2.69.142",
    "2.125.160.216",
    "89.160.20.112",
    "175.16.199.1",
    "216.160.83.56",
    "8.8.8.8",
    "10.0.0.7"
  };

  private static final String[] SERVICES = {
    "checkout", "payment-service", "inventory", "pos-terminal"
  };
  private static final String[] LEVELS = {
    "info", "INFO", "warn", "WARNING", "error", "Err", "debug"
  };
  private static final String[] ERROR_CODES = {
    "PRICE_MISSING", "DATABASE_TIMEOUT", "TIMEOUT", "INVALID_ORDER"
  };

  private final int bodySize;
  private final BodyFormat bodyFormat;
  private final int attributes;
  private final SplittableRandom random;

  public LogRequestFactory(int bodySize, int attributes, long seed) {
    this(bodySize, BodyFormat.TEXT, attributes, seed);
  }

  public LogRequestFactory(int bodySize, BodyFormat bodyFormat, int attributes, long seed) {
    this.bodySize = bodySize;
    this.bodyFormat = bodyFormat;
    this.attributes = attributes;
    this.random = new SplittableRandom(seed);
  }

  /** A request of {@code recordCount} records from instance number {@code instance}. */
  public ExportLogsServiceRequest build(int instance, int recordCount, long startUnixNano) {
    ScopeLogs.Builder scope =
        ScopeLogs.newBuilder()
            .setScope(
                InstrumentationScope.newBuilder()
                    .setName("io.stacklens.agent.cli.loadgen")
                    .setVersion("1"));
    for (int i = 0; i < recordCount; i++) {
      scope.addLogRecords(record(instance, i, startUnixNano + i * 1_000L));
    }
    ResourceLogs resourceLogs =
        ResourceLogs.newBuilder()
            .setResource(
                Resource.newBuilder()
                    .addAttributes(string("service.name", SERVICE_NAME))
                    .addAttributes(string("service.instance.id", "loadgen-" + instance))
                    .addAttributes(string("service.version", "1.0.0"))
                    .addAttributes(string("host.name", "loadgen-host-" + (instance % 4)))
                    .addAttributes(string("deployment.environment", "benchmark")))
            .addScopeLogs(scope)
            .build();
    return ExportLogsServiceRequest.newBuilder().addResourceLogs(resourceLogs).build();
  }

  /** The first {@code recordCount} records of {@code request} (for a run's last, partial batch). */
  public static ExportLogsServiceRequest truncate(
      ExportLogsServiceRequest request, int recordCount) {
    ResourceLogs resource = request.getResourceLogs(0);
    ScopeLogs scope = resource.getScopeLogs(0);
    ScopeLogs truncated =
        scope.toBuilder()
            .clearLogRecords()
            .addAllLogRecords(scope.getLogRecordsList().subList(0, recordCount))
            .build();
    return request.toBuilder()
        .setResourceLogs(0, resource.toBuilder().setScopeLogs(0, truncated))
        .build();
  }

  private LogRecord record(int instance, int index, long timeUnixNano) {
    int severity = random.nextInt(SEVERITIES.length);
    LogRecord.Builder record =
        LogRecord.newBuilder()
            .setTimeUnixNano(timeUnixNano)
            .setObservedTimeUnixNano(timeUnixNano + 250_000L)
            .setSeverityNumber(SEVERITIES[severity])
            .setSeverityText(SEVERITY_TEXTS[severity])
            .setBody(
                AnyValue.newBuilder()
                    .setStringValue(
                        bodyFormat == BodyFormat.JSON
                            ? jsonBody(index, timeUnixNano)
                            : body(instance, index)))
            .setTraceId(ByteString.copyFrom(randomBytes(16)))
            .setSpanId(ByteString.copyFrom(randomBytes(8)))
            .setFlags(1);
    for (int a = 0; a < attributes; a++) {
      record.addAttributes(attribute(a, index));
    }
    return record.build();
  }

  private KeyValue attribute(int a, int index) {
    return switch (a % 5) {
      case 0 -> string("http.request.method", random.nextBoolean() ? "GET" : "POST");
      case 1 -> integer("http.response.status_code", 200 + 100 * random.nextInt(4));
      case 2 -> string("url.path", "/api/v1/items/" + random.nextInt(10_000));
      case 3 -> integer("loadgen.sequence", index);
      default -> string("loadgen.attr." + a, Long.toHexString(random.nextLong()));
    };
  }

  private String body(int instance, int index) {
    StringBuilder body = new StringBuilder(bodySize + 16);
    body.append("loadgen instance=").append(instance).append(" seq=").append(index).append(' ');
    while (body.length() < bodySize) {
      int start = random.nextInt(WORDS.length() - 12);
      int wordStart = WORDS.indexOf(' ', start) + 1;
      int wordEnd = WORDS.indexOf(' ', wordStart) + 1;
      body.append(WORDS, wordStart, wordEnd);
    }
    body.setLength(bodySize);
    return body.toString();
  }

  private String jsonBody(int index, long timeUnixNano) {
    StringBuilder b = new StringBuilder(bodySize + 200);
    b.append("{\"timestamp\":\"")
        .append(java.time.Instant.ofEpochSecond(0, timeUnixNano))
        .append("\",\"level\":\"")
        .append(LEVELS[random.nextInt(LEVELS.length)])
        .append("\",\"service\":\"")
        .append(SERVICES[random.nextInt(SERVICES.length)])
        .append("\",\"user_id\":\"u-")
        .append(random.nextInt(5_000))
        .append("\",\"client_ip\":\"")
        .append(CLIENT_IPS[random.nextInt(CLIENT_IPS.length)])
        .append("\",\"product_id\":\"p-")
        .append(random.nextInt(1_000))
        .append('"');
    if (random.nextInt(4) == 0) {
      b.append(",\"error_code\":\"")
          .append(ERROR_CODES[random.nextInt(ERROR_CODES.length)])
          .append('"');
    }
    b.append(",\"message\":\"");
    int messageStart = b.length();
    b.append("seq=").append(index).append(' ');
    while (b.length() - messageStart < Math.max(16, bodySize - 180)) {
      int start = random.nextInt(WORDS.length() - 12);
      int wordStart = WORDS.indexOf(' ', start) + 1;
      int wordEnd = WORDS.indexOf(' ', wordStart);
      b.append(WORDS, wordStart, wordEnd).append(' ');
    }
    b.setLength(b.length() - 1);
    return b.append("\"}").toString();
  }

  private byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) random.nextInt(256);
    }
    bytes[0] |= 1; // all-zero ids are invalid in OTLP
    return bytes;
  }

  private static KeyValue string(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  private static KeyValue integer(String key, long value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setIntValue(value))
        .build();
  }
}
