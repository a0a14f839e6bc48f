package io.stacklens.agent.it.support;

import io.stacklens.agent.data.Signal;
import java.util.Map;

/**
 * One request to send to an agent: where, and the bytes. For HTTP, {@code method}, {@code path},
 * {@code contentType} (null: no header), {@code contentEncoding} (null: none) and extra headers
 * apply; for gRPC, {@code signal} picks the service and a non-null {@code contentEncoding} ("gzip")
 * means the body is already gzip-compressed and goes out as a compressed gRPC message.
 */
public record Request(
    Transport transport,
    Signal signal,
    String method,
    String path,
    String contentType,
    String contentEncoding,
    Map<String, String> headers,
    byte[] body) {

  public static final String PROTOBUF = "application/x-protobuf";
  public static final String JSON = "application/json";
  public static final String NDJSON = "application/x-ndjson";
  public static final String INGEST_PATH = "/ingest";

  /** {@code POST /v1/<signal>} with protobuf. */
  public static Request otlpProtobuf(Signal signal, byte[] body) {
    return new Request(
        Transport.OTLP_HTTP_PROTOBUF,
        signal,
        "POST",
        "/v1/" + signal.id(),
        PROTOBUF,
        null,
        Map.of(),
        body);
  }

  /** {@code POST /v1/<signal>} with OTLP/JSON. */
  public static Request otlpJson(Signal signal, byte[] body) {
    return new Request(
        Transport.OTLP_HTTP_JSON, signal, "POST", "/v1/" + signal.id(), JSON, null, Map.of(), body);
  }

  /** {@code <Signal>Service/Export} over gRPC. */
  public static Request grpc(Signal signal, byte[] body) {
    return new Request(Transport.OTLP_GRPC, signal, "POST", null, null, null, Map.of(), body);
  }

  /**
   * {@code POST /ingest} of the {@code http_json} receiver, with {@code contentType} (JSON or
   * NDJSON).
   */
  public static Request ingest(String contentType, byte[] body) {
    return new Request(
        Transport.HTTP_JSON, Signal.LOGS, "POST", INGEST_PATH, contentType, null, Map.of(), body);
  }

  public Request withContentEncoding(String encoding, byte[] encodedBody) {
    return new Request(
        transport, signal, method, path, contentType, encoding, headers, encodedBody);
  }

  public Request withContentType(String type) {
    return new Request(transport, signal, method, path, type, contentEncoding, headers, body);
  }

  public Request withMethod(String m) {
    return new Request(transport, signal, m, path, contentType, contentEncoding, headers, body);
  }

  public Request withPath(String p) {
    return new Request(transport, signal, method, p, contentType, contentEncoding, headers, body);
  }

  public Request withHeaders(Map<String, String> h) {
    return new Request(transport, signal, method, path, contentType, contentEncoding, h, body);
  }

  /** One line for reports: transport, method/path, content type and encoding, body size. */
  public String describe() {
    String where =
        transport == Transport.OTLP_GRPC ? "gRPC " + signal.id() + "/Export" : method + " " + path;
    return transport
        + " "
        + where
        + (contentType != null ? " [" + contentType + "]" : "")
        + (contentEncoding != null ? " [" + contentEncoding + "]" : "")
        + " "
        + body.length
        + " bytes";
  }
}
