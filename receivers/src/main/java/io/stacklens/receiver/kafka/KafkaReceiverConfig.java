package io.stacklens.receiver.kafka;

import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ConfigProblems;
import io.stacklens.agent.api.DeadLetterConfig;
import io.stacklens.agent.api.DeadLetterSettings;
import io.stacklens.agent.api.Durations;
import io.stacklens.agent.api.RequestLimitsConfig;
import io.stacklens.agent.api.SignalLimitedConfig;
import io.stacklens.agent.data.Signal;
import io.stacklens.receiver.json.JsonMappingConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Config of the {@code kafka} receiver.
 *
 * <pre>
 * brokers: [127.0.0.1:9092]         # bootstrap servers (an entry may hold several, comma-separated)
 * topics: [otel-logs]               # required
 * group_id: stacklens
 * encoding: otlp_proto              # otlp_proto | otlp_json | json | text
 * initial_offset: latest            # earliest | latest: where a group without committed offsets starts
 * include_metadata: true            # messaging.* attributes (topic, partition, offset, key) on log records
 * consumers: 1                      # consumer threads (group members) of this receiver
 * max_poll_records: 500
 * poll_timeout: 500ms
 * commit_interval: 1s               # commit accepted offsets this often (and at rebalance and shutdown)
 * backoff: { initial_interval: 10ms, max_interval: 1s }   # retrying a batch the pipeline refused
 * dead_letter: { exporter: kafka/raw_dlq }                # undecodable messages go to this exporter, as log records
 * consumer: { security.protocol: SSL, ... }               # passed to the Kafka consumer as written
 * mapping: { ... }                  # encoding json only: how a JSON object becomes a log record
 * limits: { ... }                   # what one message may decode into; a message over a limit is dead-lettered whole
 * </pre>
 */
public class KafkaReceiverConfig implements DeadLetterConfig, SignalLimitedConfig {
  /**
   * Consumer properties the receiver sets itself; writing them under {@code consumer} is an error
   * (each has its own option, or would break at-least-once delivery).
   */
  static final Map<String, String> OWNED_PROPERTIES = ownedProperties();

  /** Bootstrap servers, {@code host:port}. */
  public List<String> brokers = new ArrayList<>(List.of("127.0.0.1:9092"));

  /** Topics to read; required. */
  public List<String> topics = new ArrayList<>();

  public String groupId = "stacklens";
  public Encoding encoding = Encoding.OTLP_PROTO;
  public InitialOffset initialOffset = InitialOffset.LATEST;

  /**
   * Adds messaging.* attributes (topic, partition, offset, key, consumer group) to every log
   * record.
   */
  public boolean includeMetadata = true;

  /** Consumer threads, each a member of the group with its own partitions. */
  public int consumers = 1;

  public int maxPollRecords = 500;

  /** Longest one poll waits for messages; also bounds how quickly shutdown is noticed. */
  public Duration pollTimeout = Duration.ofMillis(500);

  /**
   * How often accepted offsets are committed while running (always at rebalance and shutdown too).
   */
  public Duration commitInterval = Duration.ofSeconds(1);

  public BackoffSettings backoff = new BackoffSettings();

  /**
   * The exporter undecodable messages go to, each as one log record holding its bytes, key and
   * headers (see {@link DeadLetterSender}); unset (the default), they are counted and skipped.
   */
  public DeadLetterSettings deadLetter = new DeadLetterSettings();

  /** Extra Kafka consumer properties (TLS, SASL, tuning), passed through as written. */
  public Map<String, String> consumer = new LinkedHashMap<>();

  /**
   * Encoding {@code json}: how a JSON object becomes a log record (the http_json receiver's mapping
   * options).
   */
  public JsonMappingConfig mapping = new JsonMappingConfig();

  /**
   * What one message may decode into (see RequestLimitsConfig); a message over a limit is a poison
   * message.
   */
  public RequestLimitsConfig limits = new RequestLimitsConfig();

  /** What a message's value holds. */
  public enum Encoding {
    /** An OTLP {@code Export*ServiceRequest} in protobuf. */
    OTLP_PROTO,
    /** An OTLP {@code Export*ServiceRequest} in OTLP/JSON. */
    OTLP_JSON,
    /** One JSON object: one log record. */
    JSON,
    /** UTF-8 text: one log record whose body is the text. */
    TEXT;

    String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    boolean logsOnly() {
      return this == JSON || this == TEXT;
    }
  }

  /**
   * Where a consumer group without committed offsets starts reading ({@code auto.offset.reset}).
   */
  public enum InitialOffset {
    EARLIEST,
    LATEST;

    String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Exponential backoff while the pipeline refuses a batch (or the dead-letter exporter a dead
   * letter).
   */
  public static class BackoffSettings implements ComponentConfig {
    public Duration initialInterval = Duration.ofMillis(10);
    public Duration maxInterval = Duration.ofSeconds(1);

