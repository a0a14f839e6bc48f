package io.stacklens.exporter.debug;

import static io.stacklens.exporter.debug.DebugText.block;
import static io.stacklens.exporter.debug.DebugText.field;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.stacklens.agent.data.MetricsBatch;
import java.util.List;

/**
 * Debug output of metric batches: one line (normal) or one indented block (detailed) per data
 * point.
 */
final class DebugMetrics {
  private static final String POINT = "        ";

  private DebugMetrics() {}

  static void append(MetricsBatch batch, boolean detailed, StringBuilder sb) {
    int ri = 0;
    for (ResourceMetrics rm : batch.resourceMetrics()) {
      if (detailed) {
        sb.append("ResourceMetrics #").append(ri++).append('\n');
        if (!rm.getSchemaUrl().isEmpty()) field("  ", "SchemaURL", rm.getSchemaUrl(), sb);
        block("  ", "Resource attributes", rm.getResource().getAttributesList(), sb);
      }
      int si = 0;
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        if (detailed) {
          sb.append("  ScopeMetrics #").append(si++).append('\n');
          if (!sm.getSchemaUrl().isEmpty()) field("    ", "SchemaURL", sm.getSchemaUrl(), sb);
          field(
              "    ",
              "InstrumentationScope",
              (sm.getScope().getName() + " " + sm.getScope().getVersion()).strip(),
              sb);
          block("    ", "InstrumentationScope attributes", sm.getScope().getAttributesList(), sb);
        }
        int mi = 0;
        for (Metric m : sm.getMetricsList()) {
          if (detailed) {
            sb.append("    Metric #").append(mi++).append('\n');
            field("      ", "Name", m.getName(), sb);
            field("      ", "Description", m.getDescription(), sb);
            field("      ", "Unit", m.getUnit(), sb);
            field("      ", "DataType", type(m), sb);
          }
          appendPoints(m, detailed, sb);
        }
      }
    }
  }

  private static void appendPoints(Metric m, boolean detailed, StringBuilder sb) {
    switch (m.getDataCase()) {
      case GAUGE -> numberPoints(m, m.getGauge().getDataPointsList(), detailed, sb);
      case SUM -> {
        if (detailed) {
          field("      ", "IsMonotonic", m.getSum().getIsMonotonic(), sb);
          field("      ", "AggregationTemporality", m.getSum().getAggregationTemporality(), sb);
        }
        numberPoints(m, m.getSum().getDataPointsList(), detailed, sb);
      }
      case HISTOGRAM -> {
        int i = 0;
        for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
          String value = "count=" + p.getCount() + (p.hasSum() ? " sum=" + p.getSum() : "");
          if (!detailed) {
            line(m, p.getTimeUnixNano(), value, p.getAttributesList(), sb);
            continue;
          }
          header(
              "HistogramDataPoint",
              i++,
              p.getStartTimeUnixNano(),
              p.getTimeUnixNano(),
              p.getAttributesList(),
              sb);
          field(POINT, "Count", p.getCount(), sb);
          if (p.hasSum()) field(POINT, "Sum", p.getSum(), sb);
          if (p.hasMin()) field(POINT, "Min", p.getMin(), sb);
          if (p.hasMax()) field(POINT, "Max", p.getMax(), sb);
          field(POINT, "ExplicitBounds", p.getExplicitBoundsList(), sb);
          field(POINT, "BucketCounts", p.getBucketCountsList(), sb);
        }
      }
      case EXPONENTIAL_HISTOGRAM -> {
        int i = 0;
        for (ExponentialHistogramDataPoint p : m.getExponentialHistogram().getDataPointsList()) {
          String value = "count=" + p.getCount() + (p.hasSum() ? " sum=" + p.getSum() : "");
          if (!detailed) {
            line(m, p.getTimeUnixNano(), value, p.getAttributesList(), sb);
            continue;
          }
          header(
              "ExponentialHistogramDataPoint",
              i++,
              p.getStartTimeUnixNano(),
              p.getTimeUnixNano(),
              p.getAttributesList(),
              sb);
          field(POINT, "Count", p.getCount(), sb);
          if (p.hasSum()) field(POINT, "Sum", p.getSum(), sb);
          if (p.hasMin()) field(POINT, "Min", p.getMin(), sb);
          if (p.hasMax()) field(POINT, "Max", p.getMax(), sb);
          field(POINT, "Scale", p.getScale(), sb);
          field(POINT, "ZeroCount", p.getZeroCount(), sb);
          field(
              POINT,
              "Positive",
              "offset=" + p.getPositive().getOffset() + " " + p.getPositive().getBucketCountsList(),
              sb);
          field(
              POINT,
              "Negative",
              "offset=" + p.getNegative().getOffset() + " " + p.getNegative().getBucketCountsList(),
              sb);
        }
      }
      case SUMMARY -> {
        int i = 0;
        for (SummaryDataPoint p : m.getSummary().getDataPointsList()) {
          if (!detailed) {
            line(
                m,
                p.getTimeUnixNano(),
                "count=" + p.getCount() + " sum=" + p.getSum(),
                p.getAttributesList(),
                sb);
            continue;
          }
          header(
              "SummaryDataPoint",
              i++,
              p.getStartTimeUnixNano(),
              p.getTimeUnixNano(),
              p.getAttributesList(),
              sb);
          field(POINT, "Count", p.getCount(), sb);
          field(POINT, "Sum", p.getSum(), sb);
          for (SummaryDataPoint.ValueAtQuantile q : p.getQuantileValuesList()) {
            field(POINT, "Quantile " + q.getQuantile(), q.getValue(), sb);
          }
        }
      }
      case DATA_NOT_SET -> {
        // no points
      }
    }
  }

  private static void numberPoints(
      Metric m, List<NumberDataPoint> points, boolean detailed, StringBuilder sb) {
    int i = 0;
    for (NumberDataPoint p : points) {
      Object value =
          p.getValueCase() == NumberDataPoint.ValueCase.AS_INT
              ? (Object) p.getAsInt()
              : (Object) p.getAsDouble();
      if (!detailed) {
        line(m, p.getTimeUnixNano(), "value=" + value, p.getAttributesList(), sb);
        continue;
      }
      header(
          "NumberDataPoint",
          i++,
          p.getStartTimeUnixNano(),
          p.getTimeUnixNano(),
          p.getAttributesList(),
          sb);
      field(POINT, "Value", value, sb);
    }
  }

  /** {@code <time> <name> <type> <value> <attributes>}. */
  private static void line(
      Metric m, long time, String value, List<KeyValue> attributes, StringBuilder sb) {
    sb.append(DebugText.time(time))
        .append(' ')
        .append(m.getName())
        .append(' ')
        .append(type(m))
        .append(' ')
        .append(value)
        .append(' ')
        .append(DebugText.inline(attributes))
        .append('\n');
  }

  private static void header(
      String kind, int index, long start, long time, List<KeyValue> attributes, StringBuilder sb) {
    sb.append("      ").append(kind).append(" #").append(index).append('\n');
    block(POINT, "Data point attributes", attributes, sb);
    field(POINT, "StartTimestamp", DebugText.time(start), sb);
    field(POINT, "Timestamp", DebugText.time(time), sb);
  }

  private static String type(Metric m) {
    return switch (m.getDataCase()) {
      case GAUGE -> "Gauge";
      case SUM -> "Sum";
      case HISTOGRAM -> "Histogram";
      case EXPONENTIAL_HISTOGRAM -> "ExponentialHistogram";
      case SUMMARY -> "Summary";
      case DATA_NOT_SET -> "Empty";
    };
  }
}
