package io.stacklens.agent.runtime;

import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.api.DeadLetterConfig;
import io.stacklens.agent.api.ExporterConfig;
import io.stacklens.agent.api.ExporterFactory;
import io.stacklens.agent.api.Processor;
import io.stacklens.agent.api.ProcessorFactory;
import io.stacklens.agent.api.ReceiverFactory;
import io.stacklens.agent.config.AgentConfig;
import io.stacklens.agent.config.ComponentRegistry;
import io.stacklens.agent.config.PipelineConfig;
import io.stacklens.agent.config.PipelineId;
import io.stacklens.agent.data.MemoryLimiter;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.exporterhelper.ExporterRunner;
import io.stacklens.agent.telemetry.Counter;
import io.stacklens.agent.telemetry.MetricsRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the {@link ComponentGraph} of a validated config: exporters first (a pipeline names its
 * exporters), then pipelines with their processors, then receivers with their inputs. Components
 * found in the graph handed in as {@code reuse} are taken over as they are instead of built: that
 * is how a reload keeps what did not change. Nothing is started here.
 */
final class GraphBuilder {
  private final ComponentRegistry registry;
  private final MetricsRegistry metrics;
  private final MemoryLimiter memory;

  GraphBuilder(ComponentRegistry registry, MetricsRegistry metrics, MemoryLimiter memory) {
    this.registry = registry;
    this.metrics = metrics;
    this.memory = memory;
  }

  /**
   * The graph of {@code config}, with the components of {@code reuse} taken over. When a component
   * cannot be created, the exporters built so far are shut down again (so their disk queues are
   * free) and the error names the component's YAML path.
   */
  ComponentGraph build(AgentConfig config, ComponentGraph reuse) throws ServiceException {
    ComponentGraph graph = new ComponentGraph();
    try {
      buildExporters(config, reuse, graph);
      buildPipelines(config, reuse, graph);
      buildReceivers(config, reuse, graph);
    } catch (ServiceException e) {
      Instant now = Instant.now();
      graph.exporters.forEach(
          (id, runner) -> {
            if (reuse.exporters.get(id) != runner) runner.shutdown(now);
          });
      throw e;
    }
    return graph;
  }

  private void buildExporters(AgentConfig config, ComponentGraph reuse, ComponentGraph graph)
      throws ServiceException {
    for (PipelineConfig p : config.service().pipelines.values()) {
      for (ComponentId id : p.exporters) exporter(config, reuse, graph, id);
    }
    // Dead-letter exporters (maybe named by no pipeline) start first and stop last: see
    // ComponentGraph.exportersDeadLetterTargetsFirst.
    for (ComponentId id : List.copyOf(graph.exporters.keySet())) {
      ComponentId target = deadLetterOf(config.exporters().get(id));
      if (target == null) continue;
      ExporterRunner to = exporter(config, reuse, graph, target);
      graph.deadLetterTargets.add(target);
      if (reuse.exporters.get(id) == null) graph.exporters.get(id).deadLetterTo(to);
    }
    // Receivers' dead-letter exporters: handed out by Host.deadLetters when the receiver starts.
    Set<ComponentId> inPipelines = new LinkedHashSet<>();
    for (PipelineConfig p : config.service().pipelines.values()) inPipelines.addAll(p.receivers);
    for (ComponentId id : inPipelines) {
      ComponentId target = deadLetterOf(config.receivers().get(id));
      if (target == null) continue;
      exporter(config, reuse, graph, target);
      graph.deadLetterTargets.add(target);
    }
  }

  static ComponentId deadLetterOf(ComponentConfig config) {
    return config instanceof DeadLetterConfig d ? d.deadLetterExporter() : null;
  }

