package io.stacklens.agent.it.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.config.AgentConfig;
import io.stacklens.agent.otlp.OtlpJson;
import io.stacklens.agent.testing.kafka.KafkaBroker;
import io.stacklens.receiver.httpjson.HttpJsonReceiverConfig;
import io.stacklens.receiver.kafka.KafkaReceiverConfig;
import io.stacklens.receiver.otlp.OtlpReceiverConfig;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends one log record to a running example through the first receiver it can feed: OTLP (HTTP when
 * the example opens it, else gRPC), the JSON ingest endpoint, or the topics of a {@code kafka}
 * receiver (in the receiver's encoding, on the shared test broker).
 */
public final class ExampleFeeder {
  private static final String JSON_RECORD =
      "{\"level\":\"info\",\"message\":\"hello example\",\"service\":\"examples\"}";

  private ExampleFeeder() {}

  public static void sendOneRecord(
      AgentConfig config, RunningAgent agent, ExportLogsServiceRequest request) throws Exception {
    Map<?, ComponentConfig> receivers = config.components(ComponentKind.RECEIVER);
    if (receivers.values().stream().anyMatch(c -> c instanceof OtlpReceiverConfig)) {
      (agent.httpPort() > 0 ? OtlpClient.HTTP_PROTOBUF : OtlpClient.GRPC).send(agent, request);
      return;
    }
    for (Map.Entry<?, ComponentConfig> e : receivers.entrySet()) {
      ComponentConfig c = e.getValue();
      if (c instanceof HttpJsonReceiverConfig http) {
        HttpResponse<byte[]> response =
            RawHttp.post(
                "http://" + http.endpoint + http.path,
                RawHttp.JSON,
                JSON_RECORD.getBytes(StandardCharsets.UTF_8));
        assertThat(response.statusCode())
            .as("ingest answer: %s", new String(response.body(), StandardCharsets.UTF_8))
            .isEqualTo(200);
        return;
      }
      if (c instanceof KafkaReceiverConfig kafka) {
        byte[] value =
            switch (kafka.encoding) {
              case OTLP_PROTO -> request.toByteArray();
              case OTLP_JSON -> OtlpJson.toJsonBytes(request);
              case JSON -> JSON_RECORD.getBytes(StandardCharsets.UTF_8);
              case TEXT -> "hello example".getBytes(StandardCharsets.UTF_8);
            };
        // A receiver starting at the latest offset only sees what is written after it joined its
        // group.
        String receiver = e.getKey().toString();
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    agent
                            .metrics()
                            .gaugeValue(
                                "stacklens_receiver_kafka_assigned_partitions",
                                "receiver",
                                receiver)
                        >= 1);
        try (KafkaProducer<byte[], byte[]> producer = KafkaBroker.shared().producer(Map.of())) {
          producer.send(new ProducerRecord<>(kafka.topics.get(0), value)).get();
        }
        return;
      }
    }
    throw new AssertionError(
        "the example has no receiver the test knows how to feed: " + receivers.keySet());
  }
}
