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

  public LogRecord() {
    this(new Attributes());
  }

  public LogRecord(Attributes attributes) {
    this.attributes = attributes;
  }

  public long timeUnixNano() {
    return timeUnixNano;
  }

  public LogRecord setTimeUnixNano(long v) {
    this.timeUnixNano = v;
    return this;
  }

  public long observedTimeUnixNano() {
    return observedTimeUnixNano;
  }

  public LogRecord setObservedTimeUnixNano(long v) {
    this.observedTimeUnixNano = v;
    return this;
  }

  public int severityNumber() {
    return severityNumber;
  }

  public LogRecord setSeverityNumber(int v) {
    this.severityNumber = v;
    return this;
  }

  public String severityText() {
    return severityText;
  }

  public LogRecord setSeverityText(String v) {
    this.severityText = v == null ? "" : v;
    return this;
  }

  public Object body() {
    return body;
  }

  public LogRecord setBody(Object v) {
    this.body = v;
    return this;
  }

  public Attributes attributes() {
    return attributes;
  }

  public int droppedAttributesCount() {
    return droppedAttributesCount;
  }

  public LogRecord setDroppedAttributesCount(int v) {
    this.droppedAttributesCount = v;
    return this;
  }

  public int flags() {
    return flags;
  }

  public LogRecord setFlags(int v) {
    this.flags = v;
    return this;
  }

  /** 16 bytes, or null when the record has no trace id. */
  public byte[] traceId() {
    return traceId;
  }

  public LogRecord setTraceId(byte[] v) {
    this.traceId = v == null || v.length == 0 ? null : v;
    return this;
  }

  /** 8 bytes, or null when the record has no span id. */
  public byte[] spanId() {
    return spanId;
  }

  public LogRecord setSpanId(byte[] v) {
    this.spanId = v == null || v.length == 0 ? null : v;
    return this;
  }

  public String eventName() {
    return eventName;
  }

  public LogRecord setEventName(String v) {
    this.eventName = v == null ? "" : v;
    return this;
  }

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
