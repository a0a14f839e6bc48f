package io.stacklens.processor.parse;

import io.stacklens.agent.api.DeclaredProcessorFactory;
import io.stacklens.agent.api.Stability;
import io.stacklens.agent.data.Signal;
import java.util.EnumSet;

/** Factory of the {@code parse} processor: parses, normalises and validates log records. */
public final class ParseProcessorFactory extends DeclaredProcessorFactory<ParseProcessorConfig> {
  public static final String TYPE = "parse";

  public ParseProcessorFactory() {
    super(
        TYPE,
        Stability.BETA,
        EnumSet.of(Signal.LOGS),
        "Parses log bodies (JSON, regex, key=value), sets timestamp and severity, normalises and validates fields",
        ParseProcessorConfig::new,
        (context, config, signal) -> new ParseProcessor(context, config));
  }
}
