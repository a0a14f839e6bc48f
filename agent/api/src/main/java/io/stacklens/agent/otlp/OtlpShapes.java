package io.stacklens.agent.otlp;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.Set;

/**
 * What the decode limits need to know of the OTLP messages, by descriptor: which messages are the
 * records a request is counted in (the unit of {@code partial_success}), which are the key/values
 * and list items counted per record, where AnyValue nesting is, and which messages start a fresh
 * count (resources and scopes, whose attributes are limited like a record's).
 */
final class OtlpShapes {
  private static final Set<Descriptor> RECORDS =
      Set.of(
          LogRecord.getDescriptor(),
          Span.getDescriptor(),
          NumberDataPoint.getDescriptor(),
          HistogramDataPoint.getDescriptor(),
          ExponentialHistogramDataPoint.getDescriptor(),
          SummaryDataPoint.getDescriptor());
  private static final Set<Descriptor> GROUPS =
      Set.of(Resource.getDescriptor(), InstrumentationScope.getDescriptor());
  private static final FieldDescriptor ARRAY_VALUES =
      ArrayValue.getDescriptor().findFieldByNumber(ArrayValue.VALUES_FIELD_NUMBER);

  private OtlpShapes() {}

  /** A repeated field of records: log_records, spans, data_points. */
  static boolean isRecordField(FieldDescriptor fd) {
    return fd.getJavaType() == FieldDescriptor.JavaType.MESSAGE
        && RECORDS.contains(fd.getMessageType());
  }

  static boolean isRecord(Descriptor type) {
    return RECORDS.contains(type);
  }

  /**
   * A repeated field whose every item counts against {@code max_attributes_per_record}: key/values
   * and list items.
   */
  static boolean isCountedValueField(FieldDescriptor fd) {
    return fd == ARRAY_VALUES
        || (fd.getJavaType() == FieldDescriptor.JavaType.MESSAGE
            && fd.getMessageType() == KeyValue.getDescriptor());
  }

  static boolean isAnyValue(Descriptor type) {
    return type == AnyValue.getDescriptor();
  }

  /** A resource or a scope: its attributes are counted from zero. */
  static boolean isGroup(Descriptor type) {
    return GROUPS.contains(type);
  }
}
