package io.stacklens.processor.filter;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.Processor;
import io.stacklens.agent.api.ProcessorFactory;
import io.stacklens.agent.api.Signal;
import io.stacklens.agent.api.Stability;
import java.util.EnumSet;
import java.util.Set;

/** Factory of the {@code filter} processor: drops log records by condition, sampling or rate. */
public final class FilterProcessorFactory implements ProcessorFactory<FilterConfig> {
  public static final String TYPE = "filter";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<FilterConfig> configClass() {
    return FilterConfig.class;
  }

  @Override
  public FilterConfig createDefaultConfig() {
    return new FilterConfig();
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
    return "Drops log records: include/exclude conditions, consistent sampling, per-key rate limits";
  }

  @Override
  public Processor createProcessor(ComponentContext context, FilterConfig config, Signal signal) {
    return new FilterProcessor(context, config);
  }
}
