package io.stacklens.receiver.json;

import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.InstrumentationScope;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.expr.SeverityNames;
import io.stacklens.agent.json.JsonSyntaxException;
import io.stacklens.agent.json.JsonValueReader;
import io.stacklens.receiver.json.JsonMappingConfig.FieldType;
import io.stacklens.receiver.json.JsonMappingConfig.RequiredField;
import io.stacklens.receiver.json.JsonMappingConfig.UnknownSeverity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Turns one JSON object (as read by {@link JsonValueReader}) into a log record, following a {@link
 * JsonMappingConfig}. Immutable and thread-safe: build one per receiver.
 *
 * <p>Every top-level field has one destination:
 *
 * <ul>
 *   <li>the timestamp field ({@code timestamp}) -> time_unix_nano, read in {@code
 *       timestamp_format}; {@code time_unix_nano} (integer nanoseconds), when present, wins over
 *       it;
 *   <li>the severity field ({@code level}) -> severity_text as written, and severity_number by
 *       {@link SeverityNames#parse} (warn, WARNING, Err, fatal, INFO2, 1..24); {@code
 *       severity_number} (0..24) and {@code severity_text}, when present, win over it;
 *   <li>the first present of {@code body_fields} ({@code message}, then {@code body}) -> body, any
 *       JSON type;
 *   <li>the trace/span id fields -> trace_id (32 hex digits), span_id (16); an empty string is no
 *       id;
 *   <li>{@code resource_fields} ({@code service} -> {@code service.name}) and the members of a
 *       {@code resource} object -> resource attributes;
 *   <li>the members of an {@code attributes} object, and every other field -> record attributes
 *       (nested objects stay maps, arrays lists);
 *   <li>{@code observed_time_unix_nano}, {@code flags}, {@code event_name}, {@code
 *       dropped_attributes_count} (integers / string) and a {@code scope} object ({@code name},
 *       {@code version}, {@code attributes}) -> the record fields of those names.
 * </ul>
 *
 * So a line of the file exporter's {@code json_lines} format maps back to the record it was written
 * from. A field of the wrong type for a reserved name (an {@code attributes} string, a {@code
 * flags} string) is kept as an ordinary attribute. A null value counts as absent.
 *
 * <p>Problems are collected, not thrown: {@code required} fields missing or of the wrong type, a
 * timestamp that does not parse, an unknown severity (unless {@code unknown_severity:
 * unspecified}), a malformed trace or span id. Each is a {@link FieldError} naming the JSON field.
 */
public final class JsonRecordMapper {
  /** The record field names recognised besides the configured ones. */
  public static final String TIME_UNIX_NANO = "time_unix_nano";

  public static final String OBSERVED_TIME_UNIX_NANO = "observed_time_unix_nano";
  public static final String SEVERITY_NUMBER = "severity_number";
  public static final String SEVERITY_TEXT = "severity_text";
  public static final String ATTRIBUTES = "attributes";
  public static final String RESOURCE = "resource";
  public static final String SCOPE = "scope";

  private static final HexFormat HEX = HexFormat.of();

  private enum Role {
    TIMESTAMP,
    TIME_UNIX_NANO,
    OBSERVED,
    SEVERITY,
    SEVERITY_NUMBER,
    SEVERITY_TEXT,
    BODY,
    TRACE_ID,
    SPAN_ID,
    FLAGS,
    EVENT_NAME,
    DROPPED,
    ATTRIBUTES,
    RESOURCE,
    SCOPE,
    RESOURCE_FIELD
  }

  private final JsonMappingConfig config;
  private final Map<String, Role> roles = new HashMap<>();
  private final Map<String, Integer> bodyRank = new HashMap<>();
  private final Map<String, String> resourceFields;
  private final List<RequiredField> required;

  /**
   * @param config a validated mapping config
   */
  public JsonRecordMapper(JsonMappingConfig config) {
    this.config = config;
    roles.put(TIME_UNIX_NANO, Role.TIME_UNIX_NANO);
    roles.put(OBSERVED_TIME_UNIX_NANO, Role.OBSERVED);
    roles.put(SEVERITY_NUMBER, Role.SEVERITY_NUMBER);
    roles.put(SEVERITY_TEXT, Role.SEVERITY_TEXT);
    roles.put("flags", Role.FLAGS);
    roles.put("event_name", Role.EVENT_NAME);
    roles.put("dropped_attributes_count", Role.DROPPED);
    roles.put(ATTRIBUTES, Role.ATTRIBUTES);
    roles.put(RESOURCE, Role.RESOURCE);
    roles.put(SCOPE, Role.SCOPE);
    this.resourceFields =
        config.resourceFields == null ? Map.of() : Map.copyOf(config.resourceFields);
    for (String f : resourceFields.keySet()) roles.put(f, Role.RESOURCE_FIELD);
    for (int i = 0; i < config.bodyFields.size(); i++) {
      roles.put(config.bodyFields.get(i), Role.BODY);
      bodyRank.putIfAbsent(config.bodyFields.get(i), i);
    }
    roles.put(config.traceIdField, Role.TRACE_ID);
    roles.put(config.spanIdField, Role.SPAN_ID);
    roles.put(config.severityField, Role.SEVERITY);
    roles.put(config.timestampField, Role.TIMESTAMP);
    this.required = config.required == null ? List.of() : List.copyOf(config.required);
  }

