package io.stacklens.agent.it.fuzz;

import io.stacklens.agent.it.support.Request;
import java.util.List;

/**
 * Mutated request number {@code index} of a run: the request, the seed it came from, and what was
 * done to it.
 */
public record FuzzCase(
    long runSeed, int index, Request request, String seed, List<String> mutations) {
  /** One line: index, request, seed and mutations. */
  public String describe() {
    return "#"
        + index
        + " "
        + request.describe()
        + " from "
        + seed
        + ": "
        + String.join("; ", mutations);
  }
}
