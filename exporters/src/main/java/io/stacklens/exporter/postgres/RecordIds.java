package io.stacklens.exporter.postgres;

import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Deterministic record ids: the first 16 bytes of SHA-256 over a canonical encoding of the record
 * (time, observed time, severity number and text, body, attributes, trace id, span id, event name)
 * and its origin (resource attributes, scope name and version), as a UUID with the version nibble
 * set to 8 (RFC 9562 "custom"). The same record replayed gets the same id.
 *
 * <p>Canonical: every value is written with a type tag and a length, so no two different records
 * encode the same; map keys (attributes, kvlist values) are sorted, so key order does not matter.
 * Not thread-safe (one instance per thread).
 */
final class RecordIds {
  private static final byte NULL = 0;
  private static final byte STRING = 1;
  private static final byte LONG = 2;
  private static final byte DOUBLE = 3;
  private static final byte BOOLEAN = 4;
  private static final byte BYTES = 5;
  private static final byte LIST = 6;
  private static final byte MAP = 7;
  private static final byte OTHER = 8;

  private final MessageDigest sha256;
  private final ByteBuffer scratch = ByteBuffer.allocate(9);

  RecordIds() {
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  UUID of(ResourceLogs rl, ScopeLogs sl, LogRecord r) {
    MessageDigest d = sha256;
    d.reset();
    d.update((byte) 1); // encoding version
    number(r.timeUnixNano());
    number(r.observedTimeUnixNano());
    number(r.severityNumber());
    string(r.severityText());
    value(r.body());
    map(r.attributes());
    bytes(r.traceId());
    bytes(r.spanId());
    string(r.eventName());
    map(rl == null ? null : rl.resource().attributes());
    string(sl == null ? "" : sl.scope().name());
    string(sl == null ? "" : sl.scope().version());
    byte[] h = d.digest();
    h[6] = (byte) ((h[6] & 0x0f) | 0x80); // version 8
    h[8] = (byte) ((h[8] & 0x3f) | 0x80); // IETF variant
    ByteBuffer b = ByteBuffer.wrap(h, 0, 16);
    return new UUID(b.getLong(), b.getLong());
  }

  private void tag(byte tag, long n) {
    scratch.clear();
    scratch.put(tag).putLong(n);
    sha256.update(scratch.array(), 0, 9);
  }

  private void number(long v) {
    tag(LONG, v);
  }

  private void string(String s) {
    if (s == null) {
      tag(NULL, 0);
      return;
    }
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    tag(STRING, utf8.length);
    sha256.update(utf8);
  }

  private void bytes(byte[] b) {
    if (b == null) {
      tag(NULL, 0);
      return;
    }
    tag(BYTES, b.length);
    sha256.update(b);
  }

  private void value(Object v) {
    if (v == null) tag(NULL, 0);
    else if (v instanceof String s) string(s);
    else if (v instanceof Long l) tag(LONG, l);
    else if (v instanceof Integer i) tag(LONG, i);
    else if (v instanceof Double x) tag(DOUBLE, Double.doubleToLongBits(x));
    else if (v instanceof Boolean x) tag(BOOLEAN, x ? 1 : 0);
    else if (v instanceof byte[] b) bytes(b);
    else if (v instanceof List<?> list) {
      tag(LIST, list.size());
      for (Object o : list) value(o);
    } else if (v instanceof Attributes a) map(a);
    else {
      tag(OTHER, 0);
      string(v.toString());
    }
  }

  private void map(Attributes a) {
    if (a == null || a.isEmpty()) {
      tag(MAP, 0);
      return;
    }
    int n = a.size();
    tag(MAP, n);
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) order[i] = i;
    if (n > 1) Arrays.sort(order, (x, y) -> a.key(x).compareTo(a.key(y)));
    for (int i : order) {
      string(a.key(i));
      value(a.value(i));
    }
  }
}
