package io.stacklens.exporter.postgres;

import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.expr.FieldPath;
import io.stacklens.agent.expr.LogContext;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Turns records into rows of the logs table ({@link LogsTable#writtenColumns()} order). Values are
 * {@link UUID}, {@link Long} epoch microseconds for timestamps, {@link Short}, {@link Long}, {@link
 * Double}, {@link Boolean}, or {@link String} (text and jsonb text), or null. A promoted value that
 * cannot be converted to its column's type makes the record a {@link RefusedRecord} (reason {@code
 * conversion_failed}) instead of a row. Not thread-safe.
 */
final class LogRows {
  static final String CONVERSION_FAILED = "conversion_failed";

  /** One row and the record it came from. */
  record Row(RecordRef ref, Object[] values) {}

  /** The rows of a batch and the records that could not become rows. */
  record Encoded(List<Row> rows, List<RefusedRecord> failures) {}

  private final LogsTable table;
  private final boolean deterministicIds;
  private final RecordIds ids = new RecordIds();
  private final FieldPath[] promotedPaths;
  private final Column.Kind[] promotedKinds;
  private final String[] promotedNames;
  private final LogContext ctx = new LogContext();

  LogRows(LogsTable table, boolean deterministicIds) {
    this.table = table;
    this.deterministicIds = deterministicIds;
    int n = table.promoted().size();
    promotedPaths = table.promoted().values().toArray(new FieldPath[0]);
    promotedNames = table.promoted().keySet().toArray(new String[0]);
    promotedKinds = new Column.Kind[n];
    for (int i = 0; i < n; i++)
      promotedKinds[i] = table.writtenColumns().get(LogsTable.headSize() + i).kind();
  }

  Encoded encode(List<RecordRef> refs) {
    List<Row> rows = new ArrayList<>(refs.size());
    List<RefusedRecord> failures = new ArrayList<>();
    Map<ResourceLogs, Object[]> resources = new IdentityHashMap<>();
    int width = table.writtenColumns().size();
    for (RecordRef ref : refs) {
      Object[] res = resources.computeIfAbsent(ref.resource(), LogRows::resourceValues);
      LogRecord r = ref.record();
      Object[] v = new Object[width];
      int i = 0;
      v[i++] = deterministicIds ? ids.of(ref.resource(), ref.scope(), r) : randomUuid();
      long time = r.timeUnixNano() != 0 ? r.timeUnixNano() : r.observedTimeUnixNano();
      v[i++] = Math.floorDiv(time, 1000L);
      v[i++] =
          r.observedTimeUnixNano() == 0 ? null : Math.floorDiv(r.observedTimeUnixNano(), 1000L);
      v[i++] = r.severityNumber(); // an Integer: out of smallint range is the server's data error
      v[i++] = r.severityText().isEmpty() ? null : r.severityText();
      Object body = r.body();
      v[i++] = bodyText(body);
      v[i++] =
          body instanceof Attributes || body instanceof List<?> ? RecordJson.value(body) : null;
      v[i++] = hex(r.traceId());
      v[i++] = hex(r.spanId());
      v[i++] = res[0];
      v[i++] = res[1];
      v[i++] = res[2];
      v[i++] = res[3];
      String failure = null;
      if (promotedPaths.length > 0) {
        ctx.set(ref.resource(), ref.scope(), r);
        for (int p = 0; p < promotedPaths.length; p++) {
          Object raw = promotedPaths[p].get(ctx);
          try {
            v[i++] = convert(raw, promotedKinds[p]);
          } catch (IllegalArgumentException | ArithmeticException e) {
            failure =
                "column "
                    + promotedNames[p]
                    + " ("
                    + promotedKinds[p].ddl
                    + ") from "
                    + promotedPaths[p]
                    + ": "
                    + e.getMessage();
            break;
          }
        }
      }
      if (failure != null) {
        failures.add(new RefusedRecord(ref, CONVERSION_FAILED, failure));
        continue;
      }
      String scopeName = ref.scope() == null ? "" : ref.scope().scope().name();
      v[i++] = scopeName.isEmpty() ? null : scopeName;
      v[i++] = res[4];
      v[i++] = RecordJson.attributes(r.attributes());
      rows.add(new Row(ref, v));
    }
    return new Encoded(rows, failures);
  }

