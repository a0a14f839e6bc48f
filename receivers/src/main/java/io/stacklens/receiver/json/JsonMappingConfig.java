package io.stacklens.receiver.json;

import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ConfigProblems;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a JSON object becomes a log record, embedded in a receiver's config (usually under {@code
 * mapping:}) and read by {@link JsonRecordMapper}. Field names are top-level keys of the object.
 * Defaults:
 *
 * <pre>
 * timestamp_field: timestamp      # time_unix_nano (integer nanoseconds), when present, wins over it
 * timestamp_format: auto          # auto | iso8601 | epoch_s | epoch_ms | epoch_us | epoch_ns
 * severity_field: level           # text such as warn, WARNING, Err, fatal (case-insensitive) or 1..24
 * unknown_severity: reject        # reject | unspecified: a level that names no severity
 * body_fields: [message, body]    # the first one present becomes the body
 * trace_id_field: trace_id        # 32 hex digits
 * span_id_field: span_id          # 16 hex digits
 * resource_fields: { service: service.name }   # JSON field -> resource attribute
 * required: []                    # e.g. [ { field: service, type: string } ]
 * </pre>
 *
 * Documented in docs/receivers/http_json.md ("Mapping JSON to log records").
 */
public class JsonMappingConfig implements ComponentConfig {
  /** How the timestamp field is read. */
  public enum TimestampFormat {
    /**
     * Numbers (and numeric strings) by magnitude: seconds, ms, us or ns; other strings as ISO 8601.
     */
    AUTO,
    /** {@code 2026-11-23T19:50:41.123Z}, with an offset, or without one (taken as UTC). */
    ISO8601,
    EPOCH_S,
    EPOCH_MS,
    EPOCH_US,
    EPOCH_NS
  }

  /** What happens to a record whose severity field names no known severity. */
  public enum UnknownSeverity {
    /** The record is rejected with an error on the severity field. */
    REJECT,
    /** The record is kept with severity_number 0 and the text as severity_text. */
    UNSPECIFIED
  }

  /** JSON types a {@link RequiredField} can demand. */
  public enum FieldType {
    STRING,
    INT,
    DOUBLE,
    BOOL,
    MAP,
    LIST,
    ANY
  }

  /** A field every record must carry (not null), with its JSON type. */
  public static class RequiredField {
    public String field;

    /** {@code double} accepts any number, {@code int} only integers; default {@code any}. */
    public FieldType type = FieldType.ANY;
  }

  public String timestampField = "timestamp";
  public TimestampFormat timestampFormat = TimestampFormat.AUTO;
  public String severityField = "level";
  public UnknownSeverity unknownSeverity = UnknownSeverity.REJECT;
  public List<String> bodyFields = List.of("message", "body");
  public String traceIdField = "trace_id";
  public String spanIdField = "span_id";

  /** JSON field -> resource attribute key; writing it replaces the default map. */
  public Map<String, String> resourceFields = defaultResourceFields();

  public List<RequiredField> required = new ArrayList<>();

  private static Map<String, String> defaultResourceFields() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("service", "service.name");
    return m;
  }

  @Override
  public void validate(ConfigProblems problems) {
    Map<String, String> claimed = new HashMap<>();
    claim(problems, claimed, "timestamp_field", timestampField);
    claim(problems, claimed, "severity_field", severityField);
    claim(problems, claimed, "trace_id_field", traceIdField);
    claim(problems, claimed, "span_id_field", spanIdField);
    if (timestampFormat == null) {
      problems.error(
          "timestamp_format", "must be auto, iso8601, epoch_s, epoch_ms, epoch_us or epoch_ns");
    }
    if (unknownSeverity == null)
      problems.error("unknown_severity", "must be reject or unspecified");
    if (bodyFields == null || bodyFields.isEmpty()) {
      problems.error("body_fields", "must list at least one field, e.g. [message, body]");
    } else {
      for (int i = 0; i < bodyFields.size(); i++)
        claim(problems, claimed, "body_fields[" + i + "]", bodyFields.get(i));
    }
    if (resourceFields != null) {
      for (Map.Entry<String, String> e : resourceFields.entrySet()) {
        String path = "resource_fields." + e.getKey();
        claim(problems, claimed, path, e.getKey());
        if (e.getValue() == null || e.getValue().isBlank()) {
          problems.error(path, "must name the resource attribute to set, e.g. service.name");
        }
      }
    }
    if (required != null) {
      for (int i = 0; i < required.size(); i++) {
        RequiredField r = required.get(i);
        String p = "required[" + i + "]";
        if (r == null || r.field == null || r.field.isBlank()) {
          problems.error(
              p + ".field", "must name a JSON field, e.g. { field: service, type: string }");
        } else if (r.type == null) {
          problems.error(p + ".type", "must be string, int, double, bool, map, list or any");
        }
      }
    }
  }

  /** Reports an empty field name, and a field given two roles. */
  private static void claim(
      ConfigProblems problems, Map<String, String> claimed, String path, String field) {
    if (field == null || field.isBlank()) {
      problems.error(path, "must name a JSON field");
      return;
    }
    String before = claimed.putIfAbsent(field, path);
    if (before != null)
      problems.error(
          path, "'" + field + "' is already used by " + before + "; a field can have one role");
  }

  /**
   * {@link #validate} with every path under {@code prefix} (e.g. {@code "mapping"}), for a receiver
   * config embedding this one.
   */
  public void validateAt(String prefix, ConfigProblems problems) {
    validate(
        new ConfigProblems() {
          @Override
          public void error(String path, String message) {
            problems.error(join(path), message);
          }

          @Override
          public void warning(String path, String message) {
            problems.warning(join(path), message);
          }

          private String join(String path) {
            return path.isEmpty() ? prefix : prefix + "." + path;
          }
        });
  }
}
