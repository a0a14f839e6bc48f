package io.stacklens.agent.it;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.it.support.Answer;
import io.stacklens.agent.it.support.HostilePayloads;
import io.stacklens.agent.it.support.ProcStatus;
import io.stacklens.agent.it.support.Request;
import io.stacklens.agent.it.support.TargetAgent;
import io.stacklens.agent.it.support.Transport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * "No request can crash the agent": single requests that are modest on the wire and enormous once
 * decoded, each of which ended the agent in OutOfMemoryError (exit 3) with the packaged launcher's
 * heap. Each must get its documented answer naming the limit's config key, and afterwards the agent
 * is alive, accepts (and writes) a valid request, and its peak RSS (VmHWM) stays under 300 MiB.
 *
 * <p>One agent process, started as the launcher starts it ({@code TargetAgent}), serves every case;
 * when a case kills it, the next case starts a new one, so each case is judged on its own.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileRequestsTest {
  private static final long MAX_PEAK_RSS = 300 * ProcStatus.MIB;

  /**
   * Long enough for a loaded 2-core machine; only a stuck pipeline or a dead agent takes longer.
   */
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(90);

  private static final String OTLP_LIMITS = "receivers.otlp.limits.";
  private static final String HTTP_JSON_LIMITS = "receivers.http_json.limits.";

  @TempDir static Path dir;
  private static TargetAgent agent;
  private static int starts;

  @BeforeEach
  void agentRunning() throws Exception {
    if (agent != null && agent.alive()) return;
    if (agent != null) agent.close();
    agent = TargetAgent.start(dir.resolve("agent-" + ++starts));
  }

  @AfterAll
  static void stopAgent() {
    if (agent != null) agent.close();
  }

  @Test
  @Order(1)
  void nineteenMebibyteStringIs413NamingTheBodyLimit() throws Exception {
    Answer a = agent.send(HostilePayloads.hugeStringValue());
    SoftAssertions soft = new SoftAssertions();
    expectRequestRefused(soft, a, "receivers.otlp.protocols.http.max_request_body_size");
    expectSurvived(soft, Transport.OTLP_HTTP_PROTOBUF);
    soft.assertAll();
  }

  @Test
  @Order(2)
  void twoNineteenMebibyteStringsAtOnceAreEachRefusedOrShed() throws Exception {
    Request r = HostilePayloads.hugeStringValue();
    CompletableFuture<Answer> first = CompletableFuture.supplyAsync(() -> agent.send(r));
    CompletableFuture<Answer> second = CompletableFuture.supplyAsync(() -> agent.send(r));
    SoftAssertions soft = new SoftAssertions();
    for (Answer a : List.of(first.join(), second.join())) {
      if (a.answered() && a.httpStatus() == 429) {
        // The memory budget may shed one of the two: allowed, with a retry hint.
        soft.assertThat(a.hasRetryHint()).as("429 carries Retry-After: %s", a.summary()).isTrue();
      } else {
        expectRequestRefused(soft, a, "receivers.otlp.protocols.http.max_request_body_size");
      }
    }
    expectSurvived(soft, Transport.OTLP_HTTP_PROTOBUF);
    soft.assertAll();
  }

  @Test
  @Order(3)
  void millionAttributesOverGrpcAreResourceExhaustedAtTheMessageLimit() throws Exception {
    Answer a = agent.send(HostilePayloads.millionAttributes());
    SoftAssertions soft = new SoftAssertions();
    // 17 MB is over max_recv_msg_size (8 MiB): gRPC refuses it from its length prefix, before
    // reading it.
    soft.assertThat(a.status()).as("answer: %s", a.summary()).isEqualTo("gRPC RESOURCE_EXHAUSTED");
    soft.assertThat(a.message()).as("status description").contains("8388608");
    soft.assertThat(a.hasRetryHint())
        .as("no RetryInfo: sending it again cannot help: %s", a.summary())
        .isFalse();
    expectSurvived(soft, Transport.OTLP_GRPC);
    soft.assertAll();
  }

  @Test
  @Order(4)
  void millionEmptyProtobufRecordsAre413NamingMaxRecordsPerRequest() throws Exception {
    Answer a = agent.send(HostilePayloads.millionEmptyRecords());
    SoftAssertions soft = new SoftAssertions();
    expectRequestRefused(soft, a, OTLP_LIMITS + "max_records_per_request");
    expectSurvived(soft, Transport.OTLP_HTTP_PROTOBUF);
    soft.assertAll();
  }

  @Test
  @Order(5)
  void millionEmptyJsonRecordsAre413NamingMaxRecordsPerRequest() throws Exception {
    Answer a = agent.send(HostilePayloads.millionJsonRecords());
    SoftAssertions soft = new SoftAssertions();
    expectRequestRefused(soft, a, OTLP_LIMITS + "max_records_per_request");
    expectSurvived(soft, Transport.OTLP_HTTP_JSON);
    soft.assertAll();
  }

  @Test
  @Order(6)
  void millionNdjsonLinesOf16MegabytesAre413NamingTheBodyLimit() throws Exception {
    Answer a = agent.send(HostilePayloads.millionNdjsonLines());
    SoftAssertions soft = new SoftAssertions();
    expectRequestRefused(soft, a, "receivers.http_json.max_request_body_size");
    expectSurvived(soft, Transport.HTTP_JSON);
    soft.assertAll();
  }

  @Test
  @Order(7)
  void sevenMebibyteStringUnderTheBodyLimitIsRejectedAsPartialSuccessNamingMaxValueSize()
      throws Exception {
    Answer a = agent.send(HostilePayloads.Case.LARGE_STRING_VALUE.request());
    SoftAssertions soft = new SoftAssertions();
    expectRecordRejected(soft, a, OTLP_LIMITS + "max_value_size");
    expectSurvived(soft, Transport.OTLP_HTTP_PROTOBUF);
    soft.assertAll();
  }

  @Test
  @Order(8)
  void manyAttributesOverGrpcAreRejectedAsPartialSuccessNamingMaxAttributesPerRecord()
      throws Exception {
    Answer a = agent.send(HostilePayloads.Case.MANY_ATTRIBUTES.request());
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(a.status()).as("answer: %s", a.summary()).isEqualTo("gRPC OK");
    ExportLogsServiceResponse response =
        a.answered() && a.ok()
            ? ExportLogsServiceResponse.parseFrom(a.body())
            : ExportLogsServiceResponse.getDefaultInstance();
    // A gRPC partial success: status OK, and the ExportLogsServiceResponse message carries
    // partial_success { rejected_log_records: 1, error_message: "... <key> ..." }.
    soft.assertThat(response.hasPartialSuccess())
        .as("ExportLogsServiceResponse has partial_success: %s", response)
        .isTrue();
    soft.assertThat(response.getPartialSuccess().getRejectedLogRecords())
        .as("partial_success.rejected_log_records")
        .isEqualTo(1);
    soft.assertThat(response.getPartialSuccess().getErrorMessage())
        .as("partial_success.error_message")
        .contains(OTLP_LIMITS + "max_attributes_per_record");
    expectSurvived(soft, Transport.OTLP_GRPC);
    soft.assertAll();
  }

  @Test
  @Order(9)
  void millionShortNdjsonLinesAre413NamingMaxRecordsPerRequest() throws Exception {
    Answer a = agent.send(HostilePayloads.Case.MILLION_SHORT_NDJSON_LINES.request());
    SoftAssertions soft = new SoftAssertions();
    expectRequestRefused(soft, a, HTTP_JSON_LIMITS + "max_records_per_request");
    expectSurvived(soft, Transport.HTTP_JSON);
    soft.assertAll();
  }

  /** HTTP 200 whose partial_success rejects exactly the one record, naming {@code key}. */
  private static void expectRecordRejected(SoftAssertions soft, Answer a, String key) {
    soft.assertThat(a.status()).as("answer: %s", a.summary()).isEqualTo("HTTP 200");
    soft.assertThat(a.hasPartialSuccess())
        .as("response has partial_success: %s", a.summary())
        .isTrue();
    soft.assertThat(a.rejectedRecords())
        .as("partial_success.rejected_log_records: %s", a.summary())
        .isEqualTo(1);
    soft.assertThat(a.message()).as("partial_success.error_message").contains(key);
  }

  /** 413 naming {@code key}, without a retry hint (sending it again cannot help). */
  private static void expectRequestRefused(SoftAssertions soft, Answer a, String key) {
    soft.assertThat(a.status()).as("answer: %s", a.summary()).isEqualTo("HTTP 413");
    soft.assertThat(a.message()).as("error message").contains(key);
    soft.assertThat(a.hasRetryHint()).as("413 without Retry-After: %s", a.summary()).isFalse();
  }

  /**
   * The agent is alive; a valid request over {@code transport} is accepted, and written once the
   * pipeline got past the hostile one (so an agent that answers and then dies is caught); alive
   * still; peak RSS under the bound.
   */
  private static void expectSurvived(SoftAssertions soft, Transport transport) throws Exception {
    soft.assertThat(agent.state())
        .as("agent right after the answer; stderr:%n%s", agent.stderrTail(5))
        .isEqualTo("running");
    String marker = TargetAgent.newMarker("after-hostile");
    Answer valid = agent.sendValid(transport, Signal.LOGS, marker, Duration.ofSeconds(60));
    soft.assertThat(TargetAgent.accepted(valid))
        .as("valid request afterwards accepted: %s", valid.summary())
        .isTrue();
    if (TargetAgent.accepted(valid)) {
      soft.assertThat(agent.awaitLogWritten(marker, WRITE_TIMEOUT))
          .as(
              "valid request afterwards written to the file within %s (agent %s)",
              WRITE_TIMEOUT, agent.state())
          .isTrue();
    }
    soft.assertThat(agent.state())
        .as("agent after a valid request; stderr:%n%s", agent.stderrTail(5))
        .isEqualTo("running");
    long peak = agent.rss().highWaterMarkBytes();
    soft.assertThat(peak)
        .as("agent peak RSS (VmHWM) %s MiB", ProcStatus.mib(peak))
        .isBetween(0L, MAX_PEAK_RSS - 1);
  }
}
