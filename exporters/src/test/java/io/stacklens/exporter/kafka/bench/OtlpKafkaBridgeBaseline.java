package io.stacklens.exporter.kafka.bench;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.stacklens.exporter.kafka.KafkaCompression;
import io.stacklens.exporter.kafka.KafkaExporterConfig;
import io.stacklens.exporter.kafka.KafkaProducerSettings;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The second baseline of bench/loadgen-kafka.sh: the OTLP -> Kafka bridge a user would write with
 * the plain libraries instead of running the agent. A grpc-java server (Netty, the generated {@code
 * LogsService} stub, so protobuf-java parses each request) hands every export request, as
 * protobuf-java serializes it again, to a kafka-clients producer with the kafka exporter's producer
 * settings, one message per request, and answers the client once the producer took the message (its
 * buffer, {@code buffer.memory}, is the bridge's queue; a full buffer blocks the call, which is the
 * bridge's backpressure). That is the agent's {@code otlp_proto} job with {@code delivery: memory},
 * without its limits, memory budget, batching, retries and accounting. A send the broker fails is
 * counted and printed, not retried.
 *
 * <pre>
 * java -cp ... io.stacklens.exporter.kafka.bench.OtlpKafkaBridgeBaseline BOOTSTRAP TOPIC GRPC_ENDPOINT
 * </pre>
 *
 * Prints {@code bridge listening on HOST:PORT}, runs until SIGTERM, then flushes the producer and
 * prints {@code bridge: N messages acknowledged by the broker, F failed}.
 */
public final class OtlpKafkaBridgeBaseline {
  private OtlpKafkaBridgeBaseline() {}

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String topic = args[1];
    String[] hostPort = args[2].split(":", 2);
    KafkaExporterConfig config = new KafkaExporterConfig();
    config.brokers = List.of(bootstrap);
    config.compression = KafkaCompression.NONE;
    KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            KafkaProducerSettings.properties(config, "stacklens-bridge-baseline"),
            new ByteArraySerializer(),
            new ByteArraySerializer());
    AtomicLong acknowledged = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicReference<Exception> firstFailure = new AtomicReference<>();
    Server server =
        NettyServerBuilder.forAddress(
                new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])))
            .maxInboundMessageSize(8 * 1024 * 1024)
            .addService(
                new LogsServiceGrpc.LogsServiceImplBase() {
                  @Override
                  public void export(
                      ExportLogsServiceRequest request,
                      StreamObserver<ExportLogsServiceResponse> response) {
                    producer.send(
                        new ProducerRecord<>(topic, request.toByteArray()),
                        (metadata, e) -> {
                          if (e == null) {
                            acknowledged.incrementAndGet();
                          } else {
                            failed.incrementAndGet();
                            firstFailure.compareAndSet(null, e);
                          }
                        });
                    response.onNext(ExportLogsServiceResponse.getDefaultInstance());
                    response.onCompleted();
                  }
                })
            .build()
            .start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.shutdown();
                  producer.close();
                  System.out.printf(
                      "bridge: %,d messages acknowledged by the broker, %,d failed%s%n",
                      acknowledged.get(),
                      failed.get(),
                      firstFailure.get() == null ? "" : " (first: " + firstFailure.get() + ")");
                  stopped.countDown();
                }));
    System.out.println("bridge listening on " + args[2]);
    server.awaitTermination();
    stopped.await();
  }
}
