package io.stacklens.exporter.debug;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ExportException;
import io.stacklens.agent.api.Exporter;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.MetricsBatch;
import io.stacklens.agent.data.TracesBatch;
import java.io.PrintStream;
import java.time.Instant;

/**
 * Prints batches to a {@link PrintStream} (standard output in production). Each push renders its
 * whole text first and prints it in one call, so output of concurrent pushes never interleaves.
 */
final class DebugExporter implements Exporter {
  private final ComponentContext context;
  private final Verbosity verbosity;
  private final PrintStream out;

  DebugExporter(ComponentContext context, Verbosity verbosity, PrintStream out) {
    this.context = context;
    this.verbosity = verbosity;
    this.out = out;
  }

  @Override
  public void start(Host host) {}

  @Override
  public void push(Batch batch) throws ExportException {
    String text = render(batch);
    synchronized (out) {
      out.print(text);
      out.flush();
      if (out.checkError()) {
        throw ExportException.retryable(
            "exporter " + context.id() + ": writing to standard output failed");
      }
    }
  }

  String render(Batch batch) {
    StringBuilder sb = new StringBuilder(256);
    sb.append(context.id())
        .append(' ')
        .append(batch.signal().id())
        .append(": ")
        .append(batch.recordCount())
        .append(batch.recordCount() == 1 ? " record" : " records")
        .append(", ");
    int resources = resourceCount(batch);
    sb.append(resources).append(resources == 1 ? " resource" : " resources").append('\n');
    if (verbosity == Verbosity.BASIC) return sb.toString();
    boolean detailed = verbosity == Verbosity.DETAILED;
    if (batch instanceof LogsBatch logs) {
      DebugLogs.append(logs, detailed, sb);
    } else if (batch instanceof TracesBatch traces) {
      DebugTraces.append(traces, detailed, sb);
    } else if (batch instanceof MetricsBatch metrics) {
      DebugMetrics.append(metrics, detailed, sb);
    }
    return sb.toString();
  }

  private static int resourceCount(Batch batch) {
    if (batch instanceof LogsBatch logs) return logs.resourceLogs().size();
    if (batch instanceof TracesBatch traces) return traces.resourceSpans().size();
    if (batch instanceof MetricsBatch metrics) return metrics.resourceMetrics().size();
    return 0;
  }

  @Override
  public void shutdown(Instant deadline) {
    out.flush();
  }
}
