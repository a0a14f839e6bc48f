package io.stacklens.agent.config;

import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.Factory;
import io.stacklens.agent.api.Signal;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks that pipelines and component definitions fit together: every id a pipeline names is
 * defined and supports the pipeline's signal; every defined component is used (a warning).
 */
final class PipelineChecker {
  /** A component written under its section, with its factory when the type is known. */
  record Definition(ComponentId id, Factory<?> factory, Location keyLocation) {}

  private final Map<ComponentKind, Map<ComponentId, Definition>> defined = new EnumMap<>(ComponentKind.class);
  private final ProblemCollector problems;
  private final YamlNode root;

  PipelineChecker(ProblemCollector problems, YamlNode root) {
    this.problems = problems;
    this.root = root;
    for (ComponentKind kind : ComponentKind.values()) {
      defined.put(kind, new LinkedHashMap<>());
    }
  }

  /** Records a definition; {@code factory} is null when its type is unknown (already reported). */
  void define(ComponentKind kind, ComponentId id, Factory<?> factory, Location keyLocation) {
    defined.get(kind).put(id, new Definition(id, factory, keyLocation));
  }

  void check(Map<PipelineId, PipelineConfig> pipelines) {
    Set<String> used = new HashSet<>();
    pipelines.forEach(
        (pipelineId, pipeline) -> {
          String path = "service.pipelines." + pipelineId;
          checkReferences(ComponentKind.RECEIVER, pipelineId, pipeline.receivers, path, used);
          checkReferences(ComponentKind.PROCESSOR, pipelineId, pipeline.processors, path, used);
          checkReferences(ComponentKind.EXPORTER, pipelineId, pipeline.exporters, path, used);
        });
    defined.forEach(
        (kind, definitions) ->
            definitions.values().stream()
                .filter(d -> d.factory() != null && !used.contains(kind.section() + "." + d.id()))
                .forEach(
                    d ->
                        problems.warning(
                            kind.section() + "." + d.id(),
                            d.keyLocation(),
                            "defined but not used by any pipeline; add it to a pipeline under "
                                + "service.pipelines or remove it")));
  }

  private void checkReferences(
      ComponentKind kind, PipelineId pipelineId, List<ComponentId> ids, String pipelinePath, Set<String> used) {
    String listPath = YamlPath.child(pipelinePath, kind.section());
    Map<ComponentId, Definition> definitions = defined.get(kind);
    for (int i = 0; i < ids.size(); i++) {
      ComponentId id = ids.get(i);
      String entryPath = YamlPath.index(listPath, i);
      Location at = YamlPath.locate(root, entryPath);
      Definition definition = definitions.get(id);
      used.add(kind.section() + "." + id);
      if (definition == null) {
        String known =
            definitions.isEmpty()
                ? "none are defined"
                : "defined: "
                    + definitions.keySet().stream().map(ComponentId::toString).collect(Collectors.joining(", "));
        problems.error(
            entryPath,
            at,
            kind.label() + " '" + id + "' is not defined under " + kind.section() + " (" + known + ")");
      } else if (definition.factory() != null && !definition.factory().signals().contains(pipelineId.signal())) {
        String supported =
            definition.factory().signals().stream()
                .sorted()
                .map(Signal::id)
                .collect(Collectors.joining(", "));
        problems.error(
            entryPath,
            at,
            kind.label() + " '" + id + "' does not support " + pipelineId.signal().id() + " (supported: "
                + supported + ")");
      }
    }
  }
}
