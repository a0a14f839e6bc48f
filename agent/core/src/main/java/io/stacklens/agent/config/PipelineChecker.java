package io.stacklens.agent.config;

import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.DeadLetterConfig;
import io.stacklens.agent.api.ExporterConfig;
import io.stacklens.agent.api.Factory;
import io.stacklens.agent.api.RoutingConfig;
import io.stacklens.agent.api.SignalLimitedConfig;
import io.stacklens.agent.api.Suggestions;
import io.stacklens.agent.data.Signal;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks that pipelines and component definitions fit together: every id a pipeline names is
 * defined and supports the pipeline's signal; every defined component is used (a warning); a
 * routing processor (config implementing {@link RoutingConfig}) is the last of its pipeline and
 * only names exporters of that pipeline, and every exporter of such a pipeline is named (a
 * warning); every {@code dead_letter.exporter} names a usable exporter; a config that narrows its
 * factory's signals ({@link SignalLimitedConfig}) is only in pipelines of signals it carries.
 */
final class PipelineChecker {
  /** A component written under its section, with its factory when the type is known. */
  record Definition(ComponentId id, Factory<?> factory, Location keyLocation) {}

  private final Map<ComponentKind, Map<ComponentId, Definition>> defined =
      new EnumMap<>(ComponentKind.class);
  private final ProblemCollector problems;
  private final YamlNode root;

  /** "section.id" of every component a pipeline or a dead_letter setting names. */
  private final Set<String> used = new HashSet<>();

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

  /**
   * {@code delivery: durable} needs every exporter of the pipeline to keep its queue on disk: an
   * acknowledged record must survive a crash wherever it goes.
   */
  void checkDelivery(
      Map<PipelineId, PipelineConfig> pipelines, Map<ComponentId, ComponentConfig> exporters) {
    pipelines.forEach(
        (pipelineId, pipeline) -> {
          if (pipeline.delivery != Delivery.DURABLE) return;
          String path = "service.pipelines." + pipelineId + ".delivery";
          for (ComponentId id : pipeline.exporters) {
            if (!(exporters.get(id) instanceof ExporterConfig c) || c.sendingQueue.persistent())
              continue;
            problems.error(
                path,
                YamlPath.locate(root, path),
                "delivery: durable needs every exporter's queue on disk, but exporter '"
                    + id
                    + "' keeps it in memory; set exporters."
                    + id
                    + ".sending_queue.storage: disk, or use delivery: memory or end_to_end");
          }
        });
  }

