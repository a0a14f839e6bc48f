package io.stacklens.processor.parse;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.Processor;
import io.stacklens.agent.api.ProcessorFactory;
import io.stacklens.agent.api.Signal;
import io.stacklens.agent.api.Stability;
import java.util.EnumSet;
import java.util.Set;

/** Factory of the {@code parse} processor: parses, normalises and validates log records. */
public final class ParseProcessorFactory implements ProcessorFactory<ParseProcessorConfig> {
  public static final String TYPE = "parse";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<ParseProcessorConfig> configClass() {
    return ParseProcessorConfig.class;
  }

  @Override
  public ParseProcessorConfig createDefaultConfig() {
    return new ParseProcessorConfig();
  }

  @Override
  public Stability stability() {
    return Stability.BETA;
  }

  @Override
  public Set<Signal> signals() {
    return EnumSet.of(Signal.LOGS);
  }

  @Override
  public String description() {
    return "Parses log bodies (JSON, regex, key=value), sets timestamp and severity, normalises and validates fields";
  }

  @Override
  public Processor createProcessor(ComponentContext context, ParseProcessorConfig config, Signal signal) {
    return new ParseProcessor(context, config);
  }
}
