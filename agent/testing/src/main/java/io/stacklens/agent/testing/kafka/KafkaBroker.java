package io.stacklens.agent.testing.kafka;

import io.stacklens.agent.testing.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A real single-node Kafka broker in KRaft mode (broker and controller in one process) for tests,
 * run from the {@code org.apache.kafka:kafka_2.13} jars on the test classpath in a child JVM, so a
 * test can stop it, kill it and bring it back on the same port with the same data.
 *
 * <p>{@link #shared()} is the one broker of this JVM, started on first use and stopped at JVM exit.
 * {@link #start()} starts a private one for tests that {@link #stop()} (SIGTERM, clean shutdown),
 * {@link #kill()} (SIGKILL) and {@link #restart()} it. Its log directory lives in a fresh temporary
 * directory, deleted by {@link #close()} (or a shutdown hook); the broker's own output goes to
 * {@code broker.log} there, and a broker that does not come up fails with the tail of that file.
 *
 * <pre>
 * KafkaBroker kafka = KafkaBroker.shared();
 * kafka.createTopic("otel-logs", 3);
 * ... exporter config: brokers: [kafka.bootstrapServers()] ...
 * List&lt;ConsumerRecord&lt;byte[], byte[]&gt;&gt; got = kafka.consume("otel-logs", 100, Duration.ofSeconds(30));
 * </pre>
 */
public final class KafkaBroker implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toString();

  private static KafkaBroker shared;

  private final Path dir;
  private final int brokerPort;
  private final int controllerPort;
  private final Thread shutdownHook;
  private Process process;
  private volatile boolean closed;

  private KafkaBroker(Path dir, int brokerPort, int controllerPort) {
    this.dir = dir;
    this.brokerPort = brokerPort;
    this.controllerPort = controllerPort;
    this.shutdownHook = new Thread(this::close, "kafka-test-broker-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** The broker shared by every test of this JVM; started on first call. */
  public static synchronized KafkaBroker shared() {
    if (shared == null) shared = start();
    return shared;
  }

  /** A private broker on free ports with an empty, freshly formatted log directory. */
  public static KafkaBroker start() {
    try {
      Path dir = Files.createTempDirectory("stacklens-kafka-");
      KafkaBroker broker = new KafkaBroker(dir, Ports.free(), Ports.free());
      broker.format();
      broker.launch();
      return broker;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the kafka test broker's directory", e);
    }
  }

  /** {@code 127.0.0.1:port} for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return "127.0.0.1:" + brokerPort;
  }

  public int port() {
    return brokerPort;
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /**
   * Stops the broker cleanly (SIGTERM) and waits for it to exit; its data stays for {@link
   * #restart()}.
   */
  public synchronized void stop() {
    if (process == null) return;
    process.destroy();
    awaitExit(Duration.ofSeconds(60));
  }

  /** Kills the broker (SIGKILL), as a crash would; its data stays for {@link #restart()}. */
  public synchronized void kill() {
    if (process == null) return;
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(30));
  }

  /** Starts the stopped or killed broker again on the same ports with the same data. */
  public synchronized void restart() {
    if (isRunning())
      throw new IllegalStateException("the broker is running; stop() or kill() it first");
    launch();
  }

  /**
   * Creates {@code topic} with {@code partitions} partitions (replication 1); an existing topic is
   * kept.
   */
  public void createTopic(String topic, int partitions) {
    try (Admin admin = admin()) {
      admin
          .createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException))
        throw new IllegalStateException("cannot create topic " + topic, e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create topic " + topic, e);
    }
  }

  /** An admin client on this broker; the caller closes it. */
  public Admin admin() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    return Admin.create(p);
  }

  /** A byte-array producer on this broker ({@code acks=all}); the caller closes it. */
  public KafkaProducer<byte[], byte[]> producer(Map<String, Object> overrides) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.putAll(overrides);
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * Reads {@code topic} from the beginning (a fresh consumer group) until at least {@code atLeast}
   * records arrived or {@code timeout} passed, and returns what it read (maybe fewer: the caller
   * asserts).
   */
  public List<ConsumerRecord<byte[], byte[]>> consume(String topic, int atLeast, Duration timeout) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + Uuid.randomUuid());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (out.size() < atLeast && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS))
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
    deleteRecursively(dir);
    if (Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or about to
      }
    }
  }

  // ---------------------------------------------------------------- child JVM

  private Path config() {
    return dir.resolve("server.properties");
  }

  private Path julConfig() {
    return dir.resolve("logging.properties");
  }

  private String julOption() {
    return "-Djava.util.logging.config.file=" + julConfig();
  }

  private void format() throws IOException {
    String props =
        String.join(
            "\n",
            "process.roles=broker,controller",
            "node.id=1",
            "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
            "listeners=PLAINTEXT://127.0.0.1:"
                + brokerPort
                + ",CONTROLLER://127.0.0.1:"
                + controllerPort,
            "advertised.listeners=PLAINTEXT://127.0.0.1:" + brokerPort,
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=PLAINTEXT",
            "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "log.dirs=" + dir.resolve("data"),
            "num.partitions=1",
            "auto.create.topics.enable=true",
            "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=4",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            "log.flush.interval.messages=9223372036854775807",
            "");
    Files.writeString(config(), props);
    // The broker logs through SLF4J, which the test class path binds to java.util.logging (the
    // agent's
    // slf4j-jdk14): warnings and errors only, as at INFO a broker writes hundreds of lines a
    // minute.
    Files.writeString(
        julConfig(),
        String.join(
            "\n",
            "handlers=java.util.logging.ConsoleHandler",
            ".level=WARNING",
            "java.util.logging.ConsoleHandler.level=WARNING",
            ""));
    Process format =
        new ProcessBuilder(
                JAVA,
                "-Xmx256m",
                julOption(),
                "-cp",
                System.getProperty("java.class.path"),
                "kafka.tools.StorageTool",
                "format",
                "-t",
                Uuid.randomUuid().toString(),
                "-c",
                config().toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("format.log").toFile())
            .start();
    try {
      if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
        format.destroyForcibly();
        throw new IllegalStateException(
            "kafka storage format failed:\n" + tail(dir.resolve("format.log")));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "interrupted while formatting the kafka test broker's storage", e);
    }
  }

  private void launch() {
    try {
      process =
          new ProcessBuilder(
                  JAVA,
                  "-Xms128m",
                  "-Xmx512m",
                  "-XX:+UseParallelGC",
                  "-XX:TieredStopAtLevel=1",
                  julOption(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  "kafka.Kafka",
                  config().toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the kafka test broker (" + JAVA + ")", e);
    }
    awaitReady();
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the kafka test broker exited with "
                + process.exitValue()
                + ":\n"
                + tail(dir.resolve("broker.log")));
      }
      try (Admin admin = admin()) {
        if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) return;
      } catch (Exception e) {
        last = e;
      }
      sleep(200);
    }
    throw new IllegalStateException(
        "the kafka test broker did not come up on "
            + bootstrapServers()
            + " within "
            + START_TIMEOUT.toSeconds()
            + " s (last: "
            + last
            + "):\n"
            + tail(dir.resolve("broker.log")));
  }

  private void awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no " + file + ": " + e.getMessage() + ")";
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) return;
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: it is a temporary directory
    }
  }
}