  void check(Map<PipelineId, PipelineConfig> pipelines) {
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

  /**
   * Every {@code dead_letter.exporter} of an exporter or a receiver (configs implementing {@link
   * DeadLetterConfig}): defined, not the exporter itself, without a dead letter of its own (no
   * chains), and supporting the signals of the dead letters: every signal the exporter sends, or
   * what the receiver says it dead-letters ({@link DeadLetterConfig#deadLetterSignals}). A
   * dead-letter exporter counts as used even when no pipeline names it. Call before {@link #check}.
   */
  void checkDeadLetters(
      Map<PipelineId, PipelineConfig> pipelines,
      Map<ComponentId, ComponentConfig> receivers,
      Map<ComponentId, ComponentConfig> exporters) {
    receivers.forEach(
        (id, config) -> checkDeadLetter(ComponentKind.RECEIVER, id, config, pipelines, exporters));
    exporters.forEach(
        (id, config) -> checkDeadLetter(ComponentKind.EXPORTER, id, config, pipelines, exporters));
  }

  private void checkDeadLetter(
      ComponentKind kind,
      ComponentId id,
      ComponentConfig config,
      Map<PipelineId, PipelineConfig> pipelines,
      Map<ComponentId, ComponentConfig> exporters) {
    ComponentId target = deadLetterOf(config);
    if (target == null) {
      return;
    }
    String path = kind.section() + "." + id + ".dead_letter.exporter";
    Location at = YamlPath.locate(root, path);
    used.add(ComponentKind.EXPORTER.section() + "." + target);
    Definition definition = defined.get(ComponentKind.EXPORTER).get(target);
    if (kind == ComponentKind.EXPORTER && target.equals(id)) {
      problems.error(
          path,
          at,
          "an exporter cannot be its own dead letter; name another exporter, e.g. file/dlq");
    } else if (definition == null) {
      Set<ComponentId> known = defined.get(ComponentKind.EXPORTER).keySet();
      problems.error(
          path,
          at,
          "exporter '"
              + target
              + "' is not defined under exporters (defined: "
              + joined(known)
              + "); define it, e.g. exporters: { "
              + target
              + ": {...} }");
    } else if (deadLetterOf(exporters.get(target)) != null) {
      problems.error(
          path,
          at,
          "exporter '"
              + target
              + "' has a dead_letter of its own; a dead-letter exporter "
              + "cannot pass its failures on: remove exporters."
              + target
              + ".dead_letter or pick another exporter");
    } else if (definition.factory() != null) {
      Set<Signal> supported = definition.factory().signals();
      Set<Signal> own = ((DeadLetterConfig) config).deadLetterSignals();
      if (!own.isEmpty()) {
        own.stream()
            .sorted()
            .filter(signal -> !supported.contains(signal))
            .forEach(
                signal ->
                    problems.error(
                        path,
                        at,
                        "exporter '"
                            + target
                            + "' does not support "
                            + signal.id()
                            + ", which "
                            + kind.label()
                            + " '"
                            + id
                            + "' sends to its dead letter (supported: "
                            + signalNames(supported)
                            + ")"));
        return;
      }
      pipelines.forEach(
          (pipelineId, pipeline) -> {
            Signal signal = pipelineId.signal();
            if (pipeline.exporters.contains(id) && !supported.contains(signal)) {
              problems.error(
                  path,
                  at,
                  "exporter '"
                      + target
                      + "' does not support "
                      + signal.id()
                      + ", which exporter '"
                      + id
                      + "' sends in pipeline '"
                      + pipelineId
                      + "'");
            }
          });
    }
  }

  private static ComponentId deadLetterOf(ComponentConfig config) {
    return config instanceof DeadLetterConfig d ? d.deadLetterExporter() : null;
  }

  /**
   * Every receiver, processor and exporter a pipeline names whose config narrows its factory's
   * signals ({@link SignalLimitedConfig}) must fit the pipeline's signal; reported at the
   * pipeline's entry.
   */
  void checkSignalLimits(
      Map<PipelineId, PipelineConfig> pipelines,
      Map<ComponentKind, Map<ComponentId, ComponentConfig>> configs) {
    pipelines.forEach(
        (pipelineId, pipeline) -> {
          String pipelinePath = "service.pipelines." + pipelineId;
          checkSignalLimits(
              ComponentKind.RECEIVER, pipelineId, pipeline.receivers, pipelinePath, configs);
          checkSignalLimits(
              ComponentKind.PROCESSOR, pipelineId, pipeline.processors, pipelinePath, configs);
          checkSignalLimits(
              ComponentKind.EXPORTER, pipelineId, pipeline.exporters, pipelinePath, configs);
        });
  }

  private void checkSignalLimits(
      ComponentKind kind,
      PipelineId pipelineId,
      List<ComponentId> ids,
      String pipelinePath,
      Map<ComponentKind, Map<ComponentId, ComponentConfig>> configs) {
    String listPath = YamlPath.child(pipelinePath, kind.section());
    for (int i = 0; i < ids.size(); i++) {
      ComponentId id = ids.get(i);
      if (!(configs.getOrDefault(kind, Map.of()).get(id) instanceof SignalLimitedConfig limited)) {
        continue;
      }
      String why;
      try {
        why = limited.unsupported(pipelineId.signal());
      } catch (RuntimeException e) {
        continue; // a config that could not be bound; its own errors are already reported
      }
      String entryPath = YamlPath.index(listPath, i);
      if (why != null && !problems.hasErrorAt(entryPath)) {
        problems.error(
            entryPath,
            YamlPath.locate(root, entryPath),
            kind.label()
                + " '"
                + id
                + "' does not support "
                + pipelineId.signal().id()
                + " "
                + why);
      }
    }
  }

  /**
   * For each pipeline using a processor whose config is a {@link RoutingConfig}: it must be the
   * last processor; each exporter it routes to must be one of the pipeline's exporters (reported at
   * the route target in the processor's config, naming the pipeline); a pipeline exporter it never
   * routes to gets a warning, since it would receive nothing.
   */
  void checkRouting(
      Map<PipelineId, PipelineConfig> pipelines, Map<ComponentId, ComponentConfig> processors) {
    pipelines.forEach(
        (pipelineId, pipeline) -> {
          String pipelinePath = "service.pipelines." + pipelineId;
          for (int i = 0; i < pipeline.processors.size(); i++) {
            ComponentId processorId = pipeline.processors.get(i);
            if (!(processors.get(processorId) instanceof RoutingConfig routing)) {
              continue;
            }
            List<RoutingConfig.Target> targets;
            try {
              targets = routing.routeTargets();
            } catch (RuntimeException e) {
              continue; // a config that could not be bound; its own errors are already reported
            }
            boolean last = i == pipeline.processors.size() - 1;
            if (!last) {
              String entryPath = YamlPath.index(YamlPath.child(pipelinePath, "processors"), i);
              List<ComponentId> after =
                  pipeline.processors.subList(i + 1, pipeline.processors.size());
              problems.error(
                  entryPath,
                  YamlPath.locate(root, entryPath),
                  "processor '"
                      + processorId
                      + "' routes records to exporters, so it must be the last processor of "
                      + "pipeline '"
                      + pipelineId
                      + "'; move it after "
                      + quoted(after));
            }
            checkTargets(pipelineId, pipeline, processorId, targets);
            if (last) {
              warnUnrouted(pipelineId, pipeline, processorId, targets);
            }
          }
        });
  }

  private void checkTargets(
      PipelineId pipelineId,
      PipelineConfig pipeline,
      ComponentId processorId,
      List<RoutingConfig.Target> targets) {
    String processorPath = ComponentKind.PROCESSOR.section() + "." + processorId;
    for (RoutingConfig.Target target : targets) {
      if (target == null
          || target.exporter() == null
          || pipeline.exporters.contains(target.exporter())) {
        continue;
      }
      String path = YamlPath.child(processorPath, target.path() == null ? "" : target.path());
      if (problems.hasErrorAt(path)) {
        continue;
      }
      boolean defined = this.defined.get(ComponentKind.EXPORTER).containsKey(target.exporter());
      problems.error(
          path,
          YamlPath.locate(root, path),
          "exporter '"
              + target.exporter()
              + "' is not an exporter of pipeline '"
              + pipelineId
              + "' (its exporters: "
              + joined(pipeline.exporters)
              + ")"
              + (defined ? "" : " and is not defined under exporters")
              + "; add it to service.pipelines."
              + pipelineId
              + ".exporters or route to one of those");
    }
  }

  private void warnUnrouted(
      PipelineId pipelineId,
      PipelineConfig pipeline,
      ComponentId processorId,
      List<RoutingConfig.Target> targets) {
    Set<ComponentId> routed = new java.util.LinkedHashSet<>();
    for (RoutingConfig.Target target : targets) {
      if (target != null && target.exporter() != null) routed.add(target.exporter());
    }
    String listPath = YamlPath.child("service.pipelines." + pipelineId, "exporters");
    for (int j = 0; j < pipeline.exporters.size(); j++) {
      ComponentId exporter = pipeline.exporters.get(j);
      if (routed.contains(exporter)) {
        continue;
      }
      String entryPath = YamlPath.index(listPath, j);
      problems.warning(
          entryPath,
          YamlPath.locate(root, entryPath),
          "exporter '"
              + exporter
              + "' gets no records: processor '"
              + processorId
              + "' routes this pipeline's records "
              + (routed.isEmpty() ? "nowhere" : "only to " + joined(routed))
              + "; name it in a route or remove it from the pipeline");
    }
  }

  private static String joined(java.util.Collection<ComponentId> ids) {
    return ids.isEmpty()
        ? "none"
        : ids.stream().map(ComponentId::toString).collect(Collectors.joining(", "));
  }

  private static String signalNames(Set<Signal> signals) {
    return signals.stream().sorted().map(Signal::id).collect(Collectors.joining(", "));
  }

  private static String quoted(List<ComponentId> ids) {
    return ids.stream().map(id -> "'" + id + "'").collect(Collectors.joining(", "));
  }

  private void checkReferences(
      ComponentKind kind,
      PipelineId pipelineId,
      List<ComponentId> ids,
      String pipelinePath,
      Set<String> used) {
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
                    + definitions.keySet().stream()
                        .map(ComponentId::toString)
                        .collect(Collectors.joining(", "));
        String hint =
            Suggestions.didYouMean(
                id.toString(), definitions.keySet().stream().map(ComponentId::toString).toList());
        problems.error(
            entryPath,
            at,
            kind.label()
                + " '"
                + id
                + "' is not defined under "
                + kind.section()
                + " ("
                + known
                + ")"
                + hint);
      } else if (definition.factory() != null
          && !definition.factory().signals().contains(pipelineId.signal())) {
        String supported = signalNames(definition.factory().signals());
        problems.error(
            entryPath,
            at,
            kind.label()
                + " '"
                + id
                + "' does not support "
                + pipelineId.signal().id()
                + " (supported: "
                + supported
                + ")");
      }
    }
  }
}
