package io.stacklens.agent.data;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.util.List;

/**
 * Metrics, kept in decoded OTLP protobuf form like {@link TracesBatch}. The record count is the
 * number of data points, the unit the OTLP partial-success response counts.
 */
public final class MetricsBatch extends BatchMemory {
  private final List<ResourceMetrics> resourceMetrics;
  private final int dataPointCount;

  /**
   * A batch of {@code resourceMetrics}; the list is copied (the protobuf messages are immutable and
   * shared) and its data points counted once.
   */
  public MetricsBatch(List<ResourceMetrics> resourceMetrics) {
    this.resourceMetrics = List.copyOf(resourceMetrics);
    int n = 0;
    for (ResourceMetrics r : this.resourceMetrics) {
      for (ScopeMetrics s : r.getScopeMetricsList()) {
        for (Metric m : s.getMetricsList()) n += dataPoints(m);
      }
    }
    this.dataPointCount = n;
  }

  /** A batch of every resource of a decoded OTLP export request. */
  public static MetricsBatch of(ExportMetricsServiceRequest request) {
    return new MetricsBatch(request.getResourceMetricsList());
  }

  static int dataPoints(Metric m) {
    return switch (m.getDataCase()) {
      case GAUGE -> m.getGauge().getDataPointsCount();
      case SUM -> m.getSum().getDataPointsCount();
      case HISTOGRAM -> m.getHistogram().getDataPointsCount();
      case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getDataPointsCount();
      case SUMMARY -> m.getSummary().getDataPointsCount();
      case DATA_NOT_SET -> 0;
    };
  }

  /** The resources of this batch: an unmodifiable list of immutable protobuf messages. */
  public List<ResourceMetrics> resourceMetrics() {
    return resourceMetrics;
  }

  /** This batch as an OTLP export request, ready to encode. */
  public ExportMetricsServiceRequest toRequest() {
    return ExportMetricsServiceRequest.newBuilder().addAllResourceMetrics(resourceMetrics).build();
  }

  @Override
  public Signal signal() {
    return Signal.METRICS;
  }

  @Override
  public int recordCount() {
    return dataPointCount;
  }

  @Override
  public MetricsBatch copy() {
    return this;
  }
}
