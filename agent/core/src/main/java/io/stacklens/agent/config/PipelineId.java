package io.stacklens.agent.config;

import io.stacklens.agent.api.Suggestions;
import io.stacklens.agent.data.Signal;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Identifies a pipeline: {@code signal[/name]}, e.g. {@code logs} or {@code logs/audit}. The signal
 * decides what the pipeline carries; the name only tells pipelines of one signal apart.
 */
public record PipelineId(Signal signal, String name) implements Comparable<PipelineId> {
  public PipelineId {
    Objects.requireNonNull(signal, "signal");
    Objects.requireNonNull(name, "name");
    if (name.contains("/") || name.isBlank() != name.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid pipeline name '" + name + "': must not contain '/' or be blank");
    }
  }

  public static PipelineId of(Signal signal) {
    return new PipelineId(signal, "");
  }

  /**
   * Parses {@code signal[/name]}.
   *
   * @throws IllegalArgumentException naming the unknown signal and the known ones
   */
  public static PipelineId parse(String id) {
    Objects.requireNonNull(id, "id");
    int slash = id.indexOf('/');
    String signalText = slash < 0 ? id : id.substring(0, slash);
    String name = slash < 0 ? "" : id.substring(slash + 1);
    List<String> known = Arrays.stream(Signal.values()).map(Signal::id).toList();
    Signal signal =
        Signal.fromId(signalText)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "unknown signal '"
                            + signalText
                            + "' in pipeline id '"
                            + id
                            + "' (known signals: "
                            + String.join(", ", known)
                            + ")"
                            + Suggestions.didYouMean(signalText, known)));
    if (slash >= 0 && name.isBlank()) {
      throw new IllegalArgumentException(
          "invalid pipeline id '" + id + "': name after '/' must not be empty");
    }
    return new PipelineId(signal, name);
  }

  /** {@code logs} or {@code logs/name}. */
  @Override
  public String toString() {
    return name.isEmpty() ? signal.id() : signal.id() + "/" + name;
  }

  @Override
  public int compareTo(PipelineId other) {
    return toString().compareTo(other.toString());
  }
}
