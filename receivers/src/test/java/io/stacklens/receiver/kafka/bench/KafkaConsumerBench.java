package io.stacklens.receiver.kafka.bench;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import io.stacklens.agent.otlp.OtlpLogsDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The two halves of bench/kafka-to-file.sh that are not the agent:
 *
 * <pre>
 * fill     BOOTSTRAP TOPIC RECORDS ENCODING   # otlp_proto: 100 records (~200-byte bodies) per message; text: one line per message
 * baseline BOOTSTRAP TOPIC RECORDS ENCODING   # a plain kafka-clients consumer reads the topic from the start, decodes
 *                                             # each value (OtlpLogsDecoder / UTF-8) and prints its records/s
 * </pre>
 */
public final class KafkaConsumerBench {
  private static final int RECORDS_PER_MESSAGE = 100;

  private KafkaConsumerBench() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    String bootstrap = args[1];
    String topic = args[2];
    long records = Long.parseLong(args[3]);
    String encoding = args[4];
    if (mode.equals("fill")) fill(bootstrap, topic, records, encoding);
    else baseline(bootstrap, topic, records, encoding);
  }

  private static void fill(String bootstrap, String topic, long records, String encoding)
      throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "1");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(4 * 1024 * 1024));
    long sent = 0;
    long start = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      while (sent < records) {
        if (encoding.equals("text")) {
          producer.send(new ProducerRecord<>(topic, body(sent).getBytes(StandardCharsets.UTF_8)));
          sent++;
        } else {
          int n = (int) Math.min(RECORDS_PER_MESSAGE, records - sent);
          producer.send(new ProducerRecord<>(topic, request(sent, n).toByteArray()));
          sent += n;
        }
      }
      producer.flush();
    }
    System.out.printf(
        "filled %s with %d records (%s) in %.1f s%n",
        topic, sent, encoding, (System.nanoTime() - start) / 1e9);
  }

  private static void baseline(String bootstrap, String topic, long records, String encoding)
      throws Exception {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "baseline-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
    long got = 0;
    long bytes = 0;
    long first = 0;
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      while (got < records && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (first == 0) first = System.nanoTime();
          bytes += r.value().length;
          got +=
              encoding.equals("text")
                  ? decodeText(r.value())
                  : OtlpLogsDecoder.decode(r.value()).recordCount();
        }
        consumer.commitAsync();
      }
    }
    double seconds = (System.nanoTime() - first) / 1e9;
    System.out.printf(
        "baseline: plain consumer decoded %d records (%.0f MB) in %.2f s = %.0f records/s%n",
        got, bytes / 1e6, seconds, got / seconds);
  }

  private static int decodeText(byte[] value) {
    String line = new String(value, StandardCharsets.UTF_8); // decode like the receiver does
    return line.isEmpty() ? 0 : 1; // one record per message, as the text encoding gives
  }

  private static String body(long i) {
    StringBuilder b =
        new StringBuilder(200)
            .append("GET /api/v1/cart/")
            .append(i)
            .append(" 200 user=u")
            .append(ThreadLocalRandom.current().nextInt(100_000))
            .append(' ');
    while (b.length() < 200) b.append('x');
    return b.toString();
  }

  private static ExportLogsServiceRequest request(long from, int n) {
    ScopeLogs.Builder scope = ScopeLogs.newBuilder();
    long now = System.currentTimeMillis() * 1_000_000L;
    for (int i = 0; i < n; i++) {
      scope.addLogRecords(
          LogRecord.newBuilder()
              .setTimeUnixNano(now + i)
              .setSeverityNumberValue(9)
              .setSeverityText("INFO")
              .setBody(AnyValue.newBuilder().setStringValue(body(from + i)))
              .addAttributes(
                  KeyValue.newBuilder()
                      .setKey("http.method")
                      .setValue(AnyValue.newBuilder().setStringValue("GET")))
              .setTraceId(ByteString.copyFrom(new byte[16])));
    }
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(
                    Resource.newBuilder()
                        .addAttributes(
                            KeyValue.newBuilder()
                                .setKey("service.name")
                                .setValue(AnyValue.newBuilder().setStringValue("bench"))))
                .addScopeLogs(scope))
        .build();
  }
}
