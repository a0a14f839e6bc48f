package io.stacklens.agent.api;

import io.stacklens.agent.telemetry.Counter;
import io.stacklens.agent.telemetry.MetricsRegistry;

/**
 * What a factory gets to build a component: its identity, self-telemetry and a logger. Processors
 * are built once per pipeline and also get the pipeline's name ({@code null} for receivers and
 * exporters).
 */
public record ComponentContext(
    ComponentId id,
    ComponentKind kind,
    MetricsRegistry metrics,
    System.Logger logger,
    String pipeline) {
  /** The counter every processor drop goes to, with the reason it was dropped. */
  public static final String PROCESSOR_DROPPED = "stacklens_processor_dropped_records_total";

  /**
   * The context of a receiver or exporter (no pipeline); its logger is named {@code
   * io.stacklens.agent.<kind>.<id>}.
   */
  public static ComponentContext of(ComponentId id, ComponentKind kind, MetricsRegistry metrics) {
    return new ComponentContext(id, kind, metrics, logger(kind, id), null);
  }

  /** The context of a processor instance in pipeline {@code pipeline}. */
  public static ComponentContext ofProcessor(
      ComponentId id, String pipeline, MetricsRegistry metrics) {
    return new ComponentContext(
        id, ComponentKind.PROCESSOR, metrics, logger(ComponentKind.PROCESSOR, id), pipeline);
  }

  /**
   * The counter for records this processor drops for {@code reason} (snake_case, e.g. {@code
   * excluded}, {@code sampled_out}, {@code parse_failed}): {@value #PROCESSOR_DROPPED} labelled
   * with processor, pipeline and reason.
   */
  public Counter droppedCounter(String reason) {
    return metrics.counter(
        PROCESSOR_DROPPED,
        "Records a processor dropped",
        "processor",
        id.toString(),
        "pipeline",
        pipeline == null ? "" : pipeline,
        "reason",
        reason);
  }

  private static System.Logger logger(ComponentKind kind, ComponentId id) {
    return System.getLogger("io.stacklens.agent." + kind.label() + "." + id);
  }
}
