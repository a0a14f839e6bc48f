package io.stacklens.processor.route;

import io.stacklens.agent.api.DeclaredProcessorFactory;
import io.stacklens.agent.api.Stability;
import io.stacklens.agent.data.Signal;
import java.util.EnumSet;

/**
 * Factory of the {@code route} processor: sends log records to different exporters by condition.
 */
public final class RouteProcessorFactory extends DeclaredProcessorFactory<RouteProcessorConfig> {
  public static final String TYPE = "route";

  public RouteProcessorFactory() {
    super(
        TYPE,
        Stability.ALPHA,
        EnumSet.of(Signal.LOGS),
        "Sends each log record to the exporters of the first (or every) route whose condition it matches, or to a default",
        RouteProcessorConfig::new,
        (context, config, signal) -> new RouteProcessor(context, config));
  }
}
