package io.stacklens.processor.rules;

import io.stacklens.agent.api.DeclaredProcessorFactory;
import io.stacklens.agent.api.Stability;
import io.stacklens.agent.data.Signal;
import java.util.EnumSet;

/**
 * Factory of the {@code rules} processor: tags log records with alerts from an ordered list of
 * rules.
 */
public final class RulesProcessorFactory extends DeclaredProcessorFactory<RulesProcessorConfig> {
  public static final String TYPE = "rules";

  public RulesProcessorFactory() {
    super(
        TYPE,
        Stability.ALPHA,
        EnumSet.of(Signal.LOGS),
        "Adds alert.issue_code, alert.severity, alert.suggested_fix and alert.confidence to log records matching a rule",
        RulesProcessorConfig::new,
        (context, config, signal) -> new RulesProcessor(context, config));
  }
}
