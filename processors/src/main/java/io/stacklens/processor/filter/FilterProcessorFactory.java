package io.stacklens.processor.filter;

import io.stacklens.agent.api.DeclaredProcessorFactory;
import io.stacklens.agent.api.Stability;
import io.stacklens.agent.data.Signal;
import java.util.EnumSet;

/** Factory of the {@code filter} processor: drops log records by condition, sampling or rate. */
public final class FilterProcessorFactory extends DeclaredProcessorFactory<FilterProcessorConfig> {
  public static final String TYPE = "filter";

  public FilterProcessorFactory() {
    super(
        TYPE,
        Stability.ALPHA,
        EnumSet.of(Signal.LOGS),
        "Drops log records: include/exclude conditions, consistent sampling, per-key rate limits",
        FilterProcessorConfig::new,
        (context, config, signal) -> new FilterProcessor(context, config));
  }
}
