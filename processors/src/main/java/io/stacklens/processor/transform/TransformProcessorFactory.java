package io.stacklens.processor.transform;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.Processor;
import io.stacklens.agent.api.ProcessorFactory;
import io.stacklens.agent.api.Signal;
import io.stacklens.agent.api.Stability;
import java.util.EnumSet;
import java.util.Set;

/** Factory of the {@code transform} processor: edits, hashes and redacts log record fields. */
public final class TransformProcessorFactory implements ProcessorFactory<TransformConfig> {
  public static final String TYPE = "transform";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<TransformConfig> configClass() {
    return TransformConfig.class;
  }

  @Override
  public TransformConfig createDefaultConfig() {
    return new TransformConfig();
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
    return "Sets, renames, copies, deletes, hashes, redacts, truncates and converts log record fields";
  }

  @Override
  public Processor createProcessor(ComponentContext context, TransformConfig config, Signal signal) {
    return new TransformProcessor(context, config);
  }
}
