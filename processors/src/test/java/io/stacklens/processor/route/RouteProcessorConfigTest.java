package io.stacklens.processor.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.api.ComponentId;
import io.stacklens.processor.filter.ProcessorConfigs;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The route processor's config: every option bound, every mistake reported at its path. */
class RouteProcessorConfigTest {
  private final RouteProcessorFactory factory = new RouteProcessorFactory();

  private List<String> problems(String settings) {
    return ProcessorConfigs.problems(ProcessorConfigs.load(factory, "route", settings));
  }

  @Test
  void bindsEveryOption() {
    RouteProcessorConfig c =
        ProcessorConfigs.config(
            factory,
            "route",
            """
        match: all
        routes:
          - { name: errors, when: 'severity_number >= ERROR', exporters: [stub] }
        default: [stub]
        """);
    assertThat(c.match).isEqualTo(RouteProcessorConfig.Match.ALL);
    assertThat(c.routes)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.name).isEqualTo("errors");
              assertThat(r.when).isEqualTo("severity_number >= ERROR");
              assertThat(r.exporters).containsExactly(ComponentId.parse("stub"));
            });
    assertThat(c.defaultExporters).containsExactly(ComponentId.parse("stub"));
    assertThat(c.label(0)).isEqualTo("errors");
  }

  @Test
  void byDefaultTheFirstMatchWinsAndUnroutedRecordsHaveNoDefault() {
    RouteProcessorConfig c =
        ProcessorConfigs.config(
            factory, "route", "routes: [ { when: 'body exists', exporters: [stub] } ]");
    assertThat(c.match).isEqualTo(RouteProcessorConfig.Match.FIRST);
    assertThat(c.defaultExporters).isEmpty();
    assertThat(c.label(0)).isEqualTo("routes[0]");
  }

  @Test
  void noRoutesIsAnErrorWithAnExample() {
    assertThat(problems("default: [stub]"))
        .contains(
            "processors.route.routes: at least one route is required, e.g. - { when: 'parse.error exists', exporters: [file/dlq] }");
  }

  @Test
  void eachMistakeIsReportedAtItsRoute() {
    assertThat(
            problems(
                """
        routes:
          - { name: default, when: 'body exists', exporters: [stub] }
          - { name: x, when: 'body exists', exporters: [] }
          - { name: x, when: 'body exists', exporters: [stub, stub] }
        """))
        .contains(
            "processors.route.routes[0].name: 'default' is the label of records sent to default; choose another name",
            "processors.route.routes[1].exporters: at least one exporter is required (an exporter of the pipeline)",
            "processors.route.routes[2].name: 'x' is already the name of routes[1]; route names must be unique",
            "processors.route.routes[2].exporters[1]: 'stub' is listed more than once");
  }

  @Test
  void anExporterOutsideThePipelineIsAnErrorNamingThePipeline() {
    assertThat(problems("routes: [ { when: 'body exists', exporters: [file/dlq] } ]"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith(
                        "processors.route.routes[0].exporters[0]: exporter 'file/dlq' is not an exporter of pipeline 'logs'"));
  }
}
