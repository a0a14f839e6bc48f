package io.stacklens.exporter.postgres;

import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.InstrumentationScope;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * JSON text of the log model for PostgreSQL {@code jsonb} columns: the {@code attributes} and
 * {@code resource} columns of the logs table, {@code alerts.raw_log} and {@code
 * dlq_messages.record}.
 *
 * <p>Values keep their JSON type: strings, integers ({@code Long}), doubles, booleans and null as
 * such, lists as arrays, kvlists ({@link Attributes}) as objects, {@code byte[]} as standard base64
 * strings. Doubles that JSON cannot hold (NaN, ±Infinity) become the strings {@code "NaN"}, {@code
 * "Infinity"}, {@code "-Infinity"}. A value of any other Java type (none of the model's kinds) is
 * written as its {@code toString()} string rather than failing, so a record can always be written
 * to the dead-letter table.
 *
 * <p><b>NUL characters.</b> PostgreSQL text and {@code jsonb} cannot hold U+0000: a raw NUL byte is
 * rejected by the protocol, and {@code jsonb} rejects the escape {@code \u0000} too ("unsupported
 * Unicode escape sequence"). Every NUL in a key or string value is therefore replaced with U+FFFD
 * (the replacement character), as are unpaired UTF-16 surrogates, which have no UTF-8 form. The
 * same replacement for text columns is {@link #cleanText(String)}.
 *
 * <p>Stateless and thread-safe.
 */
public final class RecordJson {
  /** What a NUL character (and an unpaired surrogate) becomes: U+FFFD REPLACEMENT CHARACTER. */
  public static final char REPLACEMENT = '\uFFFD';

  private static final JsonFactory JSON = JsonFactory.builder().build();
  private static final HexFormat HEX = HexFormat.of();

  private RecordJson() {}

  /** A JSON object of {@code attributes} (keys in their order); {@code {}} when null or empty. */
  public static String attributes(Attributes attributes) {
    StringWriter out = new StringWriter(64);
    try (JsonGenerator gen = JSON.createGenerator(out)) {
      writeAttributes(attributes, gen);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }

  /**
   * The JSON of one AnyValue (e.g. a map or list body for {@code body_json}); {@code null} for
   * null.
   */
  public static String value(Object value) {
    StringWriter out = new StringWriter(64);
    try (JsonGenerator gen = JSON.createGenerator(out)) {
      writeValue(value, gen);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /**
   * The whole record as one JSON object:
   *
   * <pre>
   * {"time": "2024-05-01T12:34:56.123456789Z" | null,    (RFC 3339 UTC; null when 0)
   *  "observed_time": "..." | null,
   *  "severity_number": 17, "severity_text": "ERROR",
   *  "body": any JSON value | null,
   *  "trace_id": "lower-case hex" | null, "span_id": "hex" | null, "flags": 0,
   *  "event_name": "..."                                  (only when set)
   *  "dropped_attributes_count": n                        (only when > 0)
   *  "attributes": {...},
   *  "resource": {...resource attributes...},
   *  "scope": {"name": "...", "version": "...", "attributes": {...}}}
   * </pre>
   *
   * {@code rl} and {@code sl} may be null (then {@code resource} is {@code {}} and {@code scope} is
   * {@code {"name":"","version":"","attributes":{}}}).
   */
  public static String record(ResourceLogs rl, ScopeLogs sl, LogRecord r) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator gen = JSON.createGenerator(out)) {
      gen.writeStartObject();
      writeTime("time", r.timeUnixNano(), gen);
      writeTime("observed_time", r.observedTimeUnixNano(), gen);
      gen.writeNumberField("severity_number", r.severityNumber());
      gen.writeStringField("severity_text", cleanText(r.severityText()));
      gen.writeFieldName("body");
      writeValue(r.body(), gen);
      writeId("trace_id", r.traceId(), gen);
      writeId("span_id", r.spanId(), gen);
      gen.writeNumberField("flags", r.flags());
      if (!r.eventName().isEmpty()) gen.writeStringField("event_name", cleanText(r.eventName()));
      if (r.droppedAttributesCount() > 0)
        gen.writeNumberField("dropped_attributes_count", r.droppedAttributesCount());
      gen.writeFieldName("attributes");
      writeAttributes(r.attributes(), gen);
      gen.writeFieldName("resource");
      writeAttributes(rl == null ? null : rl.resource().attributes(), gen);
      gen.writeFieldName("scope");
      InstrumentationScope scope = sl == null ? new InstrumentationScope() : sl.scope();
      gen.writeStartObject();
      gen.writeStringField("name", cleanText(scope.name()));
      gen.writeStringField("version", cleanText(scope.version()));
      gen.writeFieldName("attributes");
      writeAttributes(scope.attributes(), gen);
      gen.writeEndObject();
      gen.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /**
   * {@code s} with every NUL character and every unpaired surrogate replaced by U+FFFD, so
   * PostgreSQL text and jsonb accept it; {@code s} itself (no copy) when there is none; null stays
   * null.
   */
  public static String cleanText(String s) {
    if (s == null) return null;
    int n = s.length();
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (c == 0 || Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          i += 2;
          continue;
        }
        break;
      }
      i++;
    }
    if (i == n) return s;
    StringBuilder sb = new StringBuilder(n).append(s, 0, i);
    while (i < n) {
      char c = s.charAt(i);
      if (c == 0) {
        sb.append(REPLACEMENT);
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        sb.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        sb.append(REPLACEMENT);
      } else {
        sb.append(c);
      }
      i++;
    }
    return sb.toString();
  }

  private static void writeAttributes(Attributes a, JsonGenerator gen) throws IOException {
    gen.writeStartObject();
    if (a != null) {
      for (int i = 0, n = a.size(); i < n; i++) {
        gen.writeFieldName(cleanText(a.key(i)));
        writeValue(a.value(i), gen);
      }
    }
    gen.writeEndObject();
  }

  private static void writeValue(Object v, JsonGenerator gen) throws IOException {
    if (v == null) {
      gen.writeNull();
    } else if (v instanceof String s) {
      gen.writeString(cleanText(s));
    } else if (v instanceof Long
        || v instanceof Integer
        || v instanceof Short
        || v instanceof Byte) {
      gen.writeNumber(((Number) v).longValue());
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d))
        gen.writeString(Double.toString(d)); // jsonb has no NaN
      else gen.writeNumber(d);
    } else if (v instanceof Boolean b) {
      gen.writeBoolean(b);
    } else if (v instanceof byte[] bytes) {
      gen.writeBinary(Base64Variants.MIME_NO_LINEFEEDS, bytes, 0, bytes.length);
    } else if (v instanceof Attributes kv) {
      writeAttributes(kv, gen);
    } else if (v instanceof List<?> list) {
      gen.writeStartArray();
      for (Object e : list) writeValue(e, gen);
      gen.writeEndArray();
    } else if (v instanceof BigInteger big) {
      gen.writeNumber(big);
    } else if (v instanceof BigDecimal dec) {
      gen.writeNumber(dec);
    } else {
      gen.writeString(cleanText(v.toString()));
    }
  }

  private static void writeTime(String field, long unixNanos, JsonGenerator gen)
      throws IOException {
    if (unixNanos == 0) {
      gen.writeNullField(field);
      return;
    }
    // OTLP times are unsigned 64-bit: a "negative" long is a time after 2262
    Instant t =
        Instant.ofEpochSecond(
            Long.divideUnsigned(unixNanos, 1_000_000_000L),
            Long.remainderUnsigned(unixNanos, 1_000_000_000L));
    gen.writeStringField(field, t.toString());
  }

  private static void writeId(String field, byte[] id, JsonGenerator gen) throws IOException {
    if (id == null) gen.writeNullField(field);
    else gen.writeStringField(field, HEX.formatHex(id));
  }
}
