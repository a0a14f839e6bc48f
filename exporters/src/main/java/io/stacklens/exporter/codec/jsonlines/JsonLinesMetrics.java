package io.stacklens.exporter.codec.jsonlines;

import static io.stacklens.exporter.codec.jsonlines.Fields.*;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.stacklens.agent.data.MetricsBatch;
import java.io.IOException;
import java.util.List;

/**
 * Writes each metric data point of a batch as one flat JSON object followed by a newline: the
 * metric's name, type and unit, the point's value (or histogram/summary fields), attributes,
 * resource and scope.
 */
final class JsonLinesMetrics {
  private JsonLinesMetrics() {}

  /** What every point of one metric shares, written at the start of each of its lines. */
  private record Context(
      ResourceMetrics resource, ScopeMetrics scope, Metric metric, String type) {}

  /**
   * Appends one line per data point of {@code batch}, calling {@code drain} (may be null) after
   * each metric's lines.
   */
  static void write(
      MetricsBatch batch, JsonGenerator gen, LineWriter line, JsonLinesEncoder.LineEnd drain)
      throws IOException {
    for (ResourceMetrics rm : batch.resourceMetrics()) {
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        for (Metric m : sm.getMetricsList()) {
          writeMetric(rm, sm, m, gen, line);
          if (drain != null) drain.afterLine();
        }
      }
    }
  }

  private static void writeMetric(
      ResourceMetrics rm, ScopeMetrics sm, Metric m, JsonGenerator gen, LineWriter line)
      throws IOException {
    switch (m.getDataCase()) {
      case GAUGE -> {
        Context c = new Context(rm, sm, m, "gauge");
        for (NumberDataPoint p : m.getGauge().getDataPointsList()) {
          start(c, p.getStartTimeUnixNano(), p.getTimeUnixNano(), gen, line);
          writeNumberValue(p, gen);
          end(c, p.getAttributesList(), p.getFlags(), p.getExemplarsCount(), gen);
        }
      }
      case SUM -> {
        Context c = new Context(rm, sm, m, "sum");
        for (NumberDataPoint p : m.getSum().getDataPointsList()) {
          start(c, p.getStartTimeUnixNano(), p.getTimeUnixNano(), gen, line);
          gen.writeFieldName(IS_MONOTONIC);
          gen.writeBoolean(m.getSum().getIsMonotonic());
          writeTemporality(m.getSum().getAggregationTemporality(), gen);
          writeNumberValue(p, gen);
          end(c, p.getAttributesList(), p.getFlags(), p.getExemplarsCount(), gen);
        }
      }
      case HISTOGRAM -> {
        Context c = new Context(rm, sm, m, "histogram");
        for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
          start(c, p.getStartTimeUnixNano(), p.getTimeUnixNano(), gen, line);
          writeTemporality(m.getHistogram().getAggregationTemporality(), gen);
          writeCountSumMinMax(
              p.getCount(),
              p.hasSum(),
              p.getSum(),
              p.hasMin(),
              p.getMin(),
              p.hasMax(),
              p.getMax(),
              gen);
          writeLongs(BUCKET_COUNTS, p.getBucketCountsList(), gen);
          gen.writeFieldName(EXPLICIT_BOUNDS);
          gen.writeStartArray();
          for (int i = 0; i < p.getExplicitBoundsCount(); i++)
            gen.writeNumber(p.getExplicitBounds(i));
          gen.writeEndArray();
          end(c, p.getAttributesList(), p.getFlags(), p.getExemplarsCount(), gen);
        }
      }
      case EXPONENTIAL_HISTOGRAM -> {
        Context c = new Context(rm, sm, m, "exponential_histogram");
        for (ExponentialHistogramDataPoint p : m.getExponentialHistogram().getDataPointsList()) {
          start(c, p.getStartTimeUnixNano(), p.getTimeUnixNano(), gen, line);
          writeTemporality(m.getExponentialHistogram().getAggregationTemporality(), gen);
          writeCountSumMinMax(
              p.getCount(),
              p.hasSum(),
              p.getSum(),
              p.hasMin(),
              p.getMin(),
              p.hasMax(),
              p.getMax(),
              gen);
          gen.writeFieldName(SCALE);
          gen.writeNumber(p.getScale());
          gen.writeFieldName(ZERO_COUNT);
          gen.writeNumber(p.getZeroCount());
          gen.writeFieldName(ZERO_THRESHOLD);
          gen.writeNumber(p.getZeroThreshold());
          writeBuckets(POSITIVE, p.getPositive(), gen);
          writeBuckets(NEGATIVE, p.getNegative(), gen);
          end(c, p.getAttributesList(), p.getFlags(), p.getExemplarsCount(), gen);
        }
      }
      case SUMMARY -> {
        Context c = new Context(rm, sm, m, "summary");
        for (SummaryDataPoint p : m.getSummary().getDataPointsList()) {
          start(c, p.getStartTimeUnixNano(), p.getTimeUnixNano(), gen, line);
          writeCountSumMinMax(p.getCount(), true, p.getSum(), false, 0, false, 0, gen);
          gen.writeFieldName(QUANTILES);
          gen.writeStartArray();
          for (SummaryDataPoint.ValueAtQuantile q : p.getQuantileValuesList()) {
            gen.writeStartObject();
            gen.writeFieldName(QUANTILE);
            gen.writeNumber(q.getQuantile());
            gen.writeFieldName(VALUE);
            gen.writeNumber(q.getValue());
            gen.writeEndObject();
          }
          gen.writeEndArray();
          end(c, p.getAttributesList(), p.getFlags(), 0, gen);
        }
      }
      case DATA_NOT_SET -> {
        // A metric without data has no points, so it has no line.
      }
    }
  }

  private static void start(
      Context c, long startNanos, long timeNanos, JsonGenerator gen, LineWriter line)
      throws IOException {
    gen.writeStartObject();
    line.writeTimestamp(TIMESTAMP, timeNanos, gen);
    gen.writeFieldName(TIME_UNIX_NANO);
    gen.writeNumber(timeNanos);
    if (startNanos != 0) {
      gen.writeFieldName(START_TIME_UNIX_NANO);
      gen.writeNumber(startNanos);
    }
    gen.writeFieldName(METRIC);
    gen.writeString(c.metric().getName());
    if (!c.metric().getDescription().isEmpty()) {
      gen.writeFieldName(DESCRIPTION);
      gen.writeString(c.metric().getDescription());
    }
    gen.writeFieldName(TYPE);
    gen.writeString(c.type());
    gen.writeFieldName(UNIT);
    gen.writeString(c.metric().getUnit());
  }

  private static void end(
      Context c, List<KeyValue> attributes, int flags, int exemplars, JsonGenerator gen)
      throws IOException {
    gen.writeFieldName(ATTRIBUTES);
    JsonValues.writeKeyValues(attributes, gen);
    if (flags != 0) {
      gen.writeFieldName(FLAGS);
      gen.writeNumber(flags);
    }
    if (exemplars != 0) {
      gen.writeFieldName(EXEMPLARS_COUNT);
      gen.writeNumber(exemplars);
    }
    gen.writeFieldName(RESOURCE);
    JsonValues.writeKeyValues(c.resource().getResource().getAttributesList(), gen);
    JsonLinesSpans.writeScope(c.scope().getScope(), gen);
    gen.writeEndObject();
    gen.writeRaw('\n');
  }

  private static void writeNumberValue(NumberDataPoint p, JsonGenerator gen) throws IOException {
    gen.writeFieldName(VALUE);
    switch (p.getValueCase()) {
      case AS_INT -> gen.writeNumber(p.getAsInt());
      case AS_DOUBLE -> gen.writeNumber(p.getAsDouble());
      default -> gen.writeNull();
    }
  }

  private static void writeTemporality(AggregationTemporality t, JsonGenerator gen)
      throws IOException {
    gen.writeFieldName(AGGREGATION_TEMPORALITY);
    gen.writeString(
        switch (t) {
          case AGGREGATION_TEMPORALITY_DELTA -> "delta";
          case AGGREGATION_TEMPORALITY_CUMULATIVE -> "cumulative";
          default -> "unspecified";
        });
  }

  private static void writeCountSumMinMax(
      long count,
      boolean hasSum,
      double sum,
      boolean hasMin,
      double min,
      boolean hasMax,
      double max,
      JsonGenerator gen)
      throws IOException {
    gen.writeFieldName(COUNT);
    gen.writeNumber(count);
    if (hasSum) {
      gen.writeFieldName(SUM);
      gen.writeNumber(sum);
    }
    if (hasMin) {
      gen.writeFieldName(MIN);
      gen.writeNumber(min);
    }
    if (hasMax) {
      gen.writeFieldName(MAX);
      gen.writeNumber(max);
    }
  }

  private static void writeBuckets(
      SerializableString field, ExponentialHistogramDataPoint.Buckets buckets, JsonGenerator gen)
      throws IOException {
    gen.writeFieldName(field);
    gen.writeStartObject();
    gen.writeFieldName(OFFSET);
    gen.writeNumber(buckets.getOffset());
    writeLongs(BUCKET_COUNTS, buckets.getBucketCountsList(), gen);
    gen.writeEndObject();
  }

  private static void writeLongs(SerializableString field, List<Long> values, JsonGenerator gen)
      throws IOException {
    gen.writeFieldName(field);
    gen.writeStartArray();
    for (Long v : values) gen.writeNumber(v);
    gen.writeEndArray();
  }
}
