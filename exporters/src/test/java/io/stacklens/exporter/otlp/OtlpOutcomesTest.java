package io.stacklens.exporter.otlp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.stacklens.agent.api.ExportException;
import io.stacklens.agent.data.Signal;
import io.stacklens.exporter.otlp.OtlpOutcomes.PartialSuccess;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What OTLP servers' answers mean, per the "Failures" and "Partial success" rules of OTLP. */
class OtlpOutcomesTest {
  private static final String TARGET = "OTLP/gRPC gateway:4317";
  private static final String URL = "https://gateway:4318/v1/logs";
  private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

  /** A gRPC failure as a server following OTLP sends it: a rich status with its details. */
  private static StatusRuntimeException grpc(Status.Code code, Message... details) {
    com.google.rpc.Status.Builder status =
        com.google.rpc.Status.newBuilder().setCode(code.value()).setMessage("server says no");
    for (Message detail : details) status.addDetails(Any.pack(detail));
    return StatusProto.toStatusRuntimeException(status.build());
  }

  private static RetryInfo retryInfo(long seconds, int nanos) {
    return RetryInfo.newBuilder()
        .setRetryDelay(
            com.google.protobuf.Duration.newBuilder().setSeconds(seconds).setNanos(nanos))
        .build();
  }

  // gRPC

  @ParameterizedTest
  @EnumSource(
      value = Status.Code.class,
      names = {
        "CANCELLED",
        "DEADLINE_EXCEEDED",
        "ABORTED",
        "OUT_OF_RANGE",
        "UNAVAILABLE",
        "DATA_LOSS"
      })
  void theRetryableGrpcCodesAreRetryableWithoutAHint(Status.Code code) {
    ExportException e = OtlpOutcomes.fromGrpc(grpc(code), TARGET);

    assertThat(e.isPermanent()).isFalse();
    assertThat(e.retryAfter()).isNull();
    assertThat(e.rejectedCount()).isZero();
    assertThat(e.getMessage()).startsWith(TARGET + ": " + code.name());
  }

  @ParameterizedTest
  @EnumSource(
      value = Status.Code.class,
      names = {
        "UNKNOWN",
        "INVALID_ARGUMENT",
        "NOT_FOUND",
        "ALREADY_EXISTS",
        "PERMISSION_DENIED",
        "FAILED_PRECONDITION",
        "UNIMPLEMENTED",
        "INTERNAL",
        "UNAUTHENTICATED"
      })
  void everyOtherGrpcCodeIsPermanentWithTheCodeAsReason(Status.Code code) {
    ExportException e = OtlpOutcomes.fromGrpc(grpc(code), TARGET);

    assertThat(e.isPermanent()).isTrue();
    assertThat(e.reason()).isEqualTo(code.name().toLowerCase(java.util.Locale.ROOT));
    assertThat(e.retryAfter()).isNull();
  }

  @Test
  void aPermanentCodeStaysPermanentEvenWithRetryInfo() {
    ExportException e =
        OtlpOutcomes.fromGrpc(grpc(Status.Code.INVALID_ARGUMENT, retryInfo(5, 0)), TARGET);

    assertThat(e.isPermanent()).isTrue();
    assertThat(e.reason()).isEqualTo("invalid_argument");
  }

  @Test
  void resourceExhaustedWithoutRetryInfoIsPermanent() {
    ExportException e = OtlpOutcomes.fromGrpc(grpc(Status.Code.RESOURCE_EXHAUSTED), TARGET);

    assertThat(e.isPermanent()).isTrue();
    assertThat(e.reason()).isEqualTo("resource_exhausted");
    assertThat(e.getMessage()).contains("RESOURCE_EXHAUSTED").contains("without RetryInfo");
  }

