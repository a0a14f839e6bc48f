package io.stacklens.agent.limits;

import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.MemoryLimiter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one request may still decode into: the decoders call it as they go, and it stops them (with
 * an exception) as soon as a limit is crossed, so an over-limit request never materialises.
 *
 * <ul>
 *   <li>request level: {@link #countRecord} against {@code max_records_per_request}, {@link
 *       #charge} against {@code max_decoded_size} and, in chunks of {@value #CHUNK} bytes, against
 *       the agent's {@link MemoryLimiter}; both throw {@link DecodeLimitException};
 *   <li>record level: {@link #checkValueSize}, {@link #countValue} and {@link #checkDepth} throw
 *       {@link RecordLimitException}; the decoder skips the record and reports it with {@link
 *       #rejectRecord}.
 * </ul>
 *
 * When decoding succeeds, {@link #handOver} makes the batch the holder of the bytes acquired from
 * the limiter; when it fails, {@link #release} gives them back. One instance per request, one
 * thread.
 */
public final class DecodeBudget {
  /**
   * Bytes acquired from the limiter at a time: one CAS per chunk, and at most this much overshoot
   * per decoder.
   */
  public static final long CHUNK = 64 * 1024;

  private final DecodeLimits limits;
  private final MemoryLimiter limiter;
  private long decoded;
  private long acquired;
  private int records;
  private int recordValues;
  private long rejected;
  private String firstRejection;
  private Map<String, Long> rejectedByReason;

  public DecodeBudget(DecodeLimits limits, MemoryLimiter limiter) {
    this.limits = limits;
    this.limiter = limiter;
  }

  /**
   * A budget without limits, not counted against any limiter (decoding the agent's own data,
   * tests).
   */
  public static DecodeBudget unlimited() {
    return new DecodeBudget(DecodeLimits.none(), MemoryLimiter.unlimited());
  }

  public DecodeLimits limits() {
    return limits;
  }

  // ------------------------------------------------------------------ request level

  /**
   * One more record (log record, span, data point) begins; refuses the request when it is one more
   * than {@code max_records_per_request}. Also starts the record's own value count.
   */
  public void countRecord() {
    recordValues = 0;
    if (++records > limits.maxRecordsPerRequest()) {
      throw new DecodeLimitException(
          "max_records_per_request",
          false,
          "the request holds more than "
              + limits.maxRecordsPerRequest()
              + " records ("
              + limits.key("max_records_per_request")
              + "); send smaller requests");
    }
  }

  /** Records counted so far. */
  public int records() {
    return records;
  }

  /**
   * {@code bytes} more of estimated decoded heap. Refuses the request past {@code max_decoded_size}
   * (not retryable) or when the agent's memory budget cannot give the next chunk (retryable).
   */
  public void charge(long bytes) {
    decoded += bytes;
    if (decoded <= acquired) return;
    if (decoded > limits.maxDecodedSize()) {
      throw new DecodeLimitException(
          "max_decoded_size",
          false,
          "the request decodes to more than "
              + limits.maxDecodedSize()
              + " bytes in memory ("
              + limits.key("max_decoded_size")
              + "); send smaller requests");
    }
    long need = decoded - acquired;
    long want = Math.max(CHUNK, need);
    if (!limiter.tryAcquire(want)) {
      // Near the limit a whole chunk may not fit where what is needed still does.
      if (want == need || !limiter.tryAcquire(need)) throw memoryExhausted(limiter);
      want = need;
    }
    acquired += want;
  }

  /**
   * The decoded request now takes {@code bytes} (an intermediate form, such as the protobuf
   * messages OTLP/JSON is read into before the model, became garbage): gives back what was acquired
   * beyond it.
   */
  public void settle(long bytes) {
    decoded = Math.max(0, bytes);
    long keep = Math.max(decoded, 0);
    if (acquired > keep) {
      limiter.release(acquired - keep);
      acquired = keep;
    }
  }

  /** Estimated decoded bytes so far. */
  public long decodedBytes() {
    return decoded;
  }

  /** The refusal for a spent memory budget: retryable, names the budget and its key. */
  public static DecodeLimitException memoryExhausted(MemoryLimiter limiter) {
    return new DecodeLimitException(
        "memory_limit",
        true,
        "the agent's memory budget is spent ("
            + limiter.used()
            + " of "
            + limiter.limit()
            + " bytes held by requests, pipelines and exporter queues; service.memory_limiter); retry later");
  }

  /** Makes {@code batch} the holder of what was acquired, trimmed to the decoded estimate. */
  public void handOver(Batch batch) {
    long keep = Math.min(acquired, Math.max(decoded, 0));
    limiter.release(acquired - keep);
    acquired = 0;
    batch.attachMemory(limiter, keep);
  }

  /** Gives back everything acquired (the request failed or was refused before a batch took it). */
  public void release() {
    limiter.release(acquired);
    acquired = 0;
  }

  // ------------------------------------------------------------------ record level

  /**
   * Throws when a string or bytes value of {@code length} bytes is longer than {@code
   * max_value_size}.
   */
  public void checkValueSize(long length) {
    if (length > limits.maxValueSize()) {
      throw new RecordLimitException(
          "max_value_size",
          "a value of "
              + length
              + " bytes is longer than the limit of "
              + limits.maxValueSize()
              + " bytes ("
              + limits.key("max_value_size")
              + ")");
    }
  }

  /**
   * One more key/value or list item in the current record; throws past {@code
   * max_attributes_per_record}.
   */
  public void countValue() {
    if (++recordValues > limits.maxAttributesPerRecord()) {
      throw new RecordLimitException(
          "max_attributes_per_record",
          "more than "
              + limits.maxAttributesPerRecord()
              + " attributes and list items ("
              + limits.key("max_attributes_per_record")
              + ")");
    }
  }

  /**
   * Starts a fresh value count (for a resource or scope, whose attributes are counted like a
   * record's).
   */
  public void resetValueCount() {
    recordValues = 0;
  }

  /** Throws when maps and lists are nested {@code depth} deep, past {@code max_nesting_depth}. */
  public void checkDepth(int depth) {
    if (depth > limits.maxNestingDepth()) {
      throw new RecordLimitException(
          "max_nesting_depth",
          "values nested more than "
              + limits.maxNestingDepth()
              + " levels deep ("
              + limits.key("max_nesting_depth")
              + ")");
    }
  }

  /**
   * Counts a record skipped for {@code e}, found at {@code where} (e.g. {@code
   * resource_logs[0].scope_logs[0].log_records[3]}).
   */
  public void rejectRecord(Object where, RecordLimitException e) {
    rejected++;
    if (firstRejection == null) firstRejection = where + ": " + e.getMessage();
    if (rejectedByReason == null) rejectedByReason = new LinkedHashMap<>(4);
    rejectedByReason.merge(e.reason(), 1L, Long::sum);
  }

  /**
   * Refuses the whole request for a record-level limit crossed where only the request can be
   * refused (a resource, a scope).
   */
  public static DecodeLimitException refuse(Object where, RecordLimitException e) {
    return new DecodeLimitException(
        e.reason(), false, where + ": " + e.getMessage() + "; the request is refused");
  }

  /** Records rejected by record-level limits. */
  public long rejected() {
    return rejected;
  }

  /** What was wrong with the first rejected record, or null when none was. */
  public String firstRejection() {
    return firstRejection;
  }

  /** Rejected records by metric reason, in order of first occurrence; empty when none. */
  public Map<String, Long> rejectedByReason() {
    return rejectedByReason == null ? Map.of() : rejectedByReason;
  }
}
