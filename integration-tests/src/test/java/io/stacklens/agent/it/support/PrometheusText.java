package io.stacklens.agent.it.support;

import java.util.ArrayList;
import java.util.List;

/** Reads samples out of Prometheus text exposition format, enough for assertions. */
public final class PrometheusText {
  private final List<String> samples = new ArrayList<>();

  public PrometheusText(String text) {
    for (String line : text.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) samples.add(line.strip());
    }
  }

  /**
   * The value of the one sample named {@code name} whose labels include every {@code key="value"}
   * pair given; fails when none or several match.
   */
  public double value(String name, String... labelPairs) {
    List<String> matches = matching(name, labelPairs);
    if (matches.size() != 1) {
      throw new AssertionError(
          "expected one sample "
              + name
              + " with "
              + String.join(",", labelPairs)
              + ", found "
              + matches
              + "\nall samples of that name: "
              + matching(name));
    }
    String line = matches.get(0);
    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }

  /** Samples (whole lines) named exactly {@code name} with all the given labels. */
  public List<String> matching(String name, String... labelPairs) {
    List<String> out = new ArrayList<>();
    for (String s : samples) {
      if (!(s.startsWith(name + "{") || s.startsWith(name + " "))) continue;
      boolean all = true;
      for (int i = 0; i + 1 < labelPairs.length; i += 2) {
        all &= s.contains(labelPairs[i] + "=\"" + labelPairs[i + 1] + "\"");
      }
      if (all) out.add(s);
    }
    return out;
  }
}
