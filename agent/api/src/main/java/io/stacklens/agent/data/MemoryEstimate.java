package io.stacklens.agent.data;

import java.util.List;

/**
 * Approximate heap bytes of decoded telemetry, for the memory budget. The decoders add the same
 * constants as they read (so an estimate is known before anything is materialised); the pipeline
 * worker re-estimates a logs batch with {@link #of(LogsBatch)} after processors changed it.
 *
 * <p>The figures are for a 64-bit JVM with compressed references: object headers of 12-16 bytes,
 * strings as a {@code String} plus a Latin-1 {@code byte[]} (UTF-8 wire length is used as the
 * character count: exact for ASCII, an overestimate for other text), arrays rounded to 8 bytes.
 * They are meant to be within a small factor of the truth, cheap to compute, and never zero for a
 * non-empty batch.
 */
public final class MemoryEstimate {
  /** A {@code String} and its array, without the characters. */
  public static final long STRING = 48;

  /** A {@code byte[]} header. */
  public static final long BYTES = 16;

  /** A boxed {@code Long}, {@code Double} or {@code Boolean}. */
  public static final long BOXED = 16;

  /** One key/value slot of {@link Attributes}, or one element slot of a list. */
  public static final long SLOT = 16;

  /** An {@link Attributes} object with its two arrays, or an {@code ArrayList}, without slots. */
  public static final long CONTAINER = 72;

  /** A {@link LogRecord} with its (empty) attributes. */
  public static final long LOG_RECORD = 200;

  /** A resource or scope with its list and (empty) attributes. */
  public static final long GROUP = 200;

  /**
   * One decoded protobuf message object (spans, data points and their parts), parsed from protobuf.
   */
  public static final long PROTO_MESSAGE = 64;

  /**
   * One protobuf message built from OTLP/JSON through a builder: the message, its share of the
   * builder left behind and the unmodifiable list wrappers of its repeated fields. Calibrated on a
   * heap dump of nested key/value lists decoded from JSON (about 650 bytes per key/value, three
   * messages each).
   */
  public static final long PROTO_MESSAGE_FROM_JSON = 160;

  private MemoryEstimate() {}

  /** A string of {@code length} characters (or UTF-8 bytes). */
  public static long string(long length) {
    return STRING + length;
  }

  /**
   * The estimate of a whole logs batch. Walks every record: call it once per batch, not per stage.
   */
  public static long of(LogsBatch batch) {
    long total = CONTAINER;
    for (ResourceLogs r : batch.resourceLogs()) {
      total += GROUP + attributes(r.resource().attributes()) + r.schemaUrl().length();
      for (ScopeLogs s : r.scopeLogs()) {
        InstrumentationScope scope = s.scope();
        total +=
            GROUP
                + attributes(scope.attributes())
                + scope.name().length()
                + scope.version().length()
                + s.schemaUrl().length();
        List<LogRecord> records = s.logRecords();
        for (int i = 0, n = records.size(); i < n; i++) total += record(records.get(i));
      }
    }
    return total;
  }

  /** One log record with everything it references. */
  public static long record(LogRecord r) {
    long total =
        LOG_RECORD
            + attributes(r.attributes())
            + value(r.body())
            + r.severityText().length()
            + r.eventName().length();
    if (r.traceId() != null) total += BYTES + r.traceId().length;
    if (r.spanId() != null) total += BYTES + r.spanId().length;
    return total;
  }

  /**
   * Attribute slots with their keys and values (the container itself is part of its owner's
   * figure).
   */
  public static long attributes(Attributes a) {
    long total = 0;
    for (int i = 0, n = a.size(); i < n; i++) {
      total += SLOT + STRING + a.key(i).length() + value(a.value(i));
    }
    return total;
  }

  /** One AnyValue: a string, a number, bytes, a list or a map. */
  public static long value(Object v) {
    if (v == null) return 0;
    if (v instanceof String s) return STRING + s.length();
    if (v instanceof byte[] b) return BYTES + b.length;
    if (v instanceof Attributes m) return CONTAINER + attributes(m);
    if (v instanceof List<?> list) {
      long total = CONTAINER;
      for (int i = 0, n = list.size(); i < n; i++) total += SLOT + value(list.get(i));
      return total;
    }
    return BOXED;
  }
}
