package io.stacklens.agent.limits;

import io.stacklens.agent.api.RequestLimitsConfig;

/**
 * The limits of {@link RequestLimitsConfig} as the decoders use them, with the YAML path of the
 * section ({@code receivers.otlp.limits}) so every violation names the key a user can change.
 */
public record DecodeLimits(
    String keyPrefix,
    int maxRecordsPerRequest,
    long maxDecodedSize,
    int maxAttributesPerRecord,
    int maxNestingDepth,
    int maxValueSize) {

  /**
   * The limits of {@code config}, written at {@code keyPrefix} (e.g. {@code
   * receivers.otlp.limits}).
   */
  public static DecodeLimits of(String keyPrefix, RequestLimitsConfig config) {
    return new DecodeLimits(
        keyPrefix,
        config.maxRecordsPerRequest,
        config.maxDecodedSize.bytes(),
        config.maxAttributesPerRecord,
        config.maxNestingDepth,
        (int) config.maxValueSize.bytes());
  }

  /** The defaults of {@link RequestLimitsConfig}, under {@code keyPrefix}. */
  public static DecodeLimits defaults(String keyPrefix) {
    return of(keyPrefix, new RequestLimitsConfig());
  }

  /** Effectively no limits: for decoding data the agent wrote itself, and for tests. */
  public static DecodeLimits none() {
    return new DecodeLimits(
        "limits", Integer.MAX_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE, 1000, Integer.MAX_VALUE);
  }

  /** {@code <prefix>.<key>}: the full YAML key of one limit. */
  public String key(String limit) {
    return keyPrefix + "." + limit;
  }
}
