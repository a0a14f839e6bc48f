package io.stacklens.processor.transform;

import io.stacklens.agent.api.DeclaredProcessorFactory;
import io.stacklens.agent.api.Stability;
import io.stacklens.agent.data.Signal;
import java.util.EnumSet;

/** Factory of the {@code transform} processor: edits, hashes and redacts log record fields. */
public final class TransformProcessorFactory
    extends DeclaredProcessorFactory<TransformProcessorConfig> {
  public static final String TYPE = "transform";

  public TransformProcessorFactory() {
    super(
        TYPE,
        Stability.ALPHA,
        EnumSet.of(Signal.LOGS),
        "Sets, renames, copies, deletes, hashes, redacts, truncates and converts log record fields",
        TransformProcessorConfig::new,
        (context, config, signal) -> new TransformProcessor(context, config));
  }
}
