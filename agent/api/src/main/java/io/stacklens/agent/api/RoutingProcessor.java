package io.stacklens.agent.api;

import io.stacklens.agent.data.Batch;
import java.util.List;

/**
 * A processor that decides which of its pipeline's exporters get each record (the {@code route}
 * processor). It must be the last processor of its pipeline (config validation checks this, and
 * that every exporter it names is in the pipeline's {@code exporters}). The pipeline calls {@link
 * #route} instead of {@link #process}: each exporter then gets only what was sent to it.
 */
public interface RoutingProcessor extends Processor {
  /**
   * Splits {@code batch} by destination and hands each part to {@code sink}, once per distinct set
   * of exporters. Records sent nowhere must be counted as dropped (reason {@code no_route}) by the
   * processor. A record may go to several exporters; they only read it.
   */
  void route(Batch batch, RouteSink sink);

  @Override
  default Batch process(Batch batch) {
    throw new UnsupportedOperationException("a routing processor is called through route()");
  }

  /** Where a routing processor hands its parts. */
  @FunctionalInterface
  interface RouteSink {
    /**
     * Delivers {@code part} to each of {@code exporters}, all of them exporters of the current
     * pipeline; the exporters only read the part, so it must not be changed afterwards.
     */
    void send(Batch part, List<ComponentId> exporters);
  }
}
