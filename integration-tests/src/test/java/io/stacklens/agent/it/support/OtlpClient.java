package io.stacklens.agent.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.stacklens.agent.otlp.OtlpJson;
import java.net.http.HttpResponse;

/** The ways a client can send one OTLP logs request to the agent; each asserts full acceptance. */
public enum OtlpClient {
  GRPC,
  GRPC_GZIP,
  HTTP_PROTOBUF,
  HTTP_JSON,
  HTTP_PROTOBUF_GZIP,
  HTTP_JSON_GZIP,
  HTTP_PROTOBUF_ZSTD;

  public void send(RunningAgent agent, ExportLogsServiceRequest request) throws Exception {
    switch (this) {
      case GRPC, GRPC_GZIP -> {
        try (RawGrpc grpc = new RawGrpc(agent.grpcPort())) {
          ExportLogsServiceResponse response =
              this == GRPC ? grpc.export(request) : grpc.exportGzip(request);
          assertThat(
                  response.hasPartialSuccess()
                      ? response.getPartialSuccess().getRejectedLogRecords()
                      : 0)
              .as("rejected records: %s", response)
              .isZero();
        }
      }
      case HTTP_PROTOBUF ->
          accepted(
              RawHttp.post(agent.httpUrl("/v1/logs"), RawHttp.PROTOBUF, request.toByteArray()));
      case HTTP_JSON ->
          accepted(
              RawHttp.post(agent.httpUrl("/v1/logs"), RawHttp.JSON, OtlpJson.toJsonBytes(request)));
      case HTTP_PROTOBUF_GZIP ->
          accepted(
              RawHttp.post(
                  agent.httpUrl("/v1/logs"),
                  RawHttp.PROTOBUF,
                  "gzip",
                  RawHttp.gzip(request.toByteArray())));
      case HTTP_JSON_GZIP ->
          accepted(
              RawHttp.post(
                  agent.httpUrl("/v1/logs"),
                  RawHttp.JSON,
                  "gzip",
                  RawHttp.gzip(OtlpJson.toJsonBytes(request))));
      case HTTP_PROTOBUF_ZSTD ->
          accepted(
              RawHttp.post(
                  agent.httpUrl("/v1/logs"),
                  RawHttp.PROTOBUF,
                  "zstd",
                  com.github.luben.zstd.Zstd.compress(request.toByteArray())));
      default -> throw new IllegalStateException(name());
    }
  }

  private static void accepted(HttpResponse<byte[]> response) throws Exception {
    assertThat(response.statusCode())
        .as(
            "HTTP status, body: %s",
            new String(response.body(), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo(200);
    String type = response.headers().firstValue("Content-Type").orElse("");
    ExportLogsServiceResponse body =
        type.contains("json")
            ? OtlpJson.parse(response.body(), ExportLogsServiceResponse.newBuilder()).build()
            : ExportLogsServiceResponse.parseFrom(response.body());
    assertThat(body.getPartialSuccess().getRejectedLogRecords())
        .as("rejected records: %s", body)
        .isZero();
  }
}