  @Test
  void resourceExhaustedWithRetryInfoIsRetryableAfterTheServersDelay() {
    ExportException e =
        OtlpOutcomes.fromGrpc(
            grpc(Status.Code.RESOURCE_EXHAUSTED, retryInfo(1, 500_000_000)), TARGET);

    assertThat(e.isPermanent()).isFalse();
    assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void unavailableWithRetryInfoCarriesTheDelay() {
    ExportException e =
        OtlpOutcomes.fromGrpc(grpc(Status.Code.UNAVAILABLE, retryInfo(3, 0)), TARGET);

    assertThat(e.isPermanent()).isFalse();
    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void retryInfoIsFoundAmongOtherDetails() {
    ErrorInfo info = ErrorInfo.newBuilder().setReason("QUOTA").setDomain("gateway").build();

    ExportException e =
        OtlpOutcomes.fromGrpc(
            grpc(Status.Code.RESOURCE_EXHAUSTED, info, retryInfo(0, 250_000_000)), TARGET);

    assertThat(e.isPermanent()).isFalse();
    assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void detailsWithoutRetryInfoGiveNoDelay() {
    ErrorInfo info = ErrorInfo.newBuilder().setReason("QUOTA").build();

    assertThat(OtlpOutcomes.fromGrpc(grpc(Status.Code.UNAVAILABLE, info), TARGET).retryAfter())
        .isNull();
    assertThat(OtlpOutcomes.fromGrpc(grpc(Status.Code.RESOURCE_EXHAUSTED, info), TARGET))
        .satisfies(e -> assertThat(e.isPermanent()).isTrue());
  }

  @Test
  void aNegativeRetryDelayIsNoWait() {
    ExportException e =
        OtlpOutcomes.fromGrpc(grpc(Status.Code.UNAVAILABLE, retryInfo(-5, 0)), TARGET);

    assertThat(e.retryAfter()).isEqualTo(Duration.ZERO);
  }

  @Test
  void aPlainStatusWithoutDetailsIsClassifiedByItsCode() {
    StatusRuntimeException plain =
        Status.UNAVAILABLE.withDescription("connection refused").asRuntimeException();

    ExportException e = OtlpOutcomes.fromGrpc(plain, TARGET);

    assertThat(e.isPermanent()).isFalse();
    assertThat(e.retryAfter()).isNull();
    assertThat(e.getMessage()).isEqualTo(TARGET + ": UNAVAILABLE: connection refused");
    assertThat(e.getCause()).isSameAs(plain);
  }

  @Test
  void aStatusWithoutDescriptionShowsItsCause() {
    StatusRuntimeException failed =
        Status.UNAVAILABLE.withCause(new java.net.ConnectException("refused")).asRuntimeException();

    assertThat(OtlpOutcomes.fromGrpc(failed, TARGET).getMessage())
        .isEqualTo(TARGET + ": UNAVAILABLE: refused");
  }

  @Test
  void aLongMultiLineDescriptionIsShownOnOneShortenedLine() {
    String description = "first line\nsecond line\r\n" + "x".repeat(1000);

    String message =
        OtlpOutcomes.fromGrpc(
                Status.INVALID_ARGUMENT.withDescription(description).asRuntimeException(), TARGET)
            .getMessage();

    assertThat(message).doesNotContain("\n").doesNotContain("\r").endsWith("...");
    assertThat(message).contains("first line second line");
    assertThat(message.length()).isLessThan(400);
  }

  // HTTP

  @ParameterizedTest
  @ValueSource(ints = {429, 502, 503, 504})
  void theRetryableHttpStatusesAreRetryable(int status) {
    ExportException e = OtlpOutcomes.fromHttp(status, null, null, false, URL, NOW);

    assertThat(e.isPermanent()).isFalse();
    assertThat(e.retryAfter()).isNull();
    assertThat(e.getMessage()).isEqualTo(URL + ": HTTP " + status);
  }

  @ParameterizedTest
  @ValueSource(ints = {301, 400, 401, 403, 404, 405, 413, 415, 500, 501, 505})
  void everyOtherHttpStatusIsPermanentWithTheStatusAsReason(int status) {
    ExportException e = OtlpOutcomes.fromHttp(status, "10", null, false, URL, NOW);

    assertThat(e.isPermanent()).isTrue();
    assertThat(e.reason()).isEqualTo("http_" + status);
    assertThat(e.retryAfter()).as("Retry-After of a permanent failure").isNull();
  }

  @Test
  void retryAfterInSecondsIsTheLeastWait() {
    ExportException e = OtlpOutcomes.fromHttp(429, "7", null, false, URL, NOW);

    assertThat(e.isPermanent()).isFalse();
    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void retryAfterAsAnHttpDateIsTheTimeUntilThen() {
    String in90Seconds =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(90).atOffset(ZoneOffset.UTC));

    ExportException e = OtlpOutcomes.fromHttp(503, in90Seconds, null, false, URL, NOW);

    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void anUnreadableRetryAfterIsNoHint() {
    ExportException e = OtlpOutcomes.fromHttp(503, "soon", null, false, URL, NOW);

    assertThat(e.isPermanent()).isFalse();
    assertThat(e.retryAfter()).isNull();
  }

  @Test
  void theMessageOfAProtobufStatusBodyIsShown() {
    byte[] body =
        com.google.rpc.Status.newBuilder()
            .setCode(8)
            .setMessage("tenant over quota")
            .build()
            .toByteArray();

    ExportException e = OtlpOutcomes.fromHttp(429, null, body, false, URL, NOW);

    assertThat(e.getMessage()).isEqualTo(URL + ": HTTP 429: tenant over quota");
  }

  @Test
  void theMessageOfAJsonStatusBodyIsShown() {
    byte[] body = "{\"code\":3,\"message\":\"bad trace id\"}".getBytes(UTF_8);

    ExportException e = OtlpOutcomes.fromHttp(400, null, body, true, URL, NOW);

    assertThat(e.getMessage()).isEqualTo(URL + ": HTTP 400: bad trace id");
  }

  @Test
  void aBodyThatIsNoStatusIsShownAsTextOnOneShortenedLine() {
    byte[] body =
        ("<html>\n<body>Bad Gateway</body>\n</html>\n" + "y".repeat(1000)).getBytes(UTF_8);

    String message = OtlpOutcomes.fromHttp(502, null, body, true, URL, NOW).getMessage();

    assertThat(message)
        .startsWith(URL + ": HTTP 502: <html> <body>Bad Gateway</body>")
        .doesNotContain("\n")
        .endsWith("...");
    assertThat(message.length()).isLessThan(URL.length() + 350);
  }

  // Retry-After

  @Test
  void parsesRetryAfterSeconds() {
    assertThat(OtlpOutcomes.parseRetryAfter("120", NOW)).isEqualTo(Duration.ofSeconds(120));
    assertThat(OtlpOutcomes.parseRetryAfter(" 5 ", NOW)).isEqualTo(Duration.ofSeconds(5));
    assertThat(OtlpOutcomes.parseRetryAfter("0", NOW)).isEqualTo(Duration.ZERO);
  }

  @Test
  void parsesRetryAfterHttpDates() {
    assertThat(OtlpOutcomes.parseRetryAfter("Mon, 07 Dec 2026 10:02:00 GMT", NOW))
        .isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void anHttpDateInThePastMeansNoWait() {
    assertThat(OtlpOutcomes.parseRetryAfter("Mon, 07 Dec 2026 09:00:00 GMT", NOW))
        .isEqualTo(Duration.ZERO);
  }

  @Test
  void absentOrUnreadableRetryAfterIsNull() {
    assertThat(OtlpOutcomes.parseRetryAfter(null, NOW)).isNull();
    assertThat(OtlpOutcomes.parseRetryAfter("", NOW)).isNull();
    assertThat(OtlpOutcomes.parseRetryAfter("   ", NOW)).isNull();
    assertThat(OtlpOutcomes.parseRetryAfter("-1", NOW)).isNull();
    assertThat(OtlpOutcomes.parseRetryAfter("1.5", NOW)).isNull();
    assertThat(OtlpOutcomes.parseRetryAfter("tomorrow", NOW)).isNull();
    assertThat(OtlpOutcomes.parseRetryAfter("2026-12-07T10:02:00Z", NOW)).isNull();
  }

  // partial_success

  @Test
  void readsRejectedLogRecordsFromAResponse() {
    ExportLogsServiceResponse response =
        ExportLogsServiceResponse.newBuilder()
            .setPartialSuccess(
                ExportLogsPartialSuccess.newBuilder()
                    .setRejectedLogRecords(3)
                    .setErrorMessage("too old"))
            .build();

    assertThat(OtlpOutcomes.partialSuccess(response)).isEqualTo(new PartialSuccess(3, "too old"));
  }

  @Test
  void readsRejectedSpansAndDataPointsFromResponses() {
    ExportTraceServiceResponse traces =
        ExportTraceServiceResponse.newBuilder()
            .setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(4))
            .build();
    ExportMetricsServiceResponse metrics =
        ExportMetricsServiceResponse.newBuilder()
            .setPartialSuccess(
                ExportMetricsPartialSuccess.newBuilder()
                    .setRejectedDataPoints(5)
                    .setErrorMessage("unit"))
            .build();

    assertThat(OtlpOutcomes.partialSuccess(traces)).isEqualTo(new PartialSuccess(4, ""));
    assertThat(OtlpOutcomes.partialSuccess(metrics)).isEqualTo(new PartialSuccess(5, "unit"));
  }

  @Test
  void aResponseWithoutPartialSuccessSaysNothing() {
    assertThat(OtlpOutcomes.partialSuccess(ExportLogsServiceResponse.getDefaultInstance()))
        .isEqualTo(PartialSuccess.NONE);
    assertThat(OtlpOutcomes.partialSuccess(ExportTraceServiceResponse.getDefaultInstance()))
        .isEqualTo(PartialSuccess.NONE);
    assertThat(OtlpOutcomes.partialSuccess(ExportMetricsServiceResponse.getDefaultInstance()))
        .isEqualTo(PartialSuccess.NONE);
  }

  @Test
  void readsPartialSuccessFromAProtobufBody() {
    byte[] body =
        ExportTraceServiceResponse.newBuilder()
            .setPartialSuccess(
                ExportTracePartialSuccess.newBuilder()
                    .setRejectedSpans(2)
                    .setErrorMessage("no name"))
            .build()
            .toByteArray();

    assertThat(OtlpOutcomes.partialSuccess(Signal.TRACES, body, false))
        .isEqualTo(new PartialSuccess(2, "no name"));
  }

  @Test
  void readsPartialSuccessFromAJsonBody() {
    byte[] logs =
        "{\"partialSuccess\":{\"rejectedLogRecords\":\"3\",\"errorMessage\":\"too old\"}}"
            .getBytes(UTF_8);
    byte[] metrics = "{\"partialSuccess\":{\"rejectedDataPoints\":7}}".getBytes(UTF_8);

    assertThat(OtlpOutcomes.partialSuccess(Signal.LOGS, logs, true))
        .isEqualTo(new PartialSuccess(3, "too old"));
    assertThat(OtlpOutcomes.partialSuccess(Signal.METRICS, metrics, true))
        .isEqualTo(new PartialSuccess(7, ""));
  }

  @Test
  void readsSnakeCaseJsonKeysToo() {
    byte[] body = "{\"partial_success\":{\"rejected_spans\":1}}".getBytes(UTF_8);

    assertThat(OtlpOutcomes.partialSuccess(Signal.TRACES, body, true))
        .isEqualTo(new PartialSuccess(1, ""));
  }

  @Test
  void anEmptyOrUnreadableBodySaysNothing() {
    assertThat(OtlpOutcomes.partialSuccess(Signal.LOGS, null, false))
        .isEqualTo(PartialSuccess.NONE);
    assertThat(OtlpOutcomes.partialSuccess(Signal.LOGS, new byte[0], true))
        .isEqualTo(PartialSuccess.NONE);
    assertThat(OtlpOutcomes.partialSuccess(Signal.LOGS, "{}".getBytes(UTF_8), true))
        .isEqualTo(PartialSuccess.NONE);
    assertThat(OtlpOutcomes.partialSuccess(Signal.LOGS, "not json".getBytes(UTF_8), true))
        .isEqualTo(PartialSuccess.NONE);
    assertThat(
            OtlpOutcomes.partialSuccess(
                Signal.TRACES, new byte[] {(byte) 0xff, (byte) 0xff, 0x01}, false))
        .isEqualTo(PartialSuccess.NONE);
  }

  @Test
  void rejectedRecordsAreAPermanentRejectionNamingCountAndMessage() {
    ExportException e =
        catchThrowableOfType(
            ExportException.class,
            () -> OtlpOutcomes.check(new PartialSuccess(3, "too old"), "OTLP/gRPC gw:4317 logs"));

    assertThat(e).isNotNull();
    assertThat(e.isPermanent()).isTrue();
    assertThat(e.rejectedCount()).isEqualTo(3);
    assertThat(e.reason()).isEqualTo(OtlpOutcomes.PARTIAL_SUCCESS).isEqualTo("partial_success");
    assertThat(e.retryAfter()).isNull();
    assertThat(e.unsent()).isNull();
    assertThat(e.getMessage())
        .isEqualTo("OTLP/gRPC gw:4317 logs: the server refused 3 record(s): too old");
  }

  @Test
  void rejectedRecordsWithoutMessageAreStillARejection() {
    ExportException e =
        catchThrowableOfType(
            ExportException.class, () -> OtlpOutcomes.check(new PartialSuccess(1, ""), "x"));

    assertThat(e).isNotNull();
    assertThat(e.getMessage()).isEqualTo("x: the server refused 1 record(s)");
  }

  @Test
  void aMessageWithNothingRejectedIsAWarning() throws ExportException {
    assertThat(OtlpOutcomes.check(new PartialSuccess(0, "deprecated\nfield"), "x"))
        .isEqualTo("deprecated field");
  }

  @Test
  void nothingRejectedAndNoMessageIsPlainSuccess() throws ExportException {
    assertThat(OtlpOutcomes.check(PartialSuccess.NONE, "x")).isNull();
  }
}
