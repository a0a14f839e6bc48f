package io.stacklens.exporter.codec.jsonlines;

import com.fasterxml.jackson.core.io.SerializedString;

/**
 * Keys of the {@code json_lines} format, pre-encoded once. Documented in docs/exporters/file.md.
 */
final class Fields {
  private Fields() {}

  // shared
  static final SerializedString TIMESTAMP = key("timestamp");
  static final SerializedString TIME_UNIX_NANO = key("time_unix_nano");
  static final SerializedString START_TIME_UNIX_NANO = key("start_time_unix_nano");
  static final SerializedString ATTRIBUTES = key("attributes");
  static final SerializedString DROPPED_ATTRIBUTES_COUNT = key("dropped_attributes_count");
  static final SerializedString RESOURCE = key("resource");
  static final SerializedString SCOPE = key("scope");
  static final SerializedString NAME = key("name");
  static final SerializedString VERSION = key("version");
  static final SerializedString TRACE_ID = key("trace_id");
  static final SerializedString SPAN_ID = key("span_id");
  static final SerializedString FLAGS = key("flags");

  // logs
  static final SerializedString OBSERVED_TIME_UNIX_NANO = key("observed_time_unix_nano");
  static final SerializedString SEVERITY_NUMBER = key("severity_number");
  static final SerializedString SEVERITY_TEXT = key("severity_text");
  static final SerializedString BODY = key("body");
  static final SerializedString EVENT_NAME = key("event_name");

  // spans
  static final SerializedString PARENT_SPAN_ID = key("parent_span_id");
  static final SerializedString TRACE_STATE = key("trace_state");
  static final SerializedString KIND = key("kind");
  static final SerializedString START_TIME = key("start_time");
  static final SerializedString END_TIME = key("end_time");
  static final SerializedString END_TIME_UNIX_NANO = key("end_time_unix_nano");
  static final SerializedString DURATION_NANO = key("duration_nano");
  static final SerializedString STATUS = key("status");
  static final SerializedString CODE = key("code");
  static final SerializedString MESSAGE = key("message");
  static final SerializedString EVENTS_COUNT = key("events_count");
  static final SerializedString LINKS_COUNT = key("links_count");
  static final SerializedString DROPPED_EVENTS_COUNT = key("dropped_events_count");
  static final SerializedString DROPPED_LINKS_COUNT = key("dropped_links_count");

  // metrics
  static final SerializedString METRIC = key("metric");
  static final SerializedString DESCRIPTION = key("description");
  static final SerializedString TYPE = key("type");
  static final SerializedString UNIT = key("unit");
  static final SerializedString VALUE = key("value");
  static final SerializedString IS_MONOTONIC = key("is_monotonic");
  static final SerializedString AGGREGATION_TEMPORALITY = key("aggregation_temporality");
  static final SerializedString COUNT = key("count");
  static final SerializedString SUM = key("sum");
  static final SerializedString MIN = key("min");
  static final SerializedString MAX = key("max");
  static final SerializedString BUCKET_COUNTS = key("bucket_counts");
  static final SerializedString EXPLICIT_BOUNDS = key("explicit_bounds");
  static final SerializedString SCALE = key("scale");
  static final SerializedString ZERO_COUNT = key("zero_count");
  static final SerializedString ZERO_THRESHOLD = key("zero_threshold");
  static final SerializedString POSITIVE = key("positive");
  static final SerializedString NEGATIVE = key("negative");
  static final SerializedString OFFSET = key("offset");
  static final SerializedString QUANTILES = key("quantiles");
  static final SerializedString QUANTILE = key("quantile");
  static final SerializedString EXEMPLARS_COUNT = key("exemplars_count");

  private static SerializedString key(String name) {
    return new SerializedString(name);
  }
}
