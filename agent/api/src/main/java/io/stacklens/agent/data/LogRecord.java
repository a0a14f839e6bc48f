package io.stacklens.agent.data;

import java.util.Arrays;

/**
 * One log record (OTLP {@code LogRecord}), mutable in place by processors.
 *
 * <p>Ids are 16-byte (trace) and 8-byte (span) arrays, or null when absent. The body is an AnyValue
 * object (see {@link Attributes}); null means no body.
 */
public final class LogRecord {
  /**
   * OTLP severity numbers: TRACE=1..4, DEBUG=5..8, INFO=9..12, WARN=13..16, ERROR=17..20,
   * FATAL=21..24.
   */
  public static final int SEVERITY_UNSPECIFIED = 0;

  /** Highest valid severity number (FATAL4). */
  public static final int SEVERITY_MAX = 24;

  private long timeUnixNano;
  private long observedTimeUnixNano;
  private int severityNumber;
  private String severityText = "";
  private Object body;
  private final Attributes attributes;
  private int droppedAttributesCount;
  private int flags;
  private byte[] traceId;
  private byte[] spanId;
  private String eventName = "";

  /** An empty record: times 0, no severity, no body, no ids, and a new empty attribute list. */
  public LogRecord() {
    this(new Attributes());
  }

  /**
   * An empty record using {@code attributes} as its attribute list (not copied: the record owns it
   * from now on).
   */
  public LogRecord(Attributes attributes) {
    this.attributes = attributes;
  }

  /** Time of the event in nanoseconds since the Unix epoch; 0 when unknown. */
  public long timeUnixNano() {
    return timeUnixNano;
  }

  /** Sets the event time in nanoseconds since the Unix epoch (0 = unknown). */
  public LogRecord setTimeUnixNano(long v) {
    this.timeUnixNano = v;
    return this;
  }

  /**
   * Time the record was first seen by a collection system, in nanoseconds since the Unix epoch; 0
   * when unset.
   */
  public long observedTimeUnixNano() {
    return observedTimeUnixNano;
  }

  /** Sets the observed time in nanoseconds since the Unix epoch (0 = unset). */
  public LogRecord setObservedTimeUnixNano(long v) {
    this.observedTimeUnixNano = v;
    return this;
  }

  /**
   * The record's severity number, {@link #SEVERITY_UNSPECIFIED} when unset (1-24 per the OTLP
   * spec).
   */
  public int severityNumber() {
    return severityNumber;
  }

  /** Sets the severity number; not checked against the 0-{@link #SEVERITY_MAX} range. */
  public LogRecord setSeverityNumber(int v) {
    this.severityNumber = v;
    return this;
  }

  /** The severity as the source wrote it (e.g. {@code WARN}); empty, never null, when unset. */
  public String severityText() {
    return severityText;
  }

  /** Sets the severity text; null is stored as the empty string. */
  public LogRecord setSeverityText(String v) {
    this.severityText = v == null ? "" : v;
    return this;
  }

  /** The body as an AnyValue object (see {@link AnyValues}), or null when the record has none. */
  public Object body() {
    return body;
  }

  /**
   * Sets the body to an AnyValue object (see {@link AnyValues}), or null for none; the record now
   * owns it.
   */
  public LogRecord setBody(Object v) {
    this.body = v;
    return this;
  }

  /** The record's attributes, live: changes to the returned list change the record. Never null. */
  public Attributes attributes() {
    return attributes;
  }

  /**
   * How many attributes the source dropped before the record arrived (e.g. over a limit); 0 when
   * none.
   */
  public int droppedAttributesCount() {
    return droppedAttributesCount;
  }

  /** Sets the count of attributes dropped before the record arrived. */
  public LogRecord setDroppedAttributesCount(int v) {
    this.droppedAttributesCount = v;
    return this;
  }

  /**
   * OTLP {@code LogRecordFlags}: the low 8 bits are the W3C trace flags (bit 0 = sampled); 0 when
   * unset.
   */
  public int flags() {
    return flags;
  }

  /** Sets the OTLP log record flags. */
  public LogRecord setFlags(int v) {
    this.flags = v;
    return this;
  }

  /** 16 bytes, or null when the record has no trace id. */
  public byte[] traceId() {
    return traceId;
  }

  /**
   * Sets the 16-byte trace id; null or empty means none. The array is kept, not copied, and must
   * not be changed afterwards.
   */
  public LogRecord setTraceId(byte[] v) {
    this.traceId = v == null || v.length == 0 ? null : v;
    return this;
  }

  /** 8 bytes, or null when the record has no span id. */
  public byte[] spanId() {
    return spanId;
  }

  /**
   * Sets the 8-byte span id; null or empty means none. The array is kept, not copied, and must not
   * be changed afterwards.
   */
  public LogRecord setSpanId(byte[] v) {
    this.spanId = v == null || v.length == 0 ? null : v;
    return this;
  }

  /**
   * The event name (OTLP {@code event_name}) when the record is an event; empty, never null,
   * otherwise.
   */
  public String eventName() {
    return eventName;
  }

  /** Sets the event name; null is stored as the empty string. */
  public LogRecord setEventName(String v) {
    this.eventName = v == null ? "" : v;
    return this;
  }

  /**
   * An independent copy: attributes and body are deep-copied, so processors may change either
   * record without affecting the other. Strings and the id arrays are shared (they are never
   * changed in place).
   */
  public LogRecord copy() {
    LogRecord c = new LogRecord(attributes.copy());
    c.timeUnixNano = timeUnixNano;
    c.observedTimeUnixNano = observedTimeUnixNano;
    c.severityNumber = severityNumber;
    c.severityText = severityText;
    c.body = AnyValues.deepCopy(body);
    c.droppedAttributesCount = droppedAttributesCount;
    c.flags = flags;
    c.traceId = traceId;
    c.spanId = spanId;
    c.eventName = eventName;
    return c;
  }

  /** Field-by-field equality, for tests and round-trip checks. */
  public boolean sameAs(LogRecord o) {
    return timeUnixNano == o.timeUnixNano
        && observedTimeUnixNano == o.observedTimeUnixNano
        && severityNumber == o.severityNumber
        && severityText.equals(o.severityText)
        && AnyValues.equal(body, o.body)
        && attributes.equals(o.attributes)
        && droppedAttributesCount == o.droppedAttributesCount
        && flags == o.flags
        && Arrays.equals(traceId, o.traceId)
        && Arrays.equals(spanId, o.spanId)
        && eventName.equals(o.eventName);
  }

  @Override
  public String toString() {
    return "LogRecord{time="
        + timeUnixNano
        + ", severity="
        + severityNumber
        + "/"
        + severityText
        + ", body="
        + AnyValues.toDisplayString(body)
        + ", attributes="
        + attributes
        + "}";
  }
}
