package io.stacklens.agent.runtime;

import io.stacklens.agent.api.Admission;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.data.Batch;

/**
 * What a receiver hands one signal's batches to: a pipeline (or a fan-out to several) that a reload
 * can change while the receiver keeps its port and connections.
 *
 * <p>Memory semantics: the target is a volatile field, so a {@code consume} that starts after
 * {@link #switchTo} returned offers to the new target. A {@code consume} already running may still
 * reach the old one; the reload closes the old pipeline only after the switch, so such a batch is
 * either taken by the old pipeline (which then drains it into its exporters) or refused as shutting
 * down (and retried by the client). Nothing acknowledged is lost either way.
 */
final class SwitchableConsumer implements Consumer {
  /** Answers while a reload swaps the pipelines behind a receiver: busy, retry shortly. */
  static final Consumer PAUSED = batch -> Admission.REFUSED_FULL;

  private volatile Consumer target;

  SwitchableConsumer(Consumer target) {
    this.target = target;
  }

  void switchTo(Consumer next) {
    this.target = next;
  }

  Consumer target() {
    return target;
  }

  @Override
  public Admission consume(Batch batch) {
    return target.consume(batch);
  }
}
