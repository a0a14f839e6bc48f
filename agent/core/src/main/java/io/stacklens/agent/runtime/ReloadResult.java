package io.stacklens.agent.runtime;

import io.stacklens.agent.config.ConfigProblem;
import java.util.List;
import java.util.Locale;

/**
 * What a reload did.
 *
 * @param outcome applied, unchanged (the new config runs what already ran), invalid (refused: the
 *     problems say why; nothing changed) or failed (a component could not be built or started: the
 *     message says what, and what runs now)
 * @param changes one line per component added, rebuilt or removed, e.g. {@code exporter file/2:
 *     added}
 * @param problems the config's errors and warnings (with file:line:column where they come from a
 *     file)
 * @param losses records acknowledged under the old config that the replaced parts could not deliver
 *     within {@code service.shutdown_timeout} (each also logged at ERROR)
 * @param message a one-line summary for logs and the admin endpoint
 */
public record ReloadResult(
    Outcome outcome,
    List<String> changes,
    List<ConfigProblem> problems,
    List<ShutdownLoss> losses,
    String message) {

  public enum Outcome {
    APPLIED,
    UNCHANGED,
    INVALID,
    FAILED;

    /** The metric label and JSON value: {@code applied}, ... */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public ReloadResult {
    changes = List.copyOf(changes);
    problems = List.copyOf(problems);
    losses = List.copyOf(losses);
  }

  /** Whether the config asked for runs now (applied, or nothing to change). */
  public boolean succeeded() {
    return outcome == Outcome.APPLIED || outcome == Outcome.UNCHANGED;
  }

  static ReloadResult applied(List<String> changes, List<ShutdownLoss> losses) {
    long lost = losses.stream().mapToLong(ShutdownLoss::records).sum();
    return new ReloadResult(
        Outcome.APPLIED,
        changes,
        List.of(),
        losses,
        "config reloaded: "
            + String.join("; ", changes)
            + (lost == 0
                ? ""
                : "; " + lost + " acknowledged records the replaced parts held were lost"));
  }

  static ReloadResult unchanged() {
    return new ReloadResult(
        Outcome.UNCHANGED,
        List.of(),
        List.of(),
        List.of(),
        "config reloaded: nothing changed, every component kept running");
  }

  /** Refused before anything changed. */
  public static ReloadResult invalid(List<ConfigProblem> problems) {
    long errors = problems.stream().filter(ConfigProblem::isError).count();
    return new ReloadResult(
        Outcome.INVALID,
        List.of(),
        problems,
        List.of(),
        "config reload refused: "
            + errors
            + (errors == 1 ? " error" : " errors")
            + "; the running config stays in force");
  }

  static ReloadResult failed(List<String> changes, String why) {
    return new ReloadResult(
        Outcome.FAILED, changes, List.of(), List.of(), "config reload failed: " + why);
  }

  /** The same result with the config's warnings attached. */
  ReloadResult withWarnings(List<ConfigProblem> warnings) {
    if (warnings.isEmpty()) return this;
    List<ConfigProblem> all = new java.util.ArrayList<>(warnings);
    all.addAll(problems);
    return new ReloadResult(outcome, changes, all, losses, message);
  }
}
