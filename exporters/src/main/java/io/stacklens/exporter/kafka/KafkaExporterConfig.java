package io.stacklens.exporter.kafka;

import io.stacklens.agent.api.ByteSize;
import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ConfigProblems;
import io.stacklens.agent.api.ExporterConfig;
import io.stacklens.agent.api.SignalLimitedConfig;
import io.stacklens.agent.data.Signal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Config of the {@code kafka} exporter (reference: docs/exporters/kafka.md). Defaults are set here
 * and in {@link KafkaExporterFactory#createDefaultConfig()}.
 *
 * <pre>
 * brokers: [127.0.0.1:9092]     # required
 * topic: otlp_logs              # default per signal: otlp_logs, otlp_spans, otlp_metrics
 * logs: { topic: app-logs }     # per-signal topic (also traces:, metrics:)
 * topic_from_attribute: resource.attributes["kafka.topic"]   # falls back to the topic above
 * encoding: otlp_proto          # otlp_proto | otlp_json | json | raw (logs: body as value, attributes as headers)
 * max_message_bytes: 1MiB
 * partition_by: none            # none | attribute:&lt;k&gt; | resource:&lt;k&gt; | trace_id
 * compression: none             # none | gzip | snappy | lz4 | zstd
 * producer: { linger.ms: 5 }    # passed to the Kafka producer as is
 * headers: { source: stacklens }
 * headers_from_attributes: [tenant, resource.attributes["service.name"]]
 * dead_letter: { exporter: kafka/dlq }   # the exporter helper's: records Kafka will never take
 * </pre>
 */
public class KafkaExporterConfig extends ExporterConfig implements SignalLimitedConfig {
  /**
   * The exporter helper's defaults for Kafka: a 30 s attempt timeout, longer than the producer's 25
   * s {@code delivery.timeout.ms}, so an attempt normally ends with Kafka's own answer; two sender
   * threads, so one batch is encoded while another waits for acknowledgements.
   */
  public KafkaExporterConfig() {
    timeout = Duration.ofSeconds(30);
    sendingQueue.numConsumers = 2;
  }

  static final Set<String> MANAGED_PRODUCER_KEYS =
      Set.of(
          "bootstrap.servers",
          "key.serializer",
          "value.serializer",
          "compression.type",
          "max.request.size");

  /**
   * {@code host:port} of the brokers to bootstrap from (an entry may list several,
   * comma-separated). Required.
   */
  public List<String> brokers = new ArrayList<>();

  /** Topic for every signal; null = the per-signal default. */
  public String topic;

  public SignalSettings logs = new SignalSettings();
  public SignalSettings traces = new SignalSettings();
  public SignalSettings metrics = new SignalSettings();

  /**
   * A record or resource attribute whose value names the topic; records without it use {@link
   * #topic}.
   */
  public String topicFromAttribute;

  public KafkaEncoding encoding = KafkaEncoding.OTLP_PROTO;

  /**
   * The largest message value (OTLP requests are split to fit); also the producer's {@code
   * max.request.size}.
   */
  public ByteSize maxMessageBytes = ByteSize.ofMebibytes(1);

  public String partitionBy = "none";

  public KafkaCompression compression = KafkaCompression.NONE;

  /**
   * Kafka producer settings, passed through (TLS, SASL, linger.ms, ...); they override our
   * defaults.
   */
  public Map<String, String> producer = new LinkedHashMap<>();

  /** Static headers added to every message. */
  public Map<String, String> headers = new LinkedHashMap<>();

  /** Attributes copied into a header named after the attribute key (when the record has them). */
  public List<String> headersFromAttributes = new ArrayList<>();

  /** Settings of one signal. */
  public static class SignalSettings implements ComponentConfig {
    /** This signal's topic, over {@code topic}. */
    public String topic;

    @Override
    public void validate(ConfigProblems problems) {
      checkTopic("topic", topic, problems);
    }
  }

  /** The topic of {@code signal} when no attribute names one. */
  String topicFor(Signal signal) {
    SignalSettings s =
        switch (signal) {
          case LOGS -> logs;
          case TRACES -> traces;
          case METRICS -> metrics;
        };
    if (s != null && s.topic != null && !s.topic.isBlank()) return s.topic;
    if (topic != null && !topic.isBlank()) return topic;
    return switch (signal) {
      case LOGS -> "otlp_logs";
      case TRACES -> "otlp_spans";
      case METRICS -> "otlp_metrics";
    };
  }

  @Override
  public void validate(ConfigProblems problems) {
    super.validate(problems);
    if (brokers == null || brokers.isEmpty()) {
      problems.error("brokers", "is required: at least one host:port, e.g. [127.0.0.1:9092]");
    } else {
      for (int i = 0; i < brokers.size(); i++) {
        String b = brokers.get(i);
        // An entry may hold several comma-separated addresses (e.g. from one environment variable).
        for (String one : b == null ? new String[] {""} : b.split(",", -1)) {
          if (!one.strip().matches("[^\\s:,]+:\\d{1,5}|\\[[0-9a-fA-F:.]+]:\\d{1,5}")) {
            problems.error(
                "brokers[" + i + "]",
                "must be host:port (or a comma-separated list of them), got '" + b + "'");
            break;
          }
        }
      }
    }
    checkTopic("topic", topic, problems);
    if (topicFromAttribute != null && FieldRef.parse(topicFromAttribute) == null) {
      problems.error(
          "topic_from_attribute",
          "must be an attribute name, attributes[\"k\"] or resource.attributes[\"k\"], got '"
              + topicFromAttribute
              + "'");
    }
    if (encoding == null) problems.error("encoding", "must be otlp_proto, otlp_json, json or raw");
    if (compression == null)
      problems.error("compression", "must be none, gzip, snappy, lz4 or zstd");
    if (maxMessageBytes == null
        || maxMessageBytes.bytes() < 1024
        || maxMessageBytes.bytes() > Integer.MAX_VALUE / 2) {
      problems.error("max_message_bytes", "must be between 1KiB and 1GiB, got " + maxMessageBytes);
    }
    if (PartitionBy.parse(partitionBy) == null) {
      problems.error(
          "partition_by",
          "must be none, trace_id, attribute:<key> or resource:<key>, got '" + partitionBy + "'");
    }
    if (producer != null) {
      for (String key : producer.keySet()) {
        if (MANAGED_PRODUCER_KEYS.contains(key)) {
          problems.error("producer." + key, "is set by the exporter (use " + managedBy(key) + ")");
        }
      }
    }
    if (encoding == KafkaEncoding.RAW
        && headersFromAttributes != null
        && !headersFromAttributes.isEmpty()) {
      problems.error(
          "headers_from_attributes",
          "with encoding raw every attribute is a header already; remove it");
    }
    if (headersFromAttributes != null) {
      for (int i = 0; i < headersFromAttributes.size(); i++) {
        if (FieldRef.parse(headersFromAttributes.get(i)) == null) {
          problems.error(
              "headers_from_attributes[" + i + "]",
              "must be an attribute name, attributes[\"k\"] or resource.attributes[\"k\"], got '"
                  + headersFromAttributes.get(i)
                  + "'");
        }
      }
    }
  }

  /** Encoding raw writes log records back as the messages they describe: logs only. */
  @Override
  public String unsupported(Signal signal) {
    if (encoding != KafkaEncoding.RAW || signal == Signal.LOGS) return null;
    return "with encoding raw, which carries logs only; use otlp_proto, otlp_json or json for "
        + signal.id();
  }

  private static String managedBy(String key) {
    return switch (key) {
      case "bootstrap.servers" -> "brokers";
      case "compression.type" -> "compression";
      case "max.request.size" -> "max_message_bytes";
      default -> "nothing: values are bytes";
    };
  }

  /** Kafka topic names: 1 to 249 of [a-zA-Z0-9._-], not "." or "..". */
  private static void checkTopic(String path, String topic, ConfigProblems problems) {
    if (topic == null) return;
    if (topic.isEmpty()
        || topic.length() > 249
        || !topic.matches("[a-zA-Z0-9._-]+")
        || topic.equals(".")
        || topic.equals("..")) {
      problems.error(
          path, "is not a valid Kafka topic name (1-249 of a-z A-Z 0-9 . _ -): '" + topic + "'");
    }
  }
}
