package io.stacklens.agent.api;

/**
 * The {@code limits} section of a receiver: what one request (or one Kafka message) may decode
 * into. The body size limit bounds what arrives on the wire; these bound what decoding makes of it,
 * and decoders check them while they read, so an over-limit request never materialises in memory.
 *
 * <pre>
 * limits:
 *   max_records_per_request: 50000    # log records, spans or metric data points; more: the request is refused (413)
 *   max_decoded_size: 16MiB           # estimated heap of the decoded request; more: the request is refused (413)
 *   max_attributes_per_record: 1000   # key/values and list items in one record, at every depth; more: that record is rejected
 *   max_nesting_depth: 64             # maps and lists inside maps and lists; deeper: that record is rejected
 *   max_value_size: 1MiB              # one string or bytes value; longer: that record is rejected
 * </pre>
 *
 * Record-level limits reject only the record (OTLP {@code partial_success}, {@code http_json}'s
 * per-record errors); a resource or scope over a record-level limit, or a limit crossed where the
 * format cannot skip just the record (OTLP/JSON strings, JSON arrays), refuses the request.
 */
public class RequestLimitsConfig implements ComponentConfig {
  /**
   * Most log records, spans or metric data points in one request; more refuses the request (413).
   * Default 50000; at least 1.
   */
  public int maxRecordsPerRequest = 50_000;

  /**
   * Most estimated heap the decoded request may take; more refuses the request (413). Default 16
   * MiB; at least 1 KiB.
   */
  public ByteSize maxDecodedSize = ByteSize.ofMebibytes(16);

  /**
   * Most key/values and list items in one record, counted at every depth; more rejects that record.
   * Default 1000; at least 1.
   */
  public int maxAttributesPerRecord = 1_000;

  /**
   * Deepest nesting of maps and lists inside a record; deeper rejects that record. Default 64;
   * between 1 and 1000.
   */
  public int maxNestingDepth = 64;

  /**
   * Longest single string or bytes value; longer rejects that record. Default 1 MiB; between 1 byte
   * and 2 GiB.
   */
  public ByteSize maxValueSize = ByteSize.ofMebibytes(1);

  @Override
  public void validate(ConfigProblems problems) {
    if (maxRecordsPerRequest < 1) {
      problems.error("max_records_per_request", "must be at least 1, got " + maxRecordsPerRequest);
    }
    if (maxDecodedSize == null || maxDecodedSize.bytes() < 1024) {
      problems.error("max_decoded_size", "must be at least 1KiB, got " + maxDecodedSize);
    }
    if (maxAttributesPerRecord < 1) {
      problems.error(
          "max_attributes_per_record", "must be at least 1, got " + maxAttributesPerRecord);
    }
    if (maxNestingDepth < 1 || maxNestingDepth > 1000) {
      problems.error("max_nesting_depth", "must be between 1 and 1000, got " + maxNestingDepth);
    }
    if (maxValueSize == null
        || maxValueSize.bytes() < 1
        || maxValueSize.bytes() > Integer.MAX_VALUE) {
      problems.error("max_value_size", "must be between 1 byte and 2GiB, got " + maxValueSize);
    }
  }
}