  /** service_name, service_version, host_name, environment, resource jsonb. */
  private static Object[] resourceValues(ResourceLogs rl) {
    Attributes a = rl == null ? new Attributes() : rl.resource().attributes();
    Object env = a.get("deployment.environment.name");
    if (env == null) env = a.get("deployment.environment");
    return new Object[] {
      text(a.get("service.name")),
      text(a.get("service.version")),
      text(a.get("host.name")),
      text(env),
      RecordJson.attributes(a)
    };
  }

  private static String text(Object v) {
    if (v == null) return null;
    if (v instanceof String s) return s;
    if (v instanceof byte[] b) return Base64.getEncoder().encodeToString(b);
    if (v instanceof Attributes || v instanceof List<?>) return RecordJson.value(v);
    return v.toString();
  }

  private static String bodyText(Object body) {
    return text(body);
  }

  private static String hex(byte[] id) {
    return id == null ? null : HexFormat.of().formatHex(id);
  }

  private static UUID randomUuid() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
    long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(hi, lo);
  }

  /** {@code raw} as a value of {@code kind}; IllegalArgumentException says why it cannot be. */
  static Object convert(Object raw, Column.Kind kind) {
    if (raw == null) return null;
    switch (kind) {
      case TEXT:
        return text(raw);
      case JSONB:
        return RecordJson.value(raw);
      case BIGINT:
        if (raw instanceof Long l) return l;
        if (raw instanceof Double d) {
          if (d == Math.rint(d) && Math.abs(d) < 9.2e18) return d.longValue();
          throw new IllegalArgumentException("the double " + d + " is not a whole number");
        }
        if (raw instanceof String s) {
          try {
            return Long.parseLong(s.trim());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + shorten(s) + "' is not an integer");
          }
        }
        if (raw instanceof Boolean b) return b ? 1L : 0L;
        throw new IllegalArgumentException("a " + FieldPath.kind(raw) + " is not an integer");
      case DOUBLE:
        if (raw instanceof Double d) return d;
        if (raw instanceof Long l) return l.doubleValue();
        if (raw instanceof String s) {
          try {
            return Double.parseDouble(s.trim());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + shorten(s) + "' is not a number");
          }
        }
        throw new IllegalArgumentException("a " + FieldPath.kind(raw) + " is not a number");
      case BOOLEAN:
        if (raw instanceof Boolean b) return b;
        if (raw instanceof String s) {
          String t = s.trim().toLowerCase(java.util.Locale.ROOT);
          if (t.equals("true")) return true;
          if (t.equals("false")) return false;
        }
        if (raw instanceof Long l && (l == 0 || l == 1)) return l == 1;
        throw new IllegalArgumentException(
            "'"
                + shorten(String.valueOf(raw instanceof String ? raw : FieldPath.kind(raw)))
                + "' is not a boolean (true or false)");
      case TIMESTAMPTZ:
        return Math.floorDiv(epochNanos(raw), 1000L);
      default:
        throw new IllegalArgumentException("unsupported column type " + kind);
    }
  }

  /**
   * A timestamp: an RFC 3339 string, or a number of seconds, milliseconds, microseconds or
   * nanoseconds since the epoch (told apart by magnitude, as the parse processor does).
   */
  private static long epochNanos(Object raw) {
    if (raw instanceof Long l) return scaleToNanos(l);
    if (raw instanceof Double d) {
      if (!Double.isFinite(d) || Math.abs(d) > 9.2e9)
        throw new IllegalArgumentException(d + " is not a usable epoch time");
      return (long) (d * 1e9);
    }
    if (raw instanceof String s) {
      String t = s.trim();
      try {
        return toNanos(OffsetDateTime.parse(t).toInstant());
      } catch (DateTimeParseException e) {
        try {
          return toNanos(Instant.parse(t));
        } catch (DateTimeParseException e2) {
          try {
            return scaleToNanos(Long.parseLong(t));
          } catch (NumberFormatException e3) {
            throw new IllegalArgumentException(
                "'" + shorten(s) + "' is not an RFC 3339 timestamp or epoch number");
          }
        }
      }
    }
    throw new IllegalArgumentException("a " + FieldPath.kind(raw) + " is not a timestamp");
  }

  private static long scaleToNanos(long v) {
    long a = Math.abs(v);
    if (a < 100_000_000_000L) return Math.multiplyExact(v, 1_000_000_000L); // seconds
    if (a < 100_000_000_000_000L) return Math.multiplyExact(v, 1_000_000L); // milliseconds
    if (a < 100_000_000_000_000_000L) return Math.multiplyExact(v, 1_000L); // microseconds
    return v;
  }

  private static long toNanos(Instant i) {
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
  }

  private static String shorten(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }
}
