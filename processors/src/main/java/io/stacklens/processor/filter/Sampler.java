package io.stacklens.processor.filter;

import io.stacklens.agent.data.AnyValues;
import io.stacklens.agent.expr.Conditions;
import io.stacklens.agent.expr.FieldPath;
import io.stacklens.agent.expr.LogContext;
import java.util.function.LongSupplier;

/**
 * Decides whether a record is kept by {@code sample}. With a key (trace id or a field), the key's
 * seeded hash is compared to a threshold, so a key is always kept or always dropped and the records
 * of one trace (or user, ...) stay together. Not thread-safe (one per processor instance).
 */
final class Sampler {
  /** Keys whose 53-bit hash is below this are kept: percentage / 100 * 2^53. */
  private final long threshold;

  private final boolean byTraceId;
  private final boolean byRandom;
  private final FieldPath field;
  private final FilterProcessorConfig.Fallback fallback;
  private final long seedState;
  private final LongSupplier random;

  Sampler(FilterProcessorConfig.SampleSettings s, LongSupplier random) {
    this.threshold = thresholdOf(s.percentage);
    String by = s.by.trim();
    this.byTraceId = "trace_id".equals(by);
    this.byRandom = "random".equals(by);
    this.field = byTraceId || byRandom ? null : Conditions.fieldValidated(by);
    this.fallback = s.fallback;
    this.seedState = KeyHash.seeded(s.seed);
    this.random = random;
  }

  static long thresholdOf(double percentage) {
    return (long) Math.floor(percentage / 100.0 * (1L << 53));
  }

  /** True when the record is kept. */
  boolean keep(LogContext ctx) {
    if (byRandom) return keepRandom();
    long h;
    if (byTraceId) {
      byte[] id = ctx.record().traceId();
      if (id == null) return keepWithoutKey();
      h = KeyHash.hashBytes(seedState, id);
    } else {
      Object v = field.get(ctx);
      if (v == null) return keepWithoutKey();
      h = hashValue(v);
    }
    return (h >>> 11) < threshold;
  }

  /**
   * Hash of a field value: text by its UTF-8 bytes, bytes as they are, anything else by its display
   * text.
   */
  long hashValue(Object v) {
    if (v instanceof String s) return KeyHash.hashString(seedState, s);
    if (v instanceof byte[] b) return KeyHash.hashBytes(seedState, b);
    return KeyHash.hashString(seedState, AnyValues.toDisplayString(v));
  }

  private boolean keepWithoutKey() {
    return switch (fallback) {
      case KEEP -> true;
      case DROP -> false;
      case RANDOM -> keepRandom();
    };
  }

  private boolean keepRandom() {
    return (random.getAsLong() >>> 11) < threshold;
  }
}
