package io.stacklens.agent.it.support;

import io.stacklens.agent.data.Signal;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Single requests that each, with the launcher's heap of the time (-Xmx160m), used to end the agent
 * in OutOfMemoryError: small or mid-sized on the wire, huge once decoded. Built straight as bytes
 * (no protobuf builders), so making them costs the sender little memory. Shared by
 * HostileRequestsTest and the hostile-input benchmark (bench/hostile.sh).
 */
public final class HostilePayloads {
  public static final int MIB = 1024 * 1024;
  public static final int MILLION = 1_000_000;

  /**
   * The five requests of the bug report, with what the agent answers now; the three larger ones are
   * over the default body limit (8 MiB), so they are also sent cut to fit under it, which reaches
   * the decode limits behind it.
   */
  public enum Case {
    HUGE_STRING_VALUE(
        "OTLP/HTTP protobuf: one log record whose body is a 19 MiB string",
        "413 (protocols.http.max_request_body_size)"),
    MILLION_ATTRIBUTES(
        "OTLP/gRPC: one log record with 1,000,000 attributes (17 MB)",
        "RESOURCE_EXHAUSTED (protocols.grpc.max_recv_msg_size)"),
    MILLION_EMPTY_RECORDS(
        "OTLP/HTTP protobuf: 1,000,000 empty log records", "413 (max_records_per_request)"),
    MILLION_JSON_RECORDS(
        "OTLP/HTTP JSON: 1,000,000 {} log records", "413 (max_records_per_request)"),
    MILLION_NDJSON_LINES(
        "http_json: 1,000,000 NDJSON lines (16 MB)", "413 (max_request_body_size)"),
    LARGE_STRING_VALUE(
        "OTLP/HTTP protobuf: one log record whose body is a 7 MiB string",
        "200, partial_success rejects the record (max_value_size)"),
    MANY_ATTRIBUTES(
        "OTLP/gRPC: one log record with 400,000 attributes (7 MB)",
        "OK, partial_success rejects the record (max_attributes_per_record)"),
    MILLION_SHORT_NDJSON_LINES(
        "http_json: 1,000,000 NDJSON lines {} (3 MB)", "413 (max_records_per_request)");

    public final String title;
    public final String expected;

    Case(String title, String expected) {
      this.title = title;
      this.expected = expected;
    }

    public Request request() {
      return switch (this) {
        case HUGE_STRING_VALUE -> hugeStringValue();
        case MILLION_ATTRIBUTES -> millionAttributes();
        case MILLION_EMPTY_RECORDS -> millionEmptyRecords();
        case MILLION_JSON_RECORDS -> millionJsonRecords();
        case MILLION_NDJSON_LINES -> millionNdjsonLines();
        case LARGE_STRING_VALUE -> stringValue(7 * MIB);
        case MANY_ATTRIBUTES -> attributes(400_000);
        case MILLION_SHORT_NDJSON_LINES -> ndjsonLines("{}\n", MILLION);
      };
    }
  }

  private HostilePayloads() {}

  /** Case 1: {@code ExportLogsServiceRequest} with one log record whose body is a 19 MiB string. */
  public static Request hugeStringValue() {
    return stringValue(19 * MIB);
  }

  /** One log record whose body is a string of {@code bytes} bytes. */
  public static Request stringValue(int bytes) {
    byte[] text = new byte[bytes];
    Arrays.fill(text, (byte) 'x');
    byte[] anyValue = Wire.field(1, text); // AnyValue.string_value
    byte[] record = Wire.field(5, anyValue); // LogRecord.body
    return Request.otlpProtobuf(Signal.LOGS, logsRequest(record));
  }

  /** Case 2: one log record with 1,000,000 attributes {@code kN = N}, about 17 MB, over gRPC. */
  public static Request millionAttributes() {
    return attributes(MILLION);
  }

