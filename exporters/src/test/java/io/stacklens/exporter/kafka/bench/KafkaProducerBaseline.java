package io.stacklens.exporter.kafka.bench;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.stacklens.exporter.kafka.KafkaCompression;
import io.stacklens.exporter.kafka.KafkaExporterConfig;
import io.stacklens.exporter.kafka.KafkaProducerSettings;
import java.lang.management.ManagementFactory;
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
 * producer settings, sending the agent's own messages. It samples up to 200 messages the agent
 * wrote to {@code sampleTopic} (their values, and records per message: 1 for json, the request's
 * record count for otlp_proto), then sends them round-robin to {@code topic} as fast as the
 * producer takes them: {@code warmupSeconds} unmeasured, then {@code seconds} measured (records
 * acknowledged in that window), then waits for the rest to be acknowledged.
 *
 * <pre>
 * java -cp ... io.stacklens.exporter.kafka.bench.KafkaProducerBaseline BOOTSTRAP SAMPLE_TOPIC TOPIC ENCODING WARMUP_SECONDS SECONDS [COMPRESSION]
 * </pre>
 *
 * Prints {@code baseline: N records in S s = R records/s, C µs CPU/record, M messages, ack latency
 * p50 .. p99 ..}: C is this process's CPU time over the measured window per record acknowledged.
 */
public final class KafkaProducerBaseline {
  private KafkaProducerBaseline() {}

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String sampleTopic = args[1];
    String topic = args[2];
    String encoding = args[3];
    long warmupNanos = (long) (Double.parseDouble(args[4]) * 1e9);
    long measureNanos = (long) (Double.parseDouble(args[5]) * 1e9);
    KafkaExporterConfig config = new KafkaExporterConfig();
    config.brokers = List.of(bootstrap);
    config.compression =
        args.length > 6
            ? KafkaCompression.valueOf(args[6].toUpperCase(java.util.Locale.ROOT))
            : KafkaCompression.NONE;

    List<byte[]> values = new ArrayList<>();
    List<Integer> counts = new ArrayList<>();
    sample(bootstrap, sampleTopic, encoding, values, counts);
    if (values.isEmpty()) throw new IllegalStateException("no messages in " + sampleTopic);

    Properties p = KafkaProducerSettings.properties(config, "stacklens-baseline");
    AtomicLong acked = new AtomicLong();
    long[] lat = new long[1 << 20];
    AtomicLong latN = new AtomicLong();
    long begin = System.nanoTime();
    long measureFrom = begin + warmupNanos;
    long measureTo = measureFrom + measureNanos;
    long ackedAtStart = -1;
    long ackedAtEnd;
    long measuredStart;
    long measuredEnd;
    long messages = 0;
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpuAtStart = -1;
    long cpuAtEnd;
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      int i = 0;
      long now;
      measuredStart = measureFrom;
      while ((now = System.nanoTime()) < measureTo) {
        if (ackedAtStart < 0 && now >= measureFrom) {
          ackedAtStart = acked.get();
          cpuAtStart = os.getProcessCpuTime();
          measuredStart = now;
        }
        int n = counts.get(i);
        byte[] v = values.get(i);
        i = (i + 1) % values.size();
        boolean measured = ackedAtStart >= 0;
        long t0 = now;
        producer.send(
            new ProducerRecord<>(topic, v),
            (md, e) -> {
              if (e != null) throw new IllegalStateException(e);
              acked.addAndGet(n);
              if (!measured) return;
              long k = latN.getAndIncrement();
              if (k < lat.length) lat[(int) k] = System.nanoTime() - t0;
            });
        if (measured) messages++;
      }
      ackedAtEnd = acked.get();
      cpuAtEnd = os.getProcessCpuTime();
      measuredEnd = System.nanoTime();
      producer.flush();
    }
    if (ackedAtStart < 0) ackedAtStart = 0;
    if (cpuAtStart < 0) cpuAtStart = 0;
    double seconds = (measuredEnd - measuredStart) / 1e9;
    long records = ackedAtEnd - ackedAtStart;
    int m = (int) Math.max(1, Math.min(latN.get(), lat.length));
    long[] sorted = Arrays.copyOf(lat, m);
    Arrays.sort(sorted);
    System.out.printf(
        "baseline: %,d records in %.2f s = %,.0f records/s, %.2f µs CPU/record, %,d messages (avg %,d bytes), ack latency p50 %.3fms p99 %.3fms%n",
        records,
        seconds,
        records / seconds,
        (cpuAtEnd - cpuAtStart) / 1e3 / Math.max(1, records),
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
      while (values.size() < 200 && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (values.size() >= 200) break;
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
