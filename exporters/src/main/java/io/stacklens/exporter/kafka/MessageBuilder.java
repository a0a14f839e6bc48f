package io.stacklens.exporter.kafka;

import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.MetricsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.otlp.OtlpRequests;
import io.stacklens.exporter.codec.jsonlines.JsonRecordEncoder;
import io.stacklens.exporter.kafka.SignalItems.Item;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Turns a batch into Kafka messages: each record's topic, key and attribute headers are resolved;
 * with {@code json} every record is one message, with the OTLP encodings the records sharing a
 * (topic, key, headers) route go into OTLP requests split so that no message exceeds {@code
 * max_message_bytes}; with {@code raw} every log record is written back as the message it describes
 * ({@link #RAW_KEY} the key, the body the value, the other attributes headers). A single record
 * that alone is too large becomes a rejected message (reason {@code record_too_large}), as does a
 * record that cannot be encoded. One per sender thread.
 */
final class MessageBuilder {
  /**
   * Room kept in max_message_bytes for the record's framing, key and headers beyond their own
   * sizes.
   */
  static final int RECORD_OVERHEAD = 512;

  /**
   * Encoding raw: the record attribute that is the message key (as the kafka receiver's dead
   * letters set it).
   */
  static final String RAW_KEY = "messaging.kafka.message.key";

  private final KafkaExporterConfig config;
  private final KafkaEncoding encoding;
  private final FieldRef topicField;
  private final PartitionBy partitionBy;
  private final List<FieldRef> headerFields = new ArrayList<>();
  private final List<Header> staticHeaders = new ArrayList<>();
  private final int maxMessageBytes;
  private final JsonRecordEncoder json = new JsonRecordEncoder();

  /** No setting routes records apart: every record of a signal goes the same way. */
  private final boolean oneRoute;

  MessageBuilder(KafkaExporterConfig config) {
    this.config = config;
    this.encoding = config.encoding;
    this.topicField =
        config.topicFromAttribute == null ? null : FieldRef.parse(config.topicFromAttribute);
    this.partitionBy = PartitionBy.parse(config.partitionBy);
    for (String h : config.headersFromAttributes) headerFields.add(FieldRef.parse(h));
    config.headers.forEach(
        (k, v) -> staticHeaders.add(new RecordHeader(k, v.getBytes(StandardCharsets.UTF_8))));
    this.maxMessageBytes = (int) config.maxMessageBytes.bytes();
    this.oneRoute =
        topicField == null && partitionBy.kind() == PartitionBy.Kind.NONE && headerFields.isEmpty();
  }

  /** Where one record goes; records with equal routes can share a message. */
  private record Route(String topic, String key, List<String> headerValues) {}

  List<OutgoingMessage> build(Batch batch) {
    List<Item> items = SignalItems.items(batch);
    String defaultTopic = config.topicFor(batch.signal());
    List<OutgoingMessage> out = new ArrayList<>();
    if (encoding == KafkaEncoding.JSON) {
      buildJson(batch, items, defaultTopic, out);
      return out;
    }
    if (encoding == KafkaEncoding.RAW) {
      for (Item it : items) out.add(raw(it, defaultTopic));
      return out;
    }
    if (oneRoute) {
      buildOtlp(batch, new Route(defaultTopic, null, List.of()), items, out);
      return out;
    }
    Map<Route, List<Item>> groups = new LinkedHashMap<>();
    for (Item it : items)
      groups.computeIfAbsent(route(it, defaultTopic), r -> new ArrayList<>()).add(it);
    for (Map.Entry<Route, List<Item>> g : groups.entrySet())
      buildOtlp(batch, g.getKey(), g.getValue(), out);
    return out;
  }

  private Route route(Item it, String defaultTopic) {
    String topic = topicField == null ? null : SignalItems.read(it, topicField);
    if (topic == null || topic.isEmpty()) topic = defaultTopic;
    String key =
        switch (partitionBy.kind()) {
          case NONE -> null;
          case TRACE_ID -> SignalItems.traceId(it);
          case FIELD -> SignalItems.read(it, partitionBy.field());
        };
    List<String> headerValues;
    if (headerFields.isEmpty()) {
      headerValues = List.of();
    } else {
      headerValues = new ArrayList<>(headerFields.size());
      for (FieldRef f : headerFields) headerValues.add(SignalItems.read(it, f));
    }
    return new Route(topic, key, headerValues);
  }

  private List<Header> headers(Route route) {
    if (route.headerValues().isEmpty()) return staticHeaders;
    List<Header> h = new ArrayList<>(staticHeaders);
    for (int i = 0; i < headerFields.size(); i++) {
      String v = route.headerValues().get(i);
      if (v != null)
        h.add(new RecordHeader(headerFields.get(i).key(), v.getBytes(StandardCharsets.UTF_8)));
    }
    return h;
  }

  /** The largest value a message of {@code route} may have. */
  private int valueLimit(byte[] key, List<Header> headers) {
    int used = RECORD_OVERHEAD + (key == null ? 0 : key.length);
    for (Header h : headers)
      used += h.key().length() * 3 + (h.value() == null ? 0 : h.value().length) + 8;
    return Math.max(1, maxMessageBytes - used);
  }

  private static byte[] keyBytes(Route route) {
    return route.key() == null ? null : route.key().getBytes(StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- json: one message per record

  private void buildJson(
      Batch batch, List<Item> items, String defaultTopic, List<OutgoingMessage> out) {
    List<byte[]> lines = null;
    if (!(batch instanceof MetricsBatch)) {
      try {
        lines = json.encode(batch);
      } catch (Exception e) {
        lines = null; // find the record that fails below, one at a time
      }
    }
    boolean aligned = lines != null && lines.size() == items.size();
    for (int i = 0; i < items.size(); i++) {
      Item it = items.get(i);
      Route route = route(it, defaultTopic);
      byte[] key = keyBytes(route);
      List<Header> headers = headers(route);
      List<byte[]> recordLines;
      if (aligned) {
        recordLines = List.of(lines.get(i));
      } else {
        try {
          recordLines = json.encode(SignalItems.assemble(batch, List.of(it)));
        } catch (Exception e) {
          out.add(
              OutgoingMessage.rejected(
                  List.of(it),
                  route.topic(),
                  key,
                  null,
                  headers,
                  SignalItems.records(it),
                  "encoding_failed",
                  String.valueOf(e.getMessage())));
          continue;
        }
      }
      int limit = valueLimit(key, headers);
      List<Item> carried = List.of(it);
      for (byte[] line : recordLines) {
        int records = 1; // a log record, a span, or one metric data point
        if (line.length > limit) {
          out.add(
              OutgoingMessage.rejected(
                  carried,
                  route.topic(),
                  key,
                  line,
                  headers,
                  records,
                  "record_too_large",
                  "the record encodes to "
                      + line.length
                      + " bytes, more than max_message_bytes allows ("
                      + limit
                      + ")"));
        } else {
          out.add(new OutgoingMessage(carried, route.topic(), key, line, headers, records));
        }
      }
    }
  }

  // ---------------------------------------------------------------- raw: a log record as its
  // message

  private OutgoingMessage raw(Item it, String defaultTopic) {
    Route route = route(it, defaultTopic);
    if (!(it.record() instanceof LogRecord record)) {
      return OutgoingMessage.rejected(
          List.of(it),
          route.topic(),
          null,
          null,
          staticHeaders,
          SignalItems.records(it),
          "encoding_failed",
          "encoding raw carries log records only");
    }
    Object keyAttribute = record.attributes().get(RAW_KEY);
    byte[] key;
    byte[] value;
    List<Header> headers = new ArrayList<>(staticHeaders.size() + record.attributes().size() + 4);
    headers.addAll(staticHeaders);
    try {
      key = keyAttribute != null ? rawBytes(keyAttribute) : keyBytes(route);
      value = rawBytes(record.body());
      addHeaders(record.attributes(), RAW_KEY, headers);
      addHeaders(((ResourceLogs) it.resource()).resource().attributes(), null, headers);
    } catch (RuntimeException e) {
      return OutgoingMessage.rejected(
          List.of(it),
          route.topic(),
          null,
          null,
          staticHeaders,
          1,
          "encoding_failed",
          String.valueOf(e.getMessage()));
    }
    int limit = valueLimit(key, headers);
    if (value != null && value.length > limit) {
      return OutgoingMessage.rejected(
          List.of(it),
          route.topic(),
          key,
          value,
          headers,
          1,
          "record_too_large",
          "the record's body is "
              + value.length
              + " bytes, more than max_message_bytes allows ("
              + limit
              + ")");
    }
    return new OutgoingMessage(List.of(it), route.topic(), key, value, headers, 1);
  }

  /** Every attribute but {@code skip} as a header named after it. */
  private void addHeaders(Attributes attributes, String skip, List<Header> headers) {
    for (int i = 0; i < attributes.size(); i++) {
      String name = attributes.key(i);
      if (!name.equals(skip)) headers.add(new RecordHeader(name, rawBytes(attributes.value(i))));
    }
  }

  /**
   * A value as message bytes: bytes as they are, text as UTF-8, scalars as text, the rest as JSON;
   * null stays null.
   */
  private byte[] rawBytes(Object value) {
    if (value == null) return null;
    if (value instanceof byte[] bytes) return bytes;
    if (value instanceof String s) return s.getBytes(StandardCharsets.UTF_8);
    if (value instanceof Long || value instanceof Double || value instanceof Boolean) {
      return value.toString().getBytes(StandardCharsets.UTF_8);
    }
    return json.value(value);
  }

  // ---------------------------------------------------------------- OTLP: requests split to fit

  private void buildOtlp(Batch like, Route route, List<Item> items, List<OutgoingMessage> out) {
    byte[] key = keyBytes(route);
    List<Header> headers = headers(route);
    split(like, route, key, headers, valueLimit(key, headers), items, out);
  }

  private void split(
      Batch like,
      Route route,
      byte[] key,
      List<Header> headers,
      int limit,
      List<Item> items,
      List<OutgoingMessage> out) {
    byte[] value;
    int records = 0;
    for (Item it : items) records += SignalItems.records(it);
    try {
      value = encodeOtlp(SignalItems.assemble(like, items));
    } catch (RuntimeException e) {
      if (items.size() == 1) {
        Item only = items.get(0);
        out.add(
            OutgoingMessage.rejected(
                List.of(only),
                route.topic(),
                key,
                null,
                headers,
                records,
                "encoding_failed",
                String.valueOf(e.getMessage())));
        return;
      }
      value = null; // split to find the record that fails
    }
    if (value != null && value.length <= limit) {
      out.add(new OutgoingMessage(List.copyOf(items), route.topic(), key, value, headers, records));
      return;
    }
    if (items.size() == 1) {
      out.add(
          OutgoingMessage.rejected(
              List.copyOf(items),
              route.topic(),
              key,
              value,
              headers,
              records,
              "record_too_large",
              "one record encodes to "
                  + value.length
                  + " bytes, more than max_message_bytes allows ("
                  + limit
                  + ")"));
      return;
    }
    // Split into pieces that each should fit, by the average record size; pieces still too large
    // split again.
    int parts = value == null ? 2 : (int) Math.min(items.size(), (long) value.length / limit + 1);
    parts = Math.max(2, parts);
    int size = items.size();
    for (int p = 0; p < parts; p++) {
      int from = (int) ((long) size * p / parts);
      int to = (int) ((long) size * (p + 1) / parts);
      if (from < to) split(like, route, key, headers, limit, items.subList(from, to), out);
    }
  }

  private byte[] encodeOtlp(Batch batch) {
    return OtlpRequests.encode(batch, encoding == KafkaEncoding.OTLP_JSON);
  }
}
