package io.stacklens.exporter.kafka;

import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * Sorts a failed send into permanent (the broker will never take this message: a metric reason) or
 * retryable (null). Anything not known to be permanent is retried: a wrong guess costs a bounded
 * retry (retry_on_failure.max_elapsed_time), while the other mistake would lose records.
 */
final class KafkaErrors {
  private KafkaErrors() {}

  static Throwable unwrap(Throwable t) {
    while ((t instanceof ExecutionException
            || t instanceof java.util.concurrent.CompletionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** The metric reason of a permanent failure, or null when the send may succeed later. */
  static String permanentReason(Throwable t) {
    t = unwrap(t);
    if (t instanceof RecordTooLargeException || t instanceof RecordBatchTooLargeException)
      return "record_too_large";
    if (t instanceof InvalidTopicException) return "invalid_topic";
    if (t instanceof AuthorizationException) return "not_authorized";
    if (t instanceof AuthenticationException) return "authentication_failed";
    if (t instanceof SerializationException) return "serialization_failed";
    if (t instanceof InvalidRecordException) return "invalid_record";
    if (t instanceof InvalidConfigurationException || t instanceof UnsupportedVersionException)
      return "rejected_by_broker";
    return null;
  }

  static String describe(Throwable t) {
    t = unwrap(t);
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
