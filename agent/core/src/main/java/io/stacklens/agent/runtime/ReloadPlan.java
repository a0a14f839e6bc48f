package io.stacklens.agent.runtime;

import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ExporterConfig;
import io.stacklens.agent.api.Secrets;
import io.stacklens.agent.config.AgentConfig;
import io.stacklens.agent.config.ConfigProblem;
import io.stacklens.agent.config.ConfigRenderer;
import io.stacklens.agent.config.PipelineConfig;
import io.stacklens.agent.config.PipelineId;
import io.stacklens.agent.config.Severity;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.exporterhelper.ExporterRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a reload from one config to the next keeps and what it rebuilds. Two components are the same
 * when their settings render to the same tree ({@link ConfigRenderer#renderTree}); then:
 *
 * <ul>
 *   <li>an exporter is kept when its settings and its dead-letter exporter are kept;
 *   <li>a pipeline is kept when its settings (its receivers aside), its processors' settings and
 *       its exporters are kept;
 *   <li>a receiver is kept, with its port and open connections, when its settings, the signals it
 *       feeds and its dead-letter exporter are kept; it is re-pointed at the new pipelines.
 * </ul>
 *
 * Everything else in the running graph is stopped (drained), and built anew from the next config.
 */
final class ReloadPlan {
  /** The running components the next config takes over as they are. */
  final ComponentGraph reusable = new ComponentGraph();

  /** What changes, for people: {@code exporter file/2: added}, ... */
  final List<String> changes = new ArrayList<>();

  /**
   * True when the replaced parts must stop before the new ones start: an exporter is rebuilt under
   * its own name, or an exporter to build needs the disk queue directory that a running one it
   * replaces still holds.
   */
  final boolean stopFirst;

  private ReloadPlan(boolean stopFirst) {
    this.stopFirst = stopFirst;
  }

  /** Service settings a reload can change; any other difference needs a restart. */
  private static final Set<String> RELOADABLE_SERVICE_KEYS =
      Set.of("pipelines", "shutdown_timeout", "telemetry.logs");

  /**
   * The service settings that differ between {@code running} and {@code next} and that only a
   * restart applies (the admin endpoint, the memory budget, the data directory): each is an error
   * naming its key, and the reload is refused whole.
   */
  static List<ConfigProblem> restartOnlyChanges(AgentConfig running, AgentConfig next) {
    Map<String, Object> before = new LinkedHashMap<>();
    Map<String, Object> after = new LinkedHashMap<>();
    flatten("", ConfigRenderer.renderTree(running.service()), before);
    flatten("", ConfigRenderer.renderTree(next.service()), after);
    Set<String> keys = new LinkedHashSet<>(before.keySet());
    keys.addAll(after.keySet());
    List<ConfigProblem> problems = new ArrayList<>();
    Set<String> reported = new HashSet<>();
    for (String key : keys) {
      if (reloadable(key) || Objects.equals(before.get(key), after.get(key))) continue;
      // One problem per setting: a changed list or section is named once, at its own key.
      String setting = key.replaceAll("\\[\\d+]$", "");
      if (!reported.add(setting)) continue;
      String values =
          Secrets.isSecretName(setting)
              ? ""
              : " (running: " + shown(before.get(key)) + ", new: " + shown(after.get(key)) + ")";
      problems.add(
          new ConfigProblem(
              Severity.ERROR,
              "service." + setting,
              "reload",
              0,
              0,
              "changed"
                  + values
                  + ", and only a restart applies it; the reload was refused and the running"
                  + " config stays in force (restart the agent, or put the running value back)"));
    }
    return problems;
  }

  private static boolean reloadable(String key) {
    for (String prefix : RELOADABLE_SERVICE_KEYS) {
      if (key.equals(prefix) || key.startsWith(prefix + ".") || key.startsWith(prefix + "["))
        return true;
    }
    return false;
  }

  private static String shown(Object value) {
    if (value == null) return "unset";
    return value instanceof String s ? Secrets.redact(s) : String.valueOf(value);
  }

  private static void flatten(String prefix, Object value, Map<String, Object> into) {
    if (value instanceof Map<?, ?> map) {
      map.forEach(
          (k, v) -> flatten(prefix.isEmpty() ? String.valueOf(k) : prefix + "." + k, v, into));
    } else if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) flatten(prefix + "[" + i + "]", list.get(i), into);
      if (list.isEmpty()) into.put(prefix, "[]");
    } else {
      into.put(prefix, value);
    }
  }

  static ReloadPlan of(AgentConfig running, ComponentGraph graph, AgentConfig next) {
    Set<ComponentId> keptExporters = keptExporters(running, next);
    Set<PipelineId> keptPipelines = keptPipelines(running, next, keptExporters);
    Set<ComponentId> keptReceivers = keptReceivers(running, graph, next, keptExporters);

    ReloadPlan plan =
        new ReloadPlan(
            rebuiltUnderOwnName(graph, next, keptExporters)
                || queueDirectoryHandedOver(running, graph, next, keptExporters));
    ComponentGraph reuse = plan.reusable;
    for (ComponentId id : keptExporters) {
      ExporterRunner runner = graph.exporters.get(id);
      if (runner != null) reuse.exporters.put(id, runner);
    }
    for (PipelineId id : keptPipelines) reuse.pipelines.put(id, graph.pipelines.get(id));
    for (ComponentId id : keptReceivers) {
      reuse.receivers.put(id, graph.receivers.get(id));
      reuse.inputs.put(id, graph.inputs.get(id));
    }
    plan.describe(running, graph, next);
    return plan;
  }

  /** Exporters whose settings, and whose dead-letter exporter's, did not change. */
  private static Set<ComponentId> keptExporters(AgentConfig running, AgentConfig next) {
    Set<ComponentId> kept = new LinkedHashSet<>();
    for (Map.Entry<ComponentId, ComponentConfig> e : next.exporters().entrySet()) {
      if (same(running.exporters().get(e.getKey()), e.getValue())) kept.add(e.getKey());
    }
    // An exporter keeps the runner of its dead-letter exporter: when that one is rebuilt, so is
    // it (until nothing changes).
    boolean changed = true;
    while (changed) {
      changed = false;
      for (ComponentId id : List.copyOf(kept)) {
        ComponentId target = GraphBuilder.deadLetterOf(next.exporters().get(id));
        if (target != null && !kept.contains(target)) changed |= kept.remove(id);
      }
    }
    if (!Objects.equals(running.service().dataDir, next.service().dataDir)) {
      kept.removeIf(id -> persistent(next.exporters().get(id)));
    }
    return kept;
  }

  private static Set<PipelineId> keptPipelines(
      AgentConfig running, AgentConfig next, Set<ComponentId> keptExporters) {
    Set<PipelineId> kept = new LinkedHashSet<>();
    for (Map.Entry<PipelineId, PipelineConfig> e : next.service().pipelines.entrySet()) {
      PipelineConfig before = running.service().pipelines.get(e.getKey());
      PipelineConfig after = e.getValue();
      if (before == null || !withoutReceivers(before).equals(withoutReceivers(after))) continue;
      boolean same = keptExporters.containsAll(after.exporters);
      for (ComponentId p : after.processors) {
        same &= same(running.processors().get(p), next.processors().get(p));
      }
      if (same) kept.add(e.getKey());
    }
    return kept;
  }

  private static Map<String, Object> withoutReceivers(PipelineConfig pipeline) {
    Map<String, Object> tree = ConfigRenderer.renderTree(pipeline);
    tree.remove("receivers");
    return tree;
  }

  private static Set<ComponentId> keptReceivers(
      AgentConfig running, ComponentGraph graph, AgentConfig next, Set<ComponentId> keptExporters) {
    Set<ComponentId> kept = new LinkedHashSet<>();
    for (Map.Entry<ComponentId, ComponentConfig> e : next.receivers().entrySet()) {
      ComponentId id = e.getKey();
      if (!graph.receivers.containsKey(id)) continue;
      if (!same(running.receivers().get(id), e.getValue())) continue;
      if (!graph.inputs.get(id).keySet().equals(signalsFed(next, id))) continue;
      ComponentId deadLetters = GraphBuilder.deadLetterOf(e.getValue());
      if (deadLetters != null && !keptExporters.contains(deadLetters)) continue;
      kept.add(id);
    }
    return kept;
  }

  /** The signals of the pipelines that name receiver {@code id}. */
  private static Set<Signal> signalsFed(AgentConfig config, ComponentId id) {
    Set<Signal> signals = EnumSet.noneOf(Signal.class);
    for (PipelineId pipeline : wiring(config, id)) signals.add(pipeline.signal());
    return signals;
  }

  /**
   * Whether a running exporter is rebuilt under its own name: the two would share what the name
   * stands for (a file, a disk queue, a client id), so the old one goes first.
   */
  private static boolean rebuiltUnderOwnName(
      ComponentGraph graph, AgentConfig next, Set<ComponentId> kept) {
    for (ComponentId id : graph.exporters.keySet()) {
      if (!kept.contains(id) && next.exporters().containsKey(id) && isUsed(next, id)) return true;
    }
    return false;
  }

  /**
   * Whether an exporter the next config builds anew keeps its disk queue in a directory that a
   * running exporter which is not kept still holds (the same exporter with new settings, usually):
   * the directory is locked until that one is closed.
   */
  private static boolean queueDirectoryHandedOver(
      AgentConfig running, ComponentGraph graph, AgentConfig next, Set<ComponentId> kept) {
    Set<Path> held = new HashSet<>();
    for (ComponentId id : graph.exporters.keySet()) {
      ComponentConfig cfg = running.exporters().get(id);
      if (!kept.contains(id) && persistent(cfg)) held.add(queueDirectory(running, id, cfg));
    }
    for (Map.Entry<ComponentId, ComponentConfig> e : next.exporters().entrySet()) {
      if (kept.contains(e.getKey()) || !persistent(e.getValue())) continue;
      if (held.contains(queueDirectory(next, e.getKey(), e.getValue()))) return true;
    }
    return false;
  }

  private static boolean persistent(ComponentConfig config) {
    return config instanceof ExporterConfig e && e.sendingQueue.persistent();
  }

  private static Path queueDirectory(AgentConfig config, ComponentId id, ComponentConfig cfg) {
    return ExporterRunner.queueDirectory(
            id, (ExporterConfig) cfg, Path.of(config.service().dataDir))
        .toAbsolutePath()
        .normalize();
  }

  private static boolean same(ComponentConfig before, ComponentConfig after) {
    return before != null
        && after != null
        && before.getClass() == after.getClass()
        && ConfigRenderer.renderTree(before).equals(ConfigRenderer.renderTree(after));
  }

  /** Fills {@link #changes}: one line per component added, rebuilt or removed. */
  private void describe(AgentConfig running, ComponentGraph graph, AgentConfig next) {
    Set<ComponentId> exporterIds = new LinkedHashSet<>(graph.exporters.keySet());
    for (PipelineConfig p : next.service().pipelines.values()) exporterIds.addAll(p.exporters);
    for (ComponentId id : exporterIds) {
      boolean before = graph.exporters.containsKey(id);
      boolean after = next.exporters().containsKey(id) && isUsed(next, id);
      change(
          "exporter",
          id.toString(),
          before,
          after,
          reusable.exporters.containsKey(id),
          after ? exporterRebuilt(running, next, id) : "");
    }
    Set<PipelineId> pipelineIds = new LinkedHashSet<>(graph.pipelines.keySet());
    pipelineIds.addAll(next.service().pipelines.keySet());
    for (PipelineId id : pipelineIds) {
      change(
          "pipeline",
          id.toString(),
          graph.pipelines.containsKey(id),
          next.service().pipelines.containsKey(id),
          reusable.pipelines.containsKey(id),
          next.service().pipelines.containsKey(id) ? pipelineRebuilt(running, next, id) : "");
    }
    Set<ComponentId> receiverIds = new LinkedHashSet<>(graph.receivers.keySet());
    for (PipelineConfig p : next.service().pipelines.values()) receiverIds.addAll(p.receivers);
    for (ComponentId id : receiverIds) {
      change(
          "receiver",
          id.toString(),
          graph.receivers.containsKey(id),
          !signalsFed(next, id).isEmpty(),
          reusable.receivers.containsKey(id),
          receiverRebuilt(running, graph, next, id));
      if (reusable.receivers.containsKey(id) && !wiring(running, id).equals(wiring(next, id))) {
        changes.add("receiver " + id + ": now feeds " + wiring(next, id));
      }
    }
    if (!running.service().shutdownTimeout.equals(next.service().shutdownTimeout)) {
      changes.add("service.shutdown_timeout: changed");
    }
    if (!ConfigRenderer.renderTree(running.service().telemetry.logs)
        .equals(ConfigRenderer.renderTree(next.service().telemetry.logs))) {
      changes.add("service.telemetry.logs: changed");
    }
  }

  private String exporterRebuilt(AgentConfig running, AgentConfig next, ComponentId id) {
    if (!same(running.exporters().get(id), next.exporters().get(id))) return "settings changed";
    ComponentId target = GraphBuilder.deadLetterOf(next.exporters().get(id));
    if (target != null && !reusable.exporters.containsKey(target)) {
      return "its dead-letter exporter " + target + " is rebuilt";
    }
    return "service.data_dir changed";
  }

  private String pipelineRebuilt(AgentConfig running, AgentConfig next, PipelineId id) {
    PipelineConfig before = running.service().pipelines.get(id);
    PipelineConfig after = next.service().pipelines.get(id);
    if (before == null) return "";
    Map<String, Object> settingsBefore = withoutReceivers(before);
    Map<String, Object> settingsAfter = withoutReceivers(after);
    settingsBefore.remove("exporters");
    settingsAfter.remove("exporters");
    if (!settingsBefore.equals(settingsAfter)) return "settings changed";
    List<String> why = new ArrayList<>();
    for (ComponentId e : before.exporters) {
      if (!after.exporters.contains(e)) why.add("exporter " + e + " removed");
    }
    for (ComponentId p : after.processors) {
      if (!same(running.processors().get(p), next.processors().get(p))) {
        why.add("processor " + p + " changed");
      }
    }
    for (ComponentId e : after.exporters) {
      if (!reusable.exporters.containsKey(e)) {
        why.add("exporter " + e + (before.exporters.contains(e) ? " rebuilt" : " added"));
      }
    }
    return why.isEmpty() ? "exporters reordered" : String.join(", ", why);
  }

  private String receiverRebuilt(
      AgentConfig running, ComponentGraph graph, AgentConfig next, ComponentId id) {
    ComponentConfig after = next.receivers().get(id);
    if (after == null || !graph.receivers.containsKey(id)) return "";
    if (!same(running.receivers().get(id), after)) return "settings changed";
    Set<Signal> signals = signalsFed(next, id);
    if (!graph.inputs.get(id).keySet().equals(signals)) {
      return "now feeds " + String.join(", ", signals.stream().map(Signal::id).toList());
    }
    return "its dead-letter exporter " + GraphBuilder.deadLetterOf(after) + " is rebuilt";
  }

  /** The pipelines that receiver {@code id} feeds in {@code config}, in config order. */
  private static List<PipelineId> wiring(AgentConfig config, ComponentId id) {
    List<PipelineId> pipelines = new ArrayList<>();
    config
        .service()
        .pipelines
        .forEach(
            (pid, p) -> {
              if (p.receivers.contains(id)) pipelines.add(pid);
            });
    return pipelines;
  }

  /** Whether a pipeline, or a dead-letter setting, of {@code config} names exporter {@code id}. */
  private static boolean isUsed(AgentConfig config, ComponentId id) {
    for (PipelineConfig p : config.service().pipelines.values()) {
      if (p.exporters.contains(id)) return true;
    }
    for (ComponentConfig c : config.exporters().values()) {
      if (id.equals(GraphBuilder.deadLetterOf(c))) return true;
    }
    for (ComponentConfig c : config.receivers().values()) {
      if (id.equals(GraphBuilder.deadLetterOf(c))) return true;
    }
    return false;
  }

  private void change(
      String kind, String id, boolean before, boolean after, boolean kept, String why) {
    if (before && after && !kept) changes.add(kind + " " + id + ": rebuilt (" + why + ")");
    else if (!before && after) changes.add(kind + " " + id + ": added");
    else if (before && !after) changes.add(kind + " " + id + ": removed");
  }

  /** True when the next config runs exactly what runs now. */
  boolean nothingChanges() {
    return changes.isEmpty();
  }
}
