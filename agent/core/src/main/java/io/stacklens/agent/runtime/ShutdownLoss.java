package io.stacklens.agent.runtime;

/**
 * Records a stage held (acknowledged to clients) and could not deliver by the shutdown deadline.
 *
 * @param component {@code pipeline logs} or {@code exporter kafka/enriched}
 * @param records how many
 * @param why what kept them from being delivered
 */
public record ShutdownLoss(String component, long records, String why) {
  /** The ERROR line: how many, where, why, and what to do. */
  public String describe() {
    return component
        + ": "
        + records
        + " acknowledged record(s) were not delivered and are lost: "
        + why
        + ". Raise service.shutdown_timeout, or fix the destination before stopping the agent";
  }
}
