package io.stacklens.receiver.kafka;

import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.ComponentStatus;
import io.stacklens.agent.api.Host;

/**
 * The receiver's health from its consumer threads' states: degraded when any is, starting while any
 * has not joined the group yet, else ok. Reports to the host only on change.
 */
final class ReceiverStatus {
  private final Host host;
  private final ComponentId id;
  private final ComponentStatus[] states;
  private final String[] details;
  private final String okDetail;
  private ComponentStatus reported;
  private String reportedDetail;
  private boolean stopped;

  ReceiverStatus(Host host, ComponentId id, int workers, String okDetail) {
    this.host = host;
    this.id = id;
    this.states = new ComponentStatus[workers];
    this.details = new String[workers];
    this.okDetail = okDetail;
    for (int i = 0; i < workers; i++) {
      states[i] = ComponentStatus.STARTING;
      details[i] = "";
    }
  }

  synchronized void update(int worker, ComponentStatus status, String detail) {
    states[worker] = status;
    details[worker] = detail == null ? "" : detail;
    if (stopped) return;
    ComponentStatus overall = ComponentStatus.OK;
    String detailOut = okDetail;
    for (int i = 0; i < states.length; i++) {
      if (states[i] == ComponentStatus.DEGRADED) {
        overall = ComponentStatus.DEGRADED;
        detailOut = details[i];
        break;
      }
      if (states[i] == ComponentStatus.STARTING) {
        overall = ComponentStatus.STARTING;
        detailOut = details[i];
      }
    }
    report(overall, detailOut);
  }

  synchronized ComponentStatus current() {
    return reported;
  }

  /** Reports {@code status} directly (stopping, stopped); later worker updates are then ignored. */
  synchronized void stop(ComponentStatus status) {
    stopped = true;
    report(status, "");
  }

  private void report(ComponentStatus status, String detail) {
    if (status == reported && detail.equals(reportedDetail)) return;
    reported = status;
    reportedDetail = detail;
    host.reportStatus(id, ComponentKind.RECEIVER, status, detail);
  }
}
