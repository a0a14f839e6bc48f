package io.stacklens.agent.api;

import io.stacklens.agent.data.Batch;

/**
 * One step of a pipeline's processor chain. One instance per (pipeline, processor id). Called only
 * from the pipeline's worker thread, so implementations need no locks.
 */
public interface Processor extends Component {
  /**
   * Processes {@code batch} in place (or replaces it) and returns what goes on to the next step;
   * null or an empty batch when every record was dropped. Every record dropped must be counted with
   * a reason, in the counter {@link ComponentContext#droppedCounter} gives.
   */
  Batch process(Batch batch);

  @Override
  default void start(Host host) {}

  @Override
  default void shutdown(java.time.Instant deadline) {}
}
