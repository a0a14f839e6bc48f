package io.stacklens.processor.filter;

import io.stacklens.agent.data.AnyValues;
import io.stacklens.agent.expr.Conditions;
import io.stacklens.agent.expr.FieldPath;
import io.stacklens.agent.expr.LogContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token buckets for {@code throttle}: each bucket holds up to {@code burst} tokens, refilled at
 * {@code rate} per second; a record passes when it can take one token. With a key, one bucket per
 * distinct key value, at most {@code max_keys} of them (the least recently used is forgotten; it
 * starts full if its key comes back). Records without the key share one bucket. Not thread-safe.
 */
final class Throttler {
  /** The map key of records that have no value at the key field. */
  private static final Object MISSING = new Object();

  private final double ratePerNano;
  private final double burst;
  private final FieldPath key;
  private final Bucket global;
  private final Map<Object, Bucket> buckets;
  private long now;

  Throttler(FilterProcessorConfig.ThrottleSettings t) {
    this.ratePerNano = t.rate / 1e9;
    this.burst = t.effectiveBurst();
    this.key = t.key == null ? null : Conditions.fieldValidated(t.key);
    int maxKeys = t.maxKeys;
    this.global = key == null ? new Bucket(burst) : null;
    this.buckets =
        key == null
            ? null
            : new LinkedHashMap<>(16, 0.75f, true) {
              @Override
              protected boolean removeEldestEntry(Map.Entry<Object, Bucket> eldest) {
                return size() > maxKeys;
              }
            };
  }

  /** Sets the time used for the records that follow (read once per batch). */
  void setNow(long nanos) {
    this.now = nanos;
  }

  /** True when the record may pass (and takes a token). */
  boolean allow(LogContext ctx) {
    Bucket b;
    if (global != null) {
      b = global;
    } else {
      Object k = key.get(ctx);
      if (k == null) k = MISSING;
      else if (k instanceof byte[] bytes) k = AnyValues.toDisplayString(bytes);
      b = buckets.get(k);
      if (b == null) {
        b = new Bucket(burst);
        buckets.put(k, b);
      }
    }
    return b.take(now, ratePerNano, burst);
  }

  /** Buckets currently held (for tests). */
  int keyCount() {
    return buckets == null ? 1 : buckets.size();
  }

  private static final class Bucket {
    double tokens;
    long last;
    boolean fresh = true;

    /** A full bucket; its clock starts at its first record. */
    Bucket(double tokens) {
      this.tokens = tokens;
    }

    boolean take(long now, double ratePerNano, double burst) {
      if (fresh) {
        fresh = false;
        last = now;
      }
      long elapsed = now - last;
      if (elapsed > 0) {
        tokens = Math.min(burst, tokens + elapsed * ratePerNano);
        last = now;
      }
      if (tokens >= 1) {
        tokens -= 1;
        return true;
      }
      return false;
    }
  }
}
