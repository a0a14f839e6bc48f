package io.stacklens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.stacklens.agent.it.support.RunningAgent;
import io.stacklens.agent.testing.kafka.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * config-examples/kafka-parse-enrich-pipeline.yaml end to end against a real broker: other
 * producers write OTLP log requests (JSON bodies, some malformed) and one poison message to
 * otel-logs; the agent consumes them, parses, enriches and routes; every record is read back from
 * stacklens-enriched or stacklens-dlq, and the poison message from the raw dead-letter topic (the
 * receiver's {@code dead_letter.exporter}, a kafka exporter with {@code encoding: raw}): its
 * original bytes, key and headers, with the reason and where it came from as headers.
 */
class KafkaPipelineTest {
  private static final Path EXAMPLE =
      Path.of("")
          .toAbsolutePath()
          .resolve("../config-examples/kafka-parse-enrich-pipeline.yaml")
          .normalize();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] SERVICES = {"checkout", "cart", "payment"};
  private static final int REQUESTS = 20;
  private static final int PER_REQUEST = 10;

  private static String text(Map<String, byte[]> headers, String name) {
    return new String(headers.get(name), StandardCharsets.UTF_8);
  }

  @Test
  void consumesParsesEnrichesAndPublishesEveryRecordToItsTopic() throws Exception {
    KafkaBroker kafka = KafkaBroker.shared();
    String suffix = "-" + UUID.randomUUID().toString().substring(0, 8);
    String in = "otel-logs" + suffix;
    String enriched = "stacklens-enriched" + suffix;
    String dlq = "stacklens-dlq" + suffix;
    String rawDlq = "stacklens-dlq-raw" + suffix;
    kafka.createTopic(in, 3);
    kafka.createTopic(enriched, 3);
    String yaml =
        Files.readString(EXAMPLE)
            .replace("stacklens-dlq-raw", rawDlq)
            .replace("topics: [ otel-logs ]", "topics: [ " + in + " ]")
            .replace("topic: stacklens-enriched", "topic: " + enriched)
            .replace("topic: stacklens-dlq\n", "topic: " + dlq + "\n")
            .replace("127.0.0.1:8888", "127.0.0.1:0");
    assertThat(yaml).contains(in, enriched, dlq + "\n", rawDlq);

    long poisonOffset;
    Set<String> valid = new TreeSet<>();
    Set<String> malformed = new TreeSet<>();
    try (KafkaProducer<byte[], byte[]> producer = kafka.producer(Map.of())) {
      for (int r = 0; r < REQUESTS; r++) {
        ScopeLogs.Builder scope = ScopeLogs.newBuilder();
        for (int i = 0; i < PER_REQUEST; i++) {
          int seq = r * PER_REQUEST + i;
          String body;
          if (seq % 10 == 7) {
            body = "{\"service\": \"cart\", \"message\": \"cut off";
            malformed.add(Integer.toString(seq));
          } else {
            body =
                "{\"timestamp\":\"2026-11-23T10:00:00.123Z\",\"level\":\"warn\",\"service\":\""
                    + SERVICES[seq % SERVICES.length]
                    + "\",\"message\":\"order "
                    + seq
                    + " slow\"}";
            valid.add(Integer.toString(seq));
          }
          scope.addLogRecords(
              LogRecord.newBuilder()
                  .setBody(AnyValue.newBuilder().setStringValue(body))
                  .addAttributes(
                      KeyValue.newBuilder()
                          .setKey("seq")
                          .setValue(AnyValue.newBuilder().setStringValue(Integer.toString(seq)))));
        }
        ExportLogsServiceRequest request =
            ExportLogsServiceRequest.newBuilder()
                .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(scope))
                .build();
        producer.send(new ProducerRecord<>(in, request.toByteArray())).get();
      }
      ProducerRecord<byte[], byte[]> poison =
          new ProducerRecord<>(
              in,
              0,
              "poison-key".getBytes(StandardCharsets.UTF_8),
              "not an OTLP request".getBytes(StandardCharsets.UTF_8));
      poison.headers().add("origin", "checkout".getBytes(StandardCharsets.UTF_8));
      poison.headers().add("blob", new byte[] {(byte) 0xC3, 0x28});
      poisonOffset = producer.send(poison).get().offset();
    }

    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BROKERS", kafka.bootstrapServers());
    env.put("DEPLOYMENT_ENVIRONMENT", "e2e");
    try (RunningAgent agent = RunningAgent.start(RunningAgent.load(yaml, env))) {
      List<ConsumerRecord<byte[], byte[]>> good =
          kafka.consume(enriched, valid.size(), Duration.ofSeconds(90));
      List<ConsumerRecord<byte[], byte[]>> bad =
          kafka.consume(dlq, malformed.size(), Duration.ofSeconds(60));
      List<ConsumerRecord<byte[], byte[]>> raw = kafka.consume(rawDlq, 1, Duration.ofSeconds(60));

      Set<String> seenValid = new TreeSet<>();
      for (ConsumerRecord<byte[], byte[]> m : good) {
        JsonNode record = JSON.readTree(m.value());
        JsonNode attributes = record.get("attributes");
        seenValid.add(attributes.get("seq").asText());
        assertThat(attributes.has("parse.error"))
            .as("a valid record has no parse.error: %s", record)
            .isFalse();
        assertThat(attributes.get("message").asText()).startsWith("order ");
        assertThat(record.get("severity_number").asInt()).as("warn -> WARN").isEqualTo(13);
        assertThat(record.get("timestamp").asText()).startsWith("2026-11-23T10:00:00.123");
        assertThat(record.get("resource").get("deployment.environment").asText()).isEqualTo("e2e");
        assertThat(new String(m.key(), StandardCharsets.UTF_8))
            .as("key = service")
            .isEqualTo(attributes.get("service").asText());
      }
      assertThat(seenValid).as("every valid record on the enriched topic").isEqualTo(valid);

      Set<String> seenMalformed = new TreeSet<>();
      for (ConsumerRecord<byte[], byte[]> m : bad) {
        JsonNode attributes = JSON.readTree(m.value()).get("attributes");
        seenMalformed.add(attributes.get("seq").asText());
        assertThat(attributes.get("parse.error").asText()).contains("json");
      }
      assertThat(seenMalformed)
          .as("every malformed record on the dead-letter topic")
          .isEqualTo(malformed);

      assertThat(raw).hasSize(1);
      ConsumerRecord<byte[], byte[]> dead = raw.get(0);
      assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("not an OTLP request");
      assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo("poison-key");
      Map<String, byte[]> headers = new HashMap<>();
      for (Header h : dead.headers()) headers.put(h.key(), h.value());
      assertThat(headers)
          .containsOnlyKeys(
              "origin",
              "blob",
              "messaging.destination.name",
              "messaging.kafka.destination.partition",
              "messaging.kafka.message.offset",
              "stacklens.error.reason",
              "stacklens.error.message",
              "stacklens.receiver");
      assertThat(headers.get("blob")).isEqualTo(new byte[] {(byte) 0xC3, 0x28});
      assertThat(text(headers, "origin")).isEqualTo("checkout");
      assertThat(text(headers, "messaging.destination.name")).isEqualTo(in);
      assertThat(text(headers, "messaging.kafka.destination.partition")).isEqualTo("0");
      assertThat(text(headers, "messaging.kafka.message.offset"))
          .isEqualTo(Long.toString(poisonOffset));
      assertThat(text(headers, "stacklens.error.reason")).isEqualTo("invalid_protobuf");
      assertThat(text(headers, "stacklens.error.message"))
          .startsWith("not an OTLP protobuf ExportLogsServiceRequest");
      assertThat(text(headers, "stacklens.receiver")).isEqualTo("kafka/otel-logs");
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () ->
                  assertThat(
                          agent
                              .metrics()
                              .counterSum(
                                  "stacklens_receiver_dead_letter_records_total",
                                  "receiver",
                                  "kafka/otel-logs",
                                  "dead_letter",
                                  "kafka/dlq-raw"))
                      .isEqualTo(1));

      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () ->
                  assertThat(agent.metrics().counterSum("stacklens_exporter_sent_records_total"))
                      .isGreaterThanOrEqualTo(valid.size() + malformed.size()));
    }
  }
}
