package io.stacklens.receiver.otlp;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.stacklens.agent.data.MetricsBatch;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.limits.DecodeBudget;
import io.stacklens.agent.otlp.OtlpJson;
import io.stacklens.agent.otlp.OtlpProtoScanner;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Metrics, kept in protobuf form. A histogram data point is invalid when it has bucket_counts but
 * not exactly one more than explicit_bounds (the spec's hard rule for explicit-bucket histograms).
 * Data points of any kind over a decode limit are left out too. The request is rebuilt only when
 * some data point is removed.
 */
final class MetricsSignal
    extends OtlpSignal<
        OtlpSignal.Parsed<ExportMetricsServiceRequest>, ExportMetricsServiceResponse> {
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
  Parsed<ExportMetricsServiceRequest> parseProtobuf(byte[] body, DecodeBudget budget)
      throws InvalidProtocolBufferException {
    OtlpProtoScanner.Result scan =
        OtlpProtoScanner.scan(body, ExportMetricsServiceRequest.getDescriptor(), budget);
    return new Parsed<>(
        ExportMetricsServiceRequest.parseFrom(body), scan.rejected(), scan.records());
  }

  @Override
  Parsed<ExportMetricsServiceRequest> parseJson(byte[] body, DecodeBudget budget) {
    return new Parsed<>(OtlpJson.parseMetrics(body, budget), new BitSet(), -1);
  }

  @Override
  Validated validate(Parsed<ExportMetricsServiceRequest> parsed, DecodeBudget budget) {
    ExportMetricsServiceRequest request = parsed.request();
    BitSet overLimit = parsed.limitRejected();
    long invalid = 0;
    String first = "";
    int ordinal = 0;
    for (int r = 0; r < request.getResourceMetricsCount(); r++) {
      ResourceMetrics resource = request.getResourceMetrics(r);
      for (int s = 0; s < resource.getScopeMetricsCount(); s++) {
        ScopeMetrics scope = resource.getScopeMetrics(s);
        for (int m = 0; m < scope.getMetricsCount(); m++) {
          Metric metric = scope.getMetrics(m);
          List<? extends Message> points = dataPoints(metric);
          for (int p = 0; p < points.size(); p++, ordinal++) {
            if (overLimit.get(ordinal)) continue;
            String problem = problem(points.get(p));
            if (problem != null && invalid++ == 0) {
              first =
                  "resource_metrics["
                      + r
                      + "].scope_metrics["
                      + s
                      + "].metrics["
                      + m
                      + "] (\""
                      + metric.getName()
                      + "\").histogram.data_points["
                      + p
                      + "]: "
                      + problem;
            }
          }
        }
      }
    }
    if (parsed.scanned() >= 0 && ordinal != parsed.scanned() && !overLimit.isEmpty()) {
      throw new IllegalArgumentException(
          "a metric sets more than one of gauge, sum, histogram, exponential_histogram"
              + " and summary; send one data field per metric");
    }
    long rejected = invalid + overLimit.cardinality();
    if (rejected == 0) return new Validated(MetricsBatch.of(request), 0, 0, "");
    return new Validated(
        new MetricsBatch(withoutRejected(request, overLimit)),
        invalid,
        rejected,
        describe(first(budget, first), rejected, recordNoun()));
  }

  /** The data points of a metric, whatever its kind (empty when it has no data field). */
  private static List<? extends Message> dataPoints(Metric m) {
    return switch (m.getDataCase()) {
      case GAUGE -> m.getGauge().getDataPointsList();
      case SUM -> m.getSum().getDataPointsList();
      case HISTOGRAM -> m.getHistogram().getDataPointsList();
      case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getDataPointsList();
      case SUMMARY -> m.getSummary().getDataPointsList();
      case DATA_NOT_SET -> List.of();
    };
  }

  private static List<ResourceMetrics> withoutRejected(
      ExportMetricsServiceRequest request, BitSet overLimit) {
    List<ResourceMetrics> kept = new ArrayList<>(request.getResourceMetricsCount());
    int ordinal = 0;
    for (ResourceMetrics resource : request.getResourceMetricsList()) {
      ResourceMetrics.Builder rb = resource.toBuilder().clearScopeMetrics();
      for (ScopeMetrics scope : resource.getScopeMetricsList()) {
        ScopeMetrics.Builder sb = scope.toBuilder().clearMetrics();
        for (Metric metric : scope.getMetricsList()) {
          List<? extends Message> points = dataPoints(metric);
          if (points.isEmpty()) {
            sb.addMetrics(metric);
            continue;
          }
          List<Message> keep = new ArrayList<>(points.size());
          for (Message point : points) {
            if (!overLimit.get(ordinal++) && problem(point) == null) keep.add(point);
          }
          if (keep.size() == points.size()) {
            sb.addMetrics(metric);
          } else if (!keep.isEmpty()) {
            sb.addMetrics(withPoints(metric, keep));
          }
        }
        if (sb.getMetricsCount() > 0) rb.addScopeMetrics(sb);
      }
      if (rb.getScopeMetricsCount() > 0) kept.add(rb.build());
    }
    return kept;
  }

  /** {@code metric} with its data field's data_points replaced by {@code points}. */
  private static Metric withPoints(Metric metric, List<Message> points) {
    FieldDescriptor dataField =
        Metric.getDescriptor().findFieldByNumber(metric.getDataCase().getNumber());
    Message data = (Message) metric.getField(dataField);
    FieldDescriptor pointsField = data.getDescriptorForType().findFieldByName("data_points");
    Message.Builder db = data.toBuilder().clearField(pointsField);
    for (Message p : points) db.addRepeatedField(pointsField, p);
    return metric.toBuilder().setField(dataField, db.build()).build();
  }

  private static String problem(Message point) {
    return point instanceof HistogramDataPoint h ? problem(h) : null;
  }

  private static String problem(HistogramDataPoint point) {
    int buckets = point.getBucketCountsCount();
    int bounds = point.getExplicitBoundsCount();
    if (buckets > 0 && buckets != bounds + 1) {
      return "bucket_counts has "
          + buckets
          + " entries and explicit_bounds "
          + bounds
          + "; expected len(explicit_bounds) + 1";
    }
    return null;
  }

  @Override
  ExportMetricsServiceResponse response(long rejected, String problem) {
    ExportMetricsServiceResponse.Builder b = ExportMetricsServiceResponse.newBuilder();
    if (rejected > 0) {
      b.setPartialSuccess(
          ExportMetricsPartialSuccess.newBuilder()
              .setRejectedDataPoints(rejected)
              .setErrorMessage(problem));
    }
    return b.build();
  }
}
