package io.stacklens.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.ConfigKey;
import io.stacklens.agent.api.Factory;
import io.stacklens.agent.api.RoutingConfig;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.testing.StubFactories;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Pipelines using a processor whose config is a {@link RoutingConfig}: it must be last, may only
 * name the pipeline's exporters, and exporters it never names are warned about.
 */
class RoutingConfigCheckTest {

  /** Shaped like the route processor's config: routes[i].exporters and default. */
  static final class RouterConfig implements RoutingConfig {
    public List<Route> routes = List.of();

    @ConfigKey("default")
    public List<ComponentId> defaultExporters = List.of();

    static final class Route {
      public List<ComponentId> exporters = List.of();
    }

    @Override
    public List<Target> routeTargets() {
      List<Target> out = new ArrayList<>();
      for (int i = 0; i < routes.size(); i++) {
        List<ComponentId> ex = routes.get(i).exporters;
        for (int j = 0; j < ex.size(); j++)
          out.add(new Target(ex.get(j), "routes[" + i + "].exporters[" + j + "]"));
      }
      for (int j = 0; j < defaultExporters.size(); j++)
        out.add(new Target(defaultExporters.get(j), "default[" + j + "]"));
      return out;
    }
  }

  private static ComponentRegistry registry() {
    ComponentRegistry base = TestFactories.registry();
    List<Factory<?>> all = new ArrayList<>();
    for (ComponentKind kind : ComponentKind.values()) all.addAll(base.all(kind));
    all.add(
        StubFactories.configOnlyProcessor("router", RouterConfig::new, EnumSet.of(Signal.LOGS)));
    return ComponentRegistry.of(all.toArray(new Factory<?>[0]));
  }

  private static LoadResult load(String yaml) {
    return new ConfigLoader(registry(), Map.of()).loadString(yaml, "agent.yaml");
  }

  private static List<String> printed(LoadResult result) {
    return result.problems().stream().map(ConfigProblem::toString).toList();
  }

  @Test
  void aRouterNamingOnlyItsPipelinesExportersLoadsWithoutProblems() {
    LoadResult result =
        load(
            """
        receivers:
          otlp:
        processors:
          sink:
          router:
            routes:
              - exporters: [file/errors]
            default: [file/all]
        exporters:
          file/errors: { path: /tmp/e }
          file/all: { path: /tmp/a }
        service:
          pipelines:
            logs: { receivers: [otlp], processors: [sink, router], exporters: [file/all, file/errors] }
        """);
    assertThat(printed(result)).isEmpty();
    assertThat(result.config()).isPresent();
  }

  @Test
  void aRouterThatIsNotTheLastProcessorIsAnErrorAtItsPlaceInThePipeline() {
    LoadResult result =
        load(
            """
        receivers:
          otlp:
        processors:
          sink:
          router:
            default: [file]
        exporters:
          file: { path: /tmp/a }
        service:
          pipelines:
            logs: { receivers: [otlp], processors: [router, sink], exporters: [file] }
        """);
    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:11:45: service.pipelines.logs.processors[0]: processor 'router' routes records to exporters, "
                + "so it must be the last processor of pipeline 'logs'; move it after 'sink'");
    assertThat(result.config()).isEmpty();
  }

  @Test
  void aRouteTargetOutsideThePipelineIsAnErrorAtTheTargetNamingThePipelineAndItsExporters() {
    LoadResult result =
        load(
            """
        receivers:
          otlp:
        processors:
          router:
            routes:
              - exporters: [file/a, debug]
            default: [file/a, file/nowhere]
        exporters:
          file/a: { path: /tmp/a }
          debug:
        service:
          pipelines:
            logs: { receivers: [otlp], processors: [router], exporters: [file/a] }
        """);
    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:6:29: processors.router.routes[0].exporters[1]: exporter 'debug' is not an exporter of pipeline "
                + "'logs' (its exporters: file/a); add it to service.pipelines.logs.exporters or route to one of those",
            "agent.yaml:7:23: processors.router.default[1]: exporter 'file/nowhere' is not an exporter of pipeline 'logs' "
                + "(its exporters: file/a) and is not defined under exporters; add it to service.pipelines.logs.exporters "
                + "or route to one of those",
            // debug is defined but used by no pipeline (the router naming it does not count)
            "agent.yaml:10:3: warning: exporters.debug: defined but not used by any pipeline; add it to a pipeline under "
                + "service.pipelines or remove it");
  }

  @Test
  void aPipelineExporterNoRouteNamesIsAWarning() {
    LoadResult result =
        load(
            """
        receivers:
          otlp:
        processors:
          router:
            routes:
              - exporters: [file/a]
        exporters:
          file/a: { path: /tmp/a }
          debug:
        service:
          pipelines:
            logs: { receivers: [otlp], processors: [router], exporters: [file/a, debug] }
        """);
    assertThat(result.hasErrors()).isFalse();
    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:12:74: warning: service.pipelines.logs.exporters[1]: exporter 'debug' gets no records: processor "
                + "'router' routes this pipeline's records only to file/a; name it in a route or remove it from the pipeline");
  }

  @Test
  void oneRouterInTwoPipelinesIsCheckedAgainstEachPipelinesExporters() {
    LoadResult result =
        load(
            """
        receivers:
          otlp:
        processors:
          router:
            routes:
              - exporters: [file/errors]
            default: [file/all]
        exporters:
          file/errors: { path: /tmp/e }
          file/all: { path: /tmp/a }
          debug:
        service:
          pipelines:
            logs/ok: { receivers: [otlp], processors: [router], exporters: [file/errors, file/all] }
            logs/partial: { receivers: [otlp], processors: [router], exporters: [file/all, debug] }
        """);
    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:6:21: processors.router.routes[0].exporters[0]: exporter 'file/errors' is not an exporter of "
                + "pipeline 'logs/partial' (its exporters: file/all, debug); add it to "
                + "service.pipelines.logs/partial.exporters or route to one of those",
            "agent.yaml:15:84: warning: service.pipelines.logs/partial.exporters[1]: exporter 'debug' gets no records: "
                + "processor 'router' routes this pipeline's records only to file/errors, file/all; name it in a route or "
                + "remove it from the pipeline");
  }

  @Test
  void aRouterThatRoutesNowhereWarnsForEveryExporter() {
    LoadResult result =
        load(
            """
        receivers:
          otlp:
        processors:
          router:
        exporters:
          file: { path: /tmp/a }
        service:
          pipelines:
            logs: { receivers: [otlp], processors: [router], exporters: [file] }
        """);
    assertThat(result.hasErrors()).isFalse();
    assertThat(printed(result))
        .singleElement()
        .asString()
        .contains(
            "service.pipelines.logs.exporters[0]: exporter 'file' gets no records: processor 'router' routes "
                + "this pipeline's records nowhere");
  }

  @Test
  void processorsThatDoNotRouteAreNotChecked() {
    LoadResult result =
        load(
            """
        receivers:
          otlp:
        processors:
          sink:
        exporters:
          file: { path: /tmp/a }
          debug:
        service:
          pipelines:
            logs: { receivers: [otlp], processors: [sink], exporters: [file, debug] }
        """);
    assertThat(printed(result)).isEmpty();
  }
}
