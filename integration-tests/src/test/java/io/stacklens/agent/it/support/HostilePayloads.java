package io.stacklens.agent.it.support;

import io.stacklens.agent.api.Signal;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Single requests that each, with the default launcher's heap (-Xmx160m), used to end the agent in
 * OutOfMemoryError: small or mid-sized on the wire, huge once decoded. Built straight as bytes (no
 * protobuf builders), so making them costs the sender little memory. Shared by HostileRequestsTest
 * and the hostile-input benchmark (bench/hostile.sh).
 */
public final class HostilePayloads {
  public static final int MIB = 1024 * 1024;
  public static final int MILLION = 1_000_000;

  /** The five cases, with what the agent should answer. */
  public enum Case {
    HUGE_STRING_VALUE("OTLP/HTTP protobuf: one log record whose body is a 19 MiB string",
        "200, partial_success rejects the record (max_value_size)"),
    MILLION_ATTRIBUTES("OTLP/gRPC: one log record with 1,000,000 attributes",
        "OK, partial_success rejects the record (max_attributes_per_record)"),
    MILLION_EMPTY_RECORDS("OTLP/HTTP protobuf: 1,000,000 empty log records",
        "413 (max_records_per_request)"),
    MILLION_JSON_RECORDS("OTLP/HTTP JSON: 1,000,000 {} log records",
        "413 (max_records_per_request)"),
    MILLION_NDJSON_LINES("http_json: 1,000,000 NDJSON lines",
        "413 (max_records_per_request)");

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
      };
    }
  }

  private HostilePayloads() {}

  /** Case 1: {@code ExportLogsServiceRequest} with one log record whose body is a 19 MiB string. */
  public static Request hugeStringValue() {
    byte[] text = new byte[19 * MIB];
    Arrays.fill(text, (byte) 'x');
    byte[] anyValue = Wire.field(1, text); // AnyValue.string_value
    byte[] record = Wire.field(5, anyValue); // LogRecord.body
    return Request.otlpProtobuf(Signal.LOGS, logsRequest(record));
  }

  /** Case 2: one log record with 1,000,000 attributes {@code kN = N}, about 17 MB, over gRPC. */
  public static Request millionAttributes() {
    ByteArrayOutputStream record = new ByteArrayOutputStream(18 * MIB);
    for (int i = 0; i < MILLION; i++) {
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
    byte[] line = "{\"message\":\"m\"}\n".getBytes(StandardCharsets.US_ASCII);
    byte[] body = new byte[line.length * MILLION];
    for (int i = 0; i < MILLION; i++) System.arraycopy(line, 0, body, i * line.length, line.length);
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