    @Override
    public void validate(ConfigProblems problems) {
      if (initialInterval == null || initialInterval.isNegative() || initialInterval.isZero()) {
        problems.error(
            "initial_interval", "must be positive, got " + Durations.describe(initialInterval));
      } else if (maxInterval == null || maxInterval.compareTo(initialInterval) < 0) {
        problems.error(
            "max_interval",
            "must be greater than or equal to initial_interval ("
                + Durations.describe(initialInterval)
                + ")");
      }
    }
  }

  @Override
  public DeadLetterSettings deadLetterSettings() {
    return deadLetter;
  }

  /** Undecodable messages become log records, whatever the signal of the topics. */
  @Override
  public Set<Signal> deadLetterSignals() {
    return Set.of(Signal.LOGS);
  }

  @Override
  public String unsupported(Signal signal) {
    if (encoding == null || !encoding.logsOnly() || signal == Signal.LOGS) return null;
    return "with encoding "
        + encoding.id()
        + ", which carries logs only; use otlp_proto or otlp_json for "
        + signal.id();
  }

  @Override
  public void validate(ConfigProblems problems) {
    if (brokers == null || brokers.isEmpty()) {
      problems.error("brokers", "is required: at least one host:port of a Kafka broker");
    } else {
      for (int i = 0; i < brokers.size(); i++) {
        String problem = brokerProblem(brokers.get(i));
        if (problem != null) problems.error("brokers[" + i + "]", problem);
      }
    }
    if (topics == null || topics.isEmpty()) {
      problems.error("topics", "is required: the topics to read, e.g. [otel-logs]");
    } else {
      for (int i = 0; i < topics.size(); i++) {
        String t = topics.get(i);
        if (t == null || !validTopic(t)) problems.error("topics[" + i + "]", topicProblem(t));
      }
    }
    if (groupId == null || groupId.isBlank()) problems.error("group_id", "must not be empty");
    if (encoding == null)
      problems.error("encoding", "is required: otlp_proto, otlp_json, json or text");
    if (initialOffset == null) problems.error("initial_offset", "is required: earliest or latest");
    if (consumers < 1 || consumers > 64)
      problems.error("consumers", "must be between 1 and 64, got " + consumers);
    if (maxPollRecords < 1)
      problems.error("max_poll_records", "must be at least 1, got " + maxPollRecords);
    if (pollTimeout == null || pollTimeout.isNegative() || pollTimeout.isZero()) {
      problems.error("poll_timeout", "must be positive, got " + Durations.describe(pollTimeout));
    }
    if (commitInterval == null || commitInterval.isNegative()) {
      problems.error(
          "commit_interval",
          "must be zero (after every accepted batch) or positive, got "
              + Durations.describe(commitInterval));
    }
    if (backoff == null) {
      problems.error("backoff", "must not be empty");
    }
    if (consumer != null) {
      consumer.forEach(
          (key, value) -> {
            String owner = OWNED_PROPERTIES.get(key);
            if (owner != null)
              problems.error("consumer." + key, "is set by the receiver; " + owner);
          });
    }
    if (encoding == Encoding.JSON) {
      if (mapping == null) problems.error("mapping", "must not be empty");
    }
  }

  /** {@code brokers}, with comma-separated entries split. */
  List<String> bootstrapServers() {
    List<String> out = new ArrayList<>();
    for (String entry : brokers) {
      for (String b : entry.split(",")) {
        if (!b.isBlank()) out.add(b.trim());
      }
    }
    return out;
  }

  private static String brokerProblem(String entry) {
    if (entry == null || entry.isBlank()) return "must be host:port, got an empty value";
    for (String b : entry.split(",")) {
      String broker = b.trim();
      int colon = broker.lastIndexOf(':');
      if (colon <= 0 || colon == broker.length() - 1)
        return "'" + broker + "' is not host:port, e.g. 127.0.0.1:9092";
      try {
        int port = Integer.parseInt(broker.substring(colon + 1));
        if (port < 1 || port > 65535) return "'" + broker + "': port must be 1..65535";
      } catch (NumberFormatException e) {
        return "'" + broker + "': port '" + broker.substring(colon + 1) + "' is not a number";
      }
    }
    return null;
  }

  /** Kafka's own rule: 1..249 characters of letters, digits, '.', '_' and '-'. */
  static boolean validTopic(String topic) {
    return topic.length() <= 249
        && topic.matches("[a-zA-Z0-9._-]+")
        && !topic.equals(".")
        && !topic.equals("..");
  }

  private static String topicProblem(String topic) {
    return "'"
        + topic
        + "' is not a valid topic name: 1..249 characters of letters, digits, '.', '_', '-'";
  }

  private static Map<String, String> ownedProperties() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("bootstrap.servers", "use brokers");
    m.put("group.id", "use group_id");
    m.put("auto.offset.reset", "use initial_offset");
    m.put("max.poll.records", "use max_poll_records");
    m.put(
        "enable.auto.commit", "offsets are committed only after the pipeline accepted the records");
    m.put("key.deserializer", "messages are read as bytes");
    m.put("value.deserializer", "messages are read as bytes");
    return Map.copyOf(m);
  }
}
