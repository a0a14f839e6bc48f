package io.stacklens.processor.route;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.Processor;
import io.stacklens.agent.api.ProcessorFactory;
import io.stacklens.agent.api.Signal;
import io.stacklens.agent.api.Stability;
import java.util.EnumSet;
import java.util.Set;

/** Factory of the {@code route} processor: sends log records to different exporters by condition. */
public final class RouteProcessorFactory implements ProcessorFactory<RouteConfig> {
  public static final String TYPE = "route";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<RouteConfig> configClass() {
    return RouteConfig.class;
  }

  @Override
  public RouteConfig createDefaultConfig() {
    return new RouteConfig();
  }

  @Override
  public Stability stability() {
    return Stability.ALPHA;
  }

  @Override
  public Set<Signal> signals() {
    return EnumSet.of(Signal.LOGS);
  }

  @Override
  public String description() {
    return "Sends each log record to the exporters of the first (or every) route whose condition it matches, or to a default";
  }

  @Override
  public Processor createProcessor(ComponentContext context, RouteConfig config, Signal signal) {
    return new RouteProcessor(context, config);
  }
}
