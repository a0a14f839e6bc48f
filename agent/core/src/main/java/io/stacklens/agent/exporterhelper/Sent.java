package io.stacklens.agent.exporterhelper;

import io.stacklens.agent.data.Acknowledgement;

/** How a sender finished with a batch it took from its {@link ExportQueue}. */
public enum Sent {
  /**
   * Nothing left to do: the exporter confirmed delivery, or failed the batch permanently (counted
   * and dead-lettered; retrying cannot help).
   */
  DONE,
  /** Given up on (retries exhausted, the shutdown deadline): counted as failed. */
  FAILED,
  /** Not delivered and left in a persistent queue for the next start. */
  KEPT;

  /** Settles the party of {@code ack} the queue held for the batch: done only for {@link #DONE}. */
  void settle(Acknowledgement ack) {
    if (this == DONE) ack.done();
    else ack.fail();
  }
}
