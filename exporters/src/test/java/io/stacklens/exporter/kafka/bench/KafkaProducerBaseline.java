package io.stacklens.exporter.kafka.bench;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.stacklens.exporter.kafka.KafkaCompression;
import io.stacklens.exporter.kafka.KafkaExporterConfig;
import io.stacklens.exporter.kafka.KafkaProducerSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The baseline of bench/loadgen-kafka.sh: a plain kafka-clients producer, with the kafka exporter's
 * producer settings, sending the same number of records as the agent delivered, as the same
 * messages. It samples up to 2,000 messages the agent wrote to {@code sampleTopic} (their values,
 * and records per message: 1 for json, the request's record count for otlp_proto), then sends them
 * round-robin to {@code topic} until {@code records} records went out, waiting for every
 * acknowledgement.
 *
 * <pre>
 * java -cp ... io.stacklens.exporter.kafka.bench.KafkaProducerBaseline BOOTSTRAP SAMPLE_TOPIC TOPIC RECORDS ENCODING [COMPRESSION]
 * </pre>
 *
 * Prints {@code baseline: N records in S s = R records/s, M messages, ack latency p50 .. p99 ..}.
 */
public final class KafkaProducerBaseline {
  private KafkaProducerBaseline() {}

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String sampleTopic = args[1];
    String topic = args[2];
    long records = Long.parseLong(args[3]);
    String encoding = args[4];
    KafkaExporterConfig config = new KafkaExporterConfig();
    config.brokers = List.of(bootstrap);
    config.compression =
        args.length > 5
            ? KafkaCompression.valueOf(args[5].toUpperCase(java.util.Locale.ROOT))
            : KafkaCompression.NONE;

    List<byte[]> values = new ArrayList<>();
    List<Integer> counts = new ArrayList<>();
    sample(bootstrap, sampleTopic, encoding, values, counts);
    if (values.isEmpty()) throw new IllegalStateException("no messages in " + sampleTopic);

    Properties p = KafkaProducerSettings.properties(config, "stacklens-baseline");
    AtomicLong acked = new AtomicLong();
    long[] lat = new long[1 << 20];
    AtomicLong latN = new AtomicLong();
    long start = System.nanoTime();
    long sent = 0;
    long messages = 0;
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      int i = 0;
      while (sent < records) {
        int n = counts.get(i);
        byte[] v = values.get(i);
        i = (i + 1) % values.size();
        long t0 = System.nanoTime();
        producer.send(
            new ProducerRecord<>(topic, v),
            (md, e) -> {
              if (e != null) throw new IllegalStateException(e);
              acked.addAndGet(n);
              long k = latN.getAndIncrement();
              if (k < lat.length) lat[(int) k] = System.nanoTime() - t0;
            });
        sent += n;
        messages++;
      }
      producer.flush();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    int m = (int) Math.min(latN.get(), lat.length);
    long[] sorted = Arrays.copyOf(lat, m);
    Arrays.sort(sorted);
    System.out.printf(
        "baseline: %,d records in %.2f s = %,.0f records/s, %,d messages (avg %,d bytes), ack latency p50 %.3fms p99 %.3fms%n",
        acked.get(),
        seconds,
        acked.get() / seconds,
        messages,
        values.stream().mapToInt(b -> b.length).sum() / values.size(),
        sorted[m / 2] / 1e6,
        sorted[(int) (m * 0.99)] / 1e6);
  }

  private static void sample(
      String bootstrap, String topic, String encoding, List<byte[]> values, List<Integer> counts)
      throws Exception {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "baseline-" + UUID.randomUUID());
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (values.size() < 2000 && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (values.size() >= 2000) break;
          values.add(r.value());
          counts.add(encoding.equals("json") ? 1 : countRecords(r.value()));
        }
      }
    }
  }

  private static int countRecords(byte[] otlp) throws Exception {
    int n = 0;
    for (var rl : ExportLogsServiceRequest.parseFrom(otlp).getResourceLogsList()) {
      for (var sl : rl.getScopeLogsList()) n += sl.getLogRecordsCount();
    }
    return n;
  }
}
