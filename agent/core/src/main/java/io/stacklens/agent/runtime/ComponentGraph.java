package io.stacklens.agent.runtime;

import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.api.Receiver;
import io.stacklens.agent.config.PipelineId;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.exporterhelper.ExporterRunner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The components one config is made of, wired: exporters, pipelines (with their processors) and
 * receivers, each map in config order. A reload builds the next graph from the running one, taking
 * over the components that did not change ({@link GraphBuilder}).
 */
final class ComponentGraph {
  final Map<ComponentId, ExporterRunner> exporters = new LinkedHashMap<>();

  /**
   * Exporters that take other exporters' or receivers' dead letters: started before and stopped
   * after the other exporters (and, like every exporter, before and after the receivers).
   */
  final Set<ComponentId> deadLetterTargets = new LinkedHashSet<>();

  final Map<PipelineId, Pipeline> pipelines = new LinkedHashMap<>();
  final Map<ComponentId, Receiver> receivers = new LinkedHashMap<>();

  /**
   * Each receiver's inputs, one per signal it feeds: what the receiver was created with. A reload
   * that keeps the receiver re-points them at the new graph's {@link #targets}.
   */
  final Map<ComponentId, Map<Signal, SwitchableConsumer>> inputs = new LinkedHashMap<>();

  /** Where each receiver's signals go in this graph: one pipeline, or a fan-out to several. */
  final Map<ComponentId, Map<Signal, Consumer>> targets = new LinkedHashMap<>();

  /** Exporter ids with the dead-letter targets first ({@code first}) or last. */
  List<ComponentId> exportersDeadLetterTargetsFirst(boolean first) {
    List<ComponentId> others = new ArrayList<>();
    for (ComponentId id : exporters.keySet()) if (!deadLetterTargets.contains(id)) others.add(id);
    List<ComponentId> ordered = new ArrayList<>(first ? deadLetterTargets : others);
    ordered.addAll(first ? others : deadLetterTargets);
    return ordered;
  }

  /** The part of this graph that {@code next} does not hold: what a reload stops. */
  ComponentGraph without(ComponentGraph next) {
    ComponentGraph rest = new ComponentGraph();
    exporters.forEach(
        (id, runner) -> {
          if (next.exporters.get(id) != runner) rest.exporters.put(id, runner);
        });
    for (ComponentId id : deadLetterTargets) {
      if (rest.exporters.containsKey(id)) rest.deadLetterTargets.add(id);
    }
    pipelines.forEach(
        (id, pipeline) -> {
          if (next.pipelines.get(id) != pipeline) rest.pipelines.put(id, pipeline);
        });
    receivers.forEach(
        (id, receiver) -> {
          if (next.receivers.get(id) != receiver) {
            rest.receivers.put(id, receiver);
            rest.inputs.put(id, inputs.get(id));
          }
        });
    return rest;
  }

  boolean isEmpty() {
    return exporters.isEmpty() && pipelines.isEmpty() && receivers.isEmpty();
  }
}
