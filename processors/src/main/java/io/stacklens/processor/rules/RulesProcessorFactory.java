package io.stacklens.processor.rules;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.Processor;
import io.stacklens.agent.api.ProcessorFactory;
import io.stacklens.agent.api.Signal;
import io.stacklens.agent.api.Stability;
import java.util.EnumSet;
import java.util.Set;

/** Factory of the {@code rules} processor: tags log records with alerts from an ordered list of rules. */
public final class RulesProcessorFactory implements ProcessorFactory<RulesConfig> {
  public static final String TYPE = "rules";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<RulesConfig> configClass() {
    return RulesConfig.class;
  }

  @Override
  public RulesConfig createDefaultConfig() {
    return new RulesConfig();
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
    return "Adds alert.issue_code, alert.severity, alert.suggested_fix and alert.confidence to log records matching a rule";
  }

  @Override
  public Processor createProcessor(ComponentContext context, RulesConfig config, Signal signal) {
    return new RulesProcessor(context, config);
  }
}