  /**
   * Parses {@code json} (one object) and maps it; invalid JSON is one error on field {@code ""}.
   */
  public MappedRecord map(byte[] json, long observedUnixNano) {
    try {
      return map(JsonValueReader.standard().readObject(json), observedUnixNano);
    } catch (JsonSyntaxException e) {
      return MappedRecord.rejected(List.of(new FieldError("", e.getMessage())));
    }
  }

  /**
   * Maps one parsed JSON object. The object's values are moved into the record, not copied: do not
   * use the object afterwards.
   *
   * @param observedUnixNano the record's observed time (when the agent received it), unless the
   *     object carries {@code observed_time_unix_nano}
   */
  public MappedRecord map(Attributes object, long observedUnixNano) {
    List<FieldError> errors = new ArrayList<>(0);
    checkRequired(object, errors);
    LogRecord record = new LogRecord(new Attributes(object.size()));
    record.setObservedTimeUnixNano(observedUnixNano);
    Attributes resource = new Attributes();
    InstrumentationScope scope = new InstrumentationScope();
    Attributes nestedAttributes = null;
    Attributes nestedResource = null;
    Object timestamp = null;
    Object timeUnixNano = null;
    Object severity = null;
    Object severityNumber = null;
    Object severityText = null;
    String bodyField = null;
    Object body = null;
    Attributes attributes = record.attributes();
    for (int i = 0; i < object.size(); i++) {
      String key = object.key(i);
      Object value = object.value(i);
      Role role = roles.get(key);
      if (role == null || value == null) {
        if (value != null || role == null) attributes.put(key, value);
        continue;
      }
      switch (role) {
        case TIMESTAMP -> timestamp = value;
        case TIME_UNIX_NANO -> {
          if (value instanceof Long || value instanceof String) timeUnixNano = value;
          else attributes.put(key, value);
        }
        case OBSERVED -> {
          Long n = nonNegative(value);
          if (n != null) record.setObservedTimeUnixNano(n);
          else attributes.put(key, value);
        }
        case SEVERITY -> severity = value;
        case SEVERITY_NUMBER -> severityNumber = value;
        case SEVERITY_TEXT -> {
          if (value instanceof String) severityText = value;
          else attributes.put(key, value);
        }
        case BODY -> {
          if (bodyField == null || bodyRank.get(key) < bodyRank.get(bodyField)) {
            if (bodyField != null) attributes.put(bodyField, body);
            bodyField = key;
            body = value;
          } else {
            attributes.put(key, value);
          }
        }
        case TRACE_ID -> record.setTraceId(hexId(key, value, 16, errors));
        case SPAN_ID -> record.setSpanId(hexId(key, value, 8, errors));
        case FLAGS -> {
          Long n = nonNegative(value);
          if (n != null && n <= 0xFFFFFFFFL) record.setFlags((int) (long) n);
          else attributes.put(key, value);
        }
        case EVENT_NAME -> {
          if (value instanceof String s) record.setEventName(s);
          else attributes.put(key, value);
        }
        case DROPPED -> {
          Long n = nonNegative(value);
          if (n != null && n <= Integer.MAX_VALUE) record.setDroppedAttributesCount((int) (long) n);
          else attributes.put(key, value);
        }
        case ATTRIBUTES -> {
          if (value instanceof Attributes a) nestedAttributes = a;
          else attributes.put(key, value);
        }
        case RESOURCE -> {
          if (value instanceof Attributes a) nestedResource = a;
          else attributes.put(key, value);
        }
        case SCOPE -> {
          if (value instanceof Attributes a) readScope(a, scope);
          else attributes.put(key, value);
        }
        case RESOURCE_FIELD -> resource.put(resourceFields.get(key), value);
      }
    }
    if (nestedAttributes != null) attributes.putAll(nestedAttributes);
    if (nestedResource != null) resource.putAll(nestedResource);
    record.setBody(body);
    setTime(record, timestamp, timeUnixNano, errors);
    setSeverity(record, severity, severityNumber, severityText, errors);
    if (!errors.isEmpty()) return MappedRecord.rejected(errors);
    return MappedRecord.accepted(record, resource, scope);
  }

