package io.stacklens.receiver.json;

import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.InstrumentationScope;
import io.stacklens.agent.data.LogRecord;
import java.util.List;

/**
 * What {@link JsonRecordMapper#map} made of one JSON object: either a record with its resource and
 * scope ({@link #ok()}), or the reasons it was rejected.
 *
 * @param record the log record; null when rejected
 * @param resource the resource attributes the object named; empty when none, null when rejected
 * @param scope the instrumentation scope (from a {@code scope} object); an empty scope when none,
 *     null when rejected
 * @param errors every problem found, in field order; empty when {@link #ok()}
 */
public record MappedRecord(
    LogRecord record, Attributes resource, InstrumentationScope scope, List<FieldError> errors) {
  public MappedRecord {
    errors = List.copyOf(errors);
  }

  static MappedRecord accepted(LogRecord record, Attributes resource, InstrumentationScope scope) {
    return new MappedRecord(record, resource, scope, List.of());
  }

  static MappedRecord rejected(List<FieldError> errors) {
    return new MappedRecord(null, null, null, errors);
  }

  /** True when the object became a record. */
  public boolean ok() {
    return errors.isEmpty();
  }
}
