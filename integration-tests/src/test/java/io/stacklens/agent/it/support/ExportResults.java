package io.stacklens.agent.it.support;

import static org.awaitility.Awaitility.await;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the outcomes of an OpenTelemetry SDK exporter's {@code export} calls, so a test can assert
 * that the real SDK exporters saw success (their processors swallow the result otherwise).
 */
public final class ExportResults {
  public final AtomicInteger succeeded = new AtomicInteger();
  public final AtomicInteger failed = new AtomicInteger();

  /**
   * Emits one log record with body {@code body} through the SDK with {@code exporter} and waits up
   * to {@code wait} for its export to end: whether it succeeded.
   */
  public static boolean exportOneLog(LogRecordExporter exporter, String body, Duration wait) {
    ExportResults results = new ExportResults();
    SdkLoggerProvider loggers =
        SdkLoggerProvider.builder()
            .addLogRecordProcessor(SimpleLogRecordProcessor.create(results.wrap(exporter)))
            .build();
    try {
      loggers.get("stacklens-test").logRecordBuilder().setBody(body).emit();
      loggers.forceFlush().join(wait.toMillis(), TimeUnit.MILLISECONDS);
      await().atMost(wait).until(() -> results.succeeded.get() + results.failed.get() == 1);
      return results.succeeded.get() == 1;
    } finally {
      loggers.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  private CompletableResultCode track(CompletableResultCode code) {
    code.whenComplete(() -> (code.isSuccess() ? succeeded : failed).incrementAndGet());
    return code;
  }

  public LogRecordExporter wrap(LogRecordExporter delegate) {
    return new LogRecordExporter() {
      @Override
      public CompletableResultCode export(Collection<LogRecordData> logs) {
        return track(delegate.export(logs));
      }

      @Override
      public CompletableResultCode flush() {
        return delegate.flush();
      }

      @Override
      public CompletableResultCode shutdown() {
        return delegate.shutdown();
      }
    };
  }

  public SpanExporter wrap(SpanExporter delegate) {
    return new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        return track(delegate.export(spans));
      }

      @Override
      public CompletableResultCode flush() {
        return delegate.flush();
      }

      @Override
      public CompletableResultCode shutdown() {
        return delegate.shutdown();
      }
    };
  }

  public MetricExporter wrap(MetricExporter delegate) {
    return new MetricExporter() {
      @Override
      public CompletableResultCode export(Collection<MetricData> metrics) {
        return track(delegate.export(metrics));
      }

      @Override
      public AggregationTemporality getAggregationTemporality(InstrumentType type) {
        return delegate.getAggregationTemporality(type);
      }

      @Override
      public MemoryMode getMemoryMode() {
        return delegate.getMemoryMode();
      }

      @Override
      public CompletableResultCode flush() {
        return delegate.flush();
      }

      @Override
      public CompletableResultCode shutdown() {
        return delegate.shutdown();
      }
    };
  }
}
