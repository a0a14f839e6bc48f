package io.stacklens.receiver.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.stacklens.agent.api.Signal;
import io.stacklens.agent.data.MetricsBatch;
import io.stacklens.agent.otlp.OtlpJson;
import java.util.ArrayList;
import java.util.List;

/**
 * Metrics, kept in protobuf form. A histogram data point is invalid when it has bucket_counts but not
 * exactly one more than explicit_bounds (the spec's hard rule for explicit-bucket histograms). The
 * request is rebuilt only when some data point is invalid.
 */
final class MetricsSignal extends OtlpSignal<ExportMetricsServiceRequest, ExportMetricsServiceResponse> {
  static final MetricsSignal INSTANCE = new MetricsSignal();

  @Override
  Signal signal() {
    return Signal.METRICS;
  }

  @Override
  String httpPath() {
    return "/v1/metrics";
  }

  @Override
  String recordNoun() {
    return "data points";
  }

  @Override
  ExportMetricsServiceRequest parseProtobuf(byte[] body) throws InvalidProtocolBufferException {
    return ExportMetricsServiceRequest.parseFrom(body);
  }

  @Override
  ExportMetricsServiceRequest parseJson(byte[] body) {
    return OtlpJson.parseMetrics(body);
  }

  @Override
  Validated validate(ExportMetricsServiceRequest request) {
    long rejected = 0;
    String first = "";
    for (int r = 0; r < request.getResourceMetricsCount(); r++) {
      ResourceMetrics resource = request.getResourceMetrics(r);
      for (int s = 0; s < resource.getScopeMetricsCount(); s++) {
        ScopeMetrics scope = resource.getScopeMetrics(s);
        for (int m = 0; m < scope.getMetricsCount(); m++) {
          Metric metric = scope.getMetrics(m);
          if (!metric.hasHistogram()) continue;
          for (int p = 0; p < metric.getHistogram().getDataPointsCount(); p++) {
            String problem = problem(metric.getHistogram().getDataPoints(p));
            if (problem != null && rejected++ == 0) {
              first = "resource_metrics[" + r + "].scope_metrics[" + s + "].metrics[" + m + "] (\"" + metric.getName()
                  + "\").histogram.data_points[" + p + "]: " + problem;
            }
          }
        }
      }
    }
    if (rejected == 0) return new Validated(MetricsBatch.of(request), 0, "");
    return new Validated(new MetricsBatch(withoutInvalid(request)), rejected, describe(first, rejected, recordNoun()));
  }

  private static List<ResourceMetrics> withoutInvalid(ExportMetricsServiceRequest request) {
    List<ResourceMetrics> kept = new ArrayList<>(request.getResourceMetricsCount());
    for (ResourceMetrics resource : request.getResourceMetricsList()) {
      ResourceMetrics.Builder rb = resource.toBuilder().clearScopeMetrics();
      for (ScopeMetrics scope : resource.getScopeMetricsList()) {
        ScopeMetrics.Builder sb = scope.toBuilder().clearMetrics();
        for (Metric metric : scope.getMetricsList()) {
          if (!metric.hasHistogram()) {
            sb.addMetrics(metric);
            continue;
          }
          Metric.Builder mb = metric.toBuilder();
          mb.getHistogramBuilder().clearDataPoints();
          for (HistogramDataPoint point : metric.getHistogram().getDataPointsList()) {
            if (problem(point) == null) mb.getHistogramBuilder().addDataPoints(point);
          }
          if (mb.getHistogramBuilder().getDataPointsCount() > 0) sb.addMetrics(mb);
        }
        if (sb.getMetricsCount() > 0) rb.addScopeMetrics(sb);
      }
      if (rb.getScopeMetricsCount() > 0) kept.add(rb.build());
    }
    return kept;
  }

  private static String problem(HistogramDataPoint point) {
    int buckets = point.getBucketCountsCount();
    int bounds = point.getExplicitBoundsCount();
    if (buckets > 0 && buckets != bounds + 1) {
      return "bucket_counts has " + buckets + " entries and explicit_bounds " + bounds
          + "; expected len(explicit_bounds) + 1";
    }
    return null;
  }

  @Override
  ExportMetricsServiceResponse response(long rejected, String problem) {
    ExportMetricsServiceResponse.Builder b = ExportMetricsServiceResponse.newBuilder();
    if (rejected > 0) {
      b.setPartialSuccess(ExportMetricsPartialSuccess.newBuilder().setRejectedDataPoints(rejected).setErrorMessage(problem));
    }
    return b.build();
  }
}