  /** One log record with {@code n} attributes {@code kN = N}, over gRPC. */
  public static Request attributes(int n) {
    ByteArrayOutputStream record = new ByteArrayOutputStream(n * 18);
    for (int i = 0; i < n; i++) {
      byte[] key = ("k" + i).getBytes(StandardCharsets.US_ASCII);
      byte[] value = Wire.varintField(3, i); // AnyValue.int_value
      byte[] kv = Wire.concat(Wire.field(1, key), Wire.field(2, value));
      record.writeBytes(Wire.field(6, kv)); // LogRecord.attributes
    }
    return Request.grpc(Signal.LOGS, logsRequest(record.toByteArray()));
  }

  /** Case 3: 1,000,000 empty log records in one scope: 2 bytes each on the wire, 2 MB in all. */
  public static Request millionEmptyRecords() {
    byte[] records = new byte[2 * MILLION];
    for (int i = 0; i < MILLION; i++) records[2 * i] = 0x12; // ScopeLogs.log_records, length 0
    byte[] scope = records;
    byte[] resource = Wire.field(2, scope); // ResourceLogs.scope_logs
    return Request.otlpProtobuf(Signal.LOGS, Wire.field(1, resource));
  }

  /** Case 4: OTLP/JSON with 1,000,000 {@code {}} log records, 3 MB. */
  public static Request millionJsonRecords() {
    StringBuilder sb = new StringBuilder(3 * MILLION + 64);
    sb.append("{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[");
    for (int i = 0; i < MILLION; i++) sb.append(i == 0 ? "{}" : ",{}");
    sb.append("]}]}]}");
    return Request.otlpJson(Signal.LOGS, sb.toString().getBytes(StandardCharsets.US_ASCII));
  }

  /** Case 5: 1,000,000 NDJSON lines {@code {"message":"m"}} to http_json, 16 MB. */
  public static Request millionNdjsonLines() {
    return ndjsonLines("{\"message\":\"m\"}\n", MILLION);
  }

  /** {@code n} copies of {@code line} (newline included) as one NDJSON body to http_json. */
  public static Request ndjsonLines(String line, int n) {
    byte[] bytes = line.getBytes(StandardCharsets.US_ASCII);
    byte[] body = new byte[bytes.length * n];
    for (int i = 0; i < n; i++) System.arraycopy(bytes, 0, body, i * bytes.length, bytes.length);
    return Request.ingest(Request.NDJSON, body);
  }

  /** {@code ExportLogsServiceRequest{resource_logs{scope_logs{log_records: record}}}}. */
  private static byte[] logsRequest(byte[] record) {
    byte[] scope = Wire.field(2, record); // ScopeLogs.log_records
    byte[] resource = Wire.field(2, scope); // ResourceLogs.scope_logs
    return Wire.field(1, resource); // ExportLogsServiceRequest.resource_logs
  }

  /** Protobuf wire format, just enough to write length-delimited and varint fields. */
  public static final class Wire {
    private Wire() {}

    /** Field {@code number}, wire type 2 (length-delimited), holding {@code content}. */
    public static byte[] field(int number, byte[] content) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 16);
      writeVarint(out, (long) number << 3 | 2);
      writeVarint(out, content.length);
      out.writeBytes(content);
      return out.toByteArray();
    }

    /** Field {@code number}, wire type 0 (varint). */
    public static byte[] varintField(int number, long value) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(12);
      writeVarint(out, (long) number << 3);
      writeVarint(out, value);
      return out.toByteArray();
    }

    public static void writeVarint(ByteArrayOutputStream out, long value) {
      while ((value & ~0x7FL) != 0) {
        out.write((int) (value & 0x7F) | 0x80);
        value >>>= 7;
      }
      out.write((int) value);
    }

    public static int varintSize(long value) {
      int n = 1;
      while ((value & ~0x7FL) != 0) {
        n++;
        value >>>= 7;
      }
      return n;
    }

    public static byte[] concat(byte[]... parts) {
      int n = 0;
      for (byte[] p : parts) n += p.length;
      byte[] out = new byte[n];
      int at = 0;
      for (byte[] p : parts) {
        System.arraycopy(p, 0, out, at, p.length);
        at += p.length;
      }
      return out;
    }
  }
}
