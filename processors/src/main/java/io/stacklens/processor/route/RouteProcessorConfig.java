package io.stacklens.processor.route;

import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ConfigKey;
import io.stacklens.agent.api.ConfigProblems;
import io.stacklens.agent.api.RoutingConfig;
import io.stacklens.agent.expr.Conditions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Config of the {@code route} processor.
 *
 * <pre>
 * match: first                  # first (default): the first matching route wins; all: every matching route
 * routes:
 *   - name: dlq                 # optional; the metric label (default: routes[i])
 *     when: parse.error exists  # a condition (docs/conditions.md)
 *     exporters: [kafka/dlq]    # exporters of the pipeline that get the matching records
 * default: [kafka/complete]     # records matching no route; empty: they are dropped (reason no_route)
 * </pre>
 */
public final class RouteProcessorConfig implements RoutingConfig {
  /**
   * With {@code all}, a record matches at most this many routes' worth of combinations (a 64-bit
   * mask).
   */
  static final int MAX_ROUTES_ALL = 64;

  /** The metric label of records sent to {@code default}; no route may be named so. */
  static final String DEFAULT_LABEL = "default";

  /** How records that match several routes are sent. */
  public enum Match {
    /** Only the first matching route (in the order written) gets the record. */
    FIRST,
    /** Every matching route gets the record; each exporter gets it once. */
    ALL
  }

  /** One route: records matching {@code when} go to {@code exporters}. */
  public static final class Route implements ComponentConfig {
    /** Optional name, used as the {@code route} label of the routed-records metric. */
    public String name;

    /** Condition selecting the records. Required. */
    public String when;

    /** Exporters of the pipeline that get the matching records. At least one. */
    public List<ComponentId> exporters = List.of();

    /**
     * Checks this route alone; that route names are unique is checked by the processor's config.
     */
    @Override
    public void validate(ConfigProblems problems) {
      Conditions.check(problems, "when", when, true);
      if (exporters.isEmpty()) {
        problems.error(
            "exporters", "at least one exporter is required (an exporter of the pipeline)");
      }
      reportRepeated("exporters", exporters, problems);
      if (name != null && name.equals(DEFAULT_LABEL)) {
        problems.error(
            "name",
            "'" + DEFAULT_LABEL + "' is the label of records sent to default; choose another name");
      }
    }
  }

  public Match match = Match.FIRST;
  public List<Route> routes = List.of();

  /** Exporters for records matching no route; when empty those records are dropped and counted. */
  @ConfigKey("default")
  public List<ComponentId> defaultExporters = List.of();

  /** The metric label of route {@code i}: its name, or {@code routes[i]}. */
  String label(int i) {
    String name = routes.get(i).name;
    return name == null || name.isBlank() ? "routes[" + i + "]" : name;
  }

  @Override
  public List<Target> routeTargets() {
    List<Target> out = new ArrayList<>();
    for (int i = 0; i < routes.size(); i++) {
      Route r = routes.get(i);
      if (r == null || r.exporters == null) continue;
      for (int j = 0; j < r.exporters.size(); j++) {
        out.add(new Target(r.exporters.get(j), "routes[" + i + "].exporters[" + j + "]"));
      }
    }
    if (defaultExporters != null) {
      for (int j = 0; j < defaultExporters.size(); j++)
        out.add(new Target(defaultExporters.get(j), "default[" + j + "]"));
    }
    return out;
  }

  @Override
  public void validate(ConfigProblems problems) {
    if (routes.isEmpty()) {
      problems.error(
          "routes",
          "at least one route is required, e.g. - { when: 'parse.error exists', exporters: [file/dlq] }");
    }
    if (match == Match.ALL && routes.size() > MAX_ROUTES_ALL) {
      problems.error(
          "routes",
          "with match: all at most "
              + MAX_ROUTES_ALL
              + " routes are supported, got "
              + routes.size());
    }
    Map<String, Integer> names = new HashMap<>();
    for (int i = 0; i < routes.size(); i++) {
      String at = "routes[" + i + "]";
      Route r = routes.get(i);
      if (r == null) {
        problems.error(at, "expected a route with when and exporters");
        continue;
      }
      // a route named like the default label is reported by the route itself, once
      if (r.name != null && !r.name.isBlank() && !r.name.equals(DEFAULT_LABEL)) {
        Integer before = names.putIfAbsent(r.name, i);
        if (before != null) {
          problems.error(
              at + ".name",
              "'"
                  + r.name
                  + "' is already the name of routes["
                  + before
                  + "]; route names must be unique");
        }
      }
    }
    reportRepeated("default", defaultExporters, problems);
  }

  private static void reportRepeated(String path, List<ComponentId> ids, ConfigProblems problems) {
    Set<ComponentId> seen = new HashSet<>();
    for (int i = 0; i < ids.size(); i++) {
      if (!seen.add(ids.get(i)))
        problems.error(path + "[" + i + "]", "'" + ids.get(i) + "' is listed more than once");
    }
  }
}