  /** The runner of exporter {@code id} in {@code graph}: taken over, or built now. */
  private ExporterRunner exporter(
      AgentConfig config, ComponentGraph reuse, ComponentGraph graph, ComponentId id)
      throws ServiceException {
    ExporterRunner runner = graph.exporters.get(id);
    if (runner != null) return runner;
    runner = reuse.exporters.get(id);
    if (runner == null) runner = buildExporter(config, id);
    graph.exporters.put(id, runner);
    return runner;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private ExporterRunner buildExporter(AgentConfig config, ComponentId id) throws ServiceException {
    ExporterConfig cfg = (ExporterConfig) config.exporters().get(id);
    ExporterFactory factory = (ExporterFactory) factory(ComponentKind.EXPORTER, id);
    ComponentContext ctx = ComponentContext.of(id, ComponentKind.EXPORTER, metrics);
    try {
      return ExporterRunner.create(
          ctx, factory.createExporter(ctx, cfg), cfg, Path.of(config.service().dataDir));
    } catch (Exception e) {
      throw new ServiceException(
          Service.failure(ComponentKind.EXPORTER, id, null, "cannot be created", e), e);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void buildPipelines(AgentConfig config, ComponentGraph reuse, ComponentGraph graph)
      throws ServiceException {
    for (Map.Entry<PipelineId, PipelineConfig> e : config.service().pipelines.entrySet()) {
      PipelineId pid = e.getKey();
      Pipeline kept = reuse.pipelines.get(pid);
      if (kept != null) {
        graph.pipelines.put(pid, kept);
        continue;
      }
      PipelineConfig p = e.getValue();
      List<Pipeline.Stage> stages = new ArrayList<>();
      for (ComponentId id : p.processors) {
        ComponentConfig cfg = config.processors().get(id);
        ProcessorFactory factory = (ProcessorFactory) factory(ComponentKind.PROCESSOR, id);
        try {
          Processor proc =
              factory.createProcessor(
                  ComponentContext.ofProcessor(id, pid.toString(), metrics), cfg, pid.signal());
          stages.add(new Pipeline.Stage(id, proc));
        } catch (Exception ex) {
          throw new ServiceException(
              Service.failure(ComponentKind.PROCESSOR, id, pid, "cannot be created", ex), ex);
        }
      }
      // By id and in the pipeline's order: a routing processor names the exporters each part goes
      // to.
      List<ExporterRunner> targets = new ArrayList<>();
      for (ComponentId id : p.exporters) targets.add(graph.exporters.get(id));
      Pipeline pipeline =
          new Pipeline(
              pid.toString(),
              p.ringSize,
              p.ringMaxRecords,
              p.ringMaxBytes.bytes(),
              p.waitStrategy,
              stages,
              targets,
              metrics,
              memory);
      pipeline.delivery(p.delivery);
      graph.pipelines.put(pid, pipeline);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void buildReceivers(AgentConfig config, ComponentGraph reuse, ComponentGraph graph)
      throws ServiceException {
    Map<ComponentId, Map<Signal, List<Pipeline>>> wiring = new LinkedHashMap<>();
    for (Map.Entry<PipelineId, PipelineConfig> e : config.service().pipelines.entrySet()) {
      for (ComponentId id : e.getValue().receivers) {
        wiring
            .computeIfAbsent(id, k -> new EnumMap<>(Signal.class))
            .computeIfAbsent(e.getKey().signal(), k -> new ArrayList<>())
            .add(graph.pipelines.get(e.getKey()));
      }
    }
    for (Map.Entry<ComponentId, Map<Signal, List<Pipeline>>> w : wiring.entrySet()) {
      ComponentId id = w.getKey();
      Map<Signal, Consumer> targets = new EnumMap<>(Signal.class);
      w.getValue().forEach((signal, pipelines) -> targets.put(signal, target(pipelines)));
      graph.targets.put(id, targets);
      if (reuse.receivers.containsKey(id)) {
        graph.receivers.put(id, reuse.receivers.get(id));
        graph.inputs.put(id, reuse.inputs.get(id));
        continue;
      }
      Map<Signal, SwitchableConsumer> inputs = new EnumMap<>(Signal.class);
      targets.forEach((signal, target) -> inputs.put(signal, new SwitchableConsumer(target)));
      ReceiverFactory factory = (ReceiverFactory) factory(ComponentKind.RECEIVER, id);
      try {
        graph.receivers.put(
            id,
            factory.createReceiver(
                ComponentContext.of(id, ComponentKind.RECEIVER, metrics),
                config.receivers().get(id),
                new EnumMap<Signal, Consumer>(inputs)));
      } catch (Exception ex) {
        throw new ServiceException(
            Service.failure(ComponentKind.RECEIVER, id, null, "cannot be created", ex), ex);
      }
      graph.inputs.put(id, inputs);
    }
  }

  /** One pipeline, or a fan-out when several take the signal. */
  private Consumer target(List<Pipeline> pipelines) {
    if (pipelines.size() == 1) return pipelines.get(0);
    List<Counter> dropped = new ArrayList<>();
    for (Pipeline p : pipelines) {
      dropped.add(
          metrics.counter(
              "stacklens_pipeline_dropped_records_total",
              "Records a pipeline could not hand to an exporter",
              "pipeline",
              p.name(),
              "reason",
              "shutting_down"));
    }
    return new FanoutConsumer(pipelines, dropped, memory);
  }

  private io.stacklens.agent.api.Factory<?> factory(ComponentKind kind, ComponentId id)
      throws ServiceException {
    return registry
        .find(kind, id.type())
        .orElseThrow(
            () ->
                new ServiceException(
                    "no " + kind.label() + " factory for type '" + id.type() + "'", null));
  }
}
