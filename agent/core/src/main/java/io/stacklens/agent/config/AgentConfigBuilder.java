package io.stacklens.agent.config;

import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.Factory;
import io.stacklens.agent.api.Suggestions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the merged, env-expanded YAML tree into an {@link AgentConfig}: finds each component's
 * factory, binds its settings over the factory defaults, binds {@code service}, runs every {@code
 * validate} and checks the pipelines. Reports every problem; never stops at the first.
 */
final class AgentConfigBuilder {
  private static final String SERVICE = "service";

  private final ComponentRegistry registry;
  private final ProblemCollector problems;
  private final YamlNode.Mapping root;
  private final ConfigBinder binder;
  private final ConfigValidator validator;
  private final PipelineChecker pipelineChecker;

  AgentConfigBuilder(ComponentRegistry registry, ProblemCollector problems, YamlNode.Mapping root) {
    this.registry = registry;
    this.problems = problems;
    this.root = root;
    this.binder = new ConfigBinder(problems);
    this.validator = new ConfigValidator(problems, root);
    this.pipelineChecker = new PipelineChecker(problems, root);
  }

  AgentConfig build() {
    reportUnknownSections();
    Map<ComponentId, ComponentConfig> receivers = buildSection(ComponentKind.RECEIVER);
    Map<ComponentId, ComponentConfig> processors = buildSection(ComponentKind.PROCESSOR);
    Map<ComponentId, ComponentConfig> exporters = buildSection(ComponentKind.EXPORTER);
    ServiceConfig service = buildService();
    pipelineChecker.checkDeadLetters(service.pipelines, receivers, exporters);
    pipelineChecker.check(service.pipelines);
    pipelineChecker.checkDelivery(service.pipelines, exporters);
    pipelineChecker.checkRouting(service.pipelines, processors);
    pipelineChecker.checkSignalLimits(
        service.pipelines,
        Map.of(
            ComponentKind.RECEIVER,
            receivers,
            ComponentKind.PROCESSOR,
            processors,
            ComponentKind.EXPORTER,
            exporters));
    return new AgentConfig(receivers, processors, exporters, service);
  }

  private void reportUnknownSections() {
    List<String> known = new ArrayList<>();
    for (ComponentKind kind : ComponentKind.values()) {
      known.add(kind.section());
    }
    known.add(SERVICE);
    for (YamlNode.Entry entry : root.entries().values()) {
      if (!known.contains(entry.key())) {
        binder.reportUnknownKey(entry.key(), entry, known);
      }
    }
  }

  private Map<ComponentId, ComponentConfig> buildSection(ComponentKind kind) {
    Map<ComponentId, ComponentConfig> built = new LinkedHashMap<>();
    YamlNode section = root.get(kind.section());
    if (YamlNode.isAbsent(section)) {
      return built;
    }
    if (!(section instanceof YamlNode.Mapping components)) {
      problems.error(
          kind.section(),
          section.location(),
          "expected a mapping of "
              + kind.label()
              + " ids to their settings, got "
              + section.describe());
      return built;
    }
    for (YamlNode.Entry entry : components.entries().values()) {
      String path = kind.section() + "." + entry.key();
      ComponentId id;
      try {
        id = ComponentId.parse(entry.key());
      } catch (IllegalArgumentException e) {
        problems.error(path, entry.keyLocation(), e.getMessage());
        continue;
      }
      Optional<Factory<?>> factory = registry.find(kind, id.type());
      pipelineChecker.define(kind, id, factory.orElse(null), entry.keyLocation());
      if (factory.isEmpty()) {
        List<String> types = registry.types(kind);
        // Like an unknown key: the likely typo when there is one, else every known type.
        String hint = Suggestions.didYouMean(id.type(), types);
        if (hint.isEmpty())
          hint = " (known types: " + (types.isEmpty() ? "none" : String.join(", ", types)) + ")";
        problems.error(
            path,
            entry.keyLocation(),
            "unknown " + kind.label() + " type '" + id.type() + "'" + hint);
        continue;
      }
      ComponentConfig config = factory.get().createDefaultConfig();
      if (bindMapping(config, entry.value(), path)) {
        validator.validate(config, path);
      }
      built.put(id, config);
    }
    return built;
  }

  private ServiceConfig buildService() {
    ServiceConfig service = new ServiceConfig();
    if (bindMapping(service, root.get(SERVICE), SERVICE)) {
      validator.validate(service, SERVICE);
    }
    return service;
  }

  /**
   * Binds a mapping (or nothing: defaults stay) onto {@code target}; false when it is not a
   * mapping.
   */
  private boolean bindMapping(Object target, YamlNode node, String path) {
    if (YamlNode.isAbsent(node)) {
      return true;
    }
    if (!(node instanceof YamlNode.Mapping mapping)) {
      problems.error(
          path, node.location(), "expected a mapping of settings, got " + node.describe());
      return false;
    }
    binder.bindObject(target, mapping, path);
    return true;
  }
}