  private void checkRequired(Attributes object, List<FieldError> errors) {
    for (RequiredField r : required) {
      Object value = object.get(r.field);
      if (value == null) {
        errors.add(
            new FieldError(
                r.field,
                "is required" + (r.type == FieldType.ANY ? "" : " (" + typeName(r.type) + ")")));
      } else if (!hasType(value, r.type)) {
        errors.add(
            new FieldError(
                r.field,
                "must be " + typeName(r.type) + ", got " + JsonValueReader.describe(value)));
      }
    }
  }

  private static boolean hasType(Object value, FieldType type) {
    return switch (type) {
      case STRING -> value instanceof String;
      case INT -> value instanceof Long;
      case DOUBLE -> value instanceof Number;
      case BOOL -> value instanceof Boolean;
      case MAP -> value instanceof Attributes;
      case LIST -> value instanceof List<?>;
      case ANY -> true;
    };
  }

  private static String typeName(FieldType type) {
    return switch (type) {
      case STRING -> "a string";
      case INT -> "an integer";
      case DOUBLE -> "a number";
      case BOOL -> "a boolean";
      case MAP -> "an object";
      case LIST -> "an array";
      case ANY -> "any value";
    };
  }

  private void setTime(
      LogRecord record, Object timestamp, Object timeUnixNano, List<FieldError> errors) {
    if (timeUnixNano != null) {
      try {
        record.setTimeUnixNano(
            TimestampReader.read(timeUnixNano, JsonMappingConfig.TimestampFormat.EPOCH_NS));
        return;
      } catch (TimestampReader.Invalid e) {
        errors.add(new FieldError(TIME_UNIX_NANO, e.getMessage()));
        return;
      }
    }
    if (timestamp == null) return;
    try {
      record.setTimeUnixNano(TimestampReader.read(timestamp, config.timestampFormat));
    } catch (TimestampReader.Invalid e) {
      errors.add(new FieldError(config.timestampField, e.getMessage()));
    }
  }

  private void setSeverity(
      LogRecord record, Object level, Object number, Object text, List<FieldError> errors) {
    if (number != null) {
      if (number instanceof Long n
          && n >= LogRecord.SEVERITY_UNSPECIFIED
          && n <= LogRecord.SEVERITY_MAX) {
        record.setSeverityNumber((int) (long) n);
      } else {
        errors.add(
            new FieldError(
                SEVERITY_NUMBER, "must be an integer 0..24, got " + TimestampReader.shown(number)));
      }
    }
    if (level != null) {
      String written =
          level instanceof String s ? s : level instanceof Long n ? n.toString() : null;
      if (written == null) {
        errors.add(
            new FieldError(
                config.severityField,
                "must be a string such as info or WARN (or a number 1..24), got "
                    + JsonValueReader.describe(level)));
        return;
      }
      int parsed = SeverityNames.parse(written);
      if (parsed < 0 && config.unknownSeverity == UnknownSeverity.REJECT && number == null) {
        errors.add(
            new FieldError(
                config.severityField,
                TimestampReader.shown(level)
                    + " is not a known severity; expected "
                    + "trace, debug, info, warn, error, fatal (any case, also warning, err, critical, ...) or a number 1..24"));
        return;
      }
      if (number == null && parsed > 0) record.setSeverityNumber(parsed);
      record.setSeverityText(written);
    }
    if (text != null) record.setSeverityText((String) text);
  }

  private static byte[] hexId(String field, Object value, int bytes, List<FieldError> errors) {
    if (value instanceof String s) {
      if (s.isEmpty()) return null;
      if (s.length() == bytes * 2) {
        try {
          byte[] id = HEX.parseHex(s);
          boolean zero = true;
          for (byte b : id) zero &= b == 0;
          if (!zero) return id;
          errors.add(
              new FieldError(field, "must not be all zeros (an invalid id in W3C Trace Context)"));
          return null;
        } catch (IllegalArgumentException e) {
          // not hex: reported below
        }
      }
    }
    errors.add(
        new FieldError(
            field,
            "must be "
                + (bytes * 2)
                + " hex digits ("
                + bytes
                + " bytes), got "
                + TimestampReader.shown(value)));
    return null;
  }

  private static Long nonNegative(Object value) {
    return value instanceof Long n && n >= 0 ? n : null;
  }

  private static void readScope(Attributes object, InstrumentationScope scope) {
    if (object.get("name") instanceof String name) scope.setName(name);
    if (object.get("version") instanceof String version) scope.setVersion(version);
    if (object.get(ATTRIBUTES) instanceof Attributes a) scope.attributes().putAll(a);
  }
}
