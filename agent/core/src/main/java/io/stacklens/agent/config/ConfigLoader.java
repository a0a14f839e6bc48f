package io.stacklens.agent.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Loads the agent configuration: reads the YAML files (later ones deep-merge over earlier ones),
 * applies {@code --set} overrides, expands {@code ${env:...}}, rewrites the OpenTelemetry
 * Collector's common names onto ours ({@link CollectorAliases}), binds every component onto its
 * factory's defaults and validates the whole tree. Every problem is collected and returned with its
 * YAML path and {@code file:line:column}; nothing is thrown for a bad config.
 */
public final class ConfigLoader {
  /** Classpath resource (next to this class) with the config used when no file is given. */
  public static final String EMBEDDED_DEFAULT_RESOURCE = "default-agent.yaml";

  /** Source name of the embedded default in problems. */
  public static final String EMBEDDED_DEFAULT_SOURCE = "<embedded>/" + EMBEDDED_DEFAULT_RESOURCE;

  private final ComponentRegistry registry;
  private final Map<String, String> env;

  /**
   * @param env the environment {@code ${env:NAME}} reads, usually {@code System.getenv()}
   */
  public ConfigLoader(ComponentRegistry registry, Map<String, String> env) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.env = Map.copyOf(env);
  }

  /**
   * Loads {@code files} in order, then applies {@code setOverrides} ({@code path=value}) in order.
   */
  public LoadResult load(List<Path> files, List<String> setOverrides) {
    List<Source> sources = new ArrayList<>();
    ProblemCollector problems = new ProblemCollector();
    for (Path file : files) {
      String name = file.toString();
      problems.registerSource(name);
      try {
        sources.add(new Source(name, Files.readString(file, StandardCharsets.UTF_8)));
      } catch (NoSuchFileException e) {
        problems.fileError(name, "cannot read config file: no such file");
      } catch (IOException | RuntimeException e) {
        problems.fileError(
            name, "cannot read config file: " + io.stacklens.agent.api.ErrorText.reason(e));
      }
    }
    return load(sources, setOverrides, problems);
  }

  /** Loads the embedded {@value #EMBEDDED_DEFAULT_RESOURCE}, then applies {@code setOverrides}. */
  public LoadResult loadEmbeddedDefault(List<String> setOverrides) {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(EMBEDDED_DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing classpath resource " + EMBEDDED_DEFAULT_RESOURCE);
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return load(
          List.of(new Source(EMBEDDED_DEFAULT_SOURCE, text)), setOverrides, new ProblemCollector());
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot read classpath resource " + EMBEDDED_DEFAULT_RESOURCE, e);
    }
  }

  /** Loads one YAML text; problems name {@code sourceName} as the file. */
  public LoadResult loadString(String yaml, String sourceName) {
    return load(List.of(new Source(sourceName, yaml)), List.of(), new ProblemCollector());
  }

  private record Source(String name, String text) {}

  private LoadResult load(
      List<Source> sources, List<String> setOverrides, ProblemCollector problems) {
    YamlNode merged = null;
    for (Source source : sources) {
      problems.registerSource(source.name());
      Optional<YamlNode> tree = YamlReader.read(source.text(), source.name(), 0, problems);
      if (tree.isEmpty()) {
        continue;
      }
      if (!(tree.get() instanceof YamlNode.Mapping)) {
        problems.error(
            "",
            tree.get().location(),
            "expected a mapping with receivers, processors, exporters and service, got "
                + tree.get().describe());
        continue;
      }
      merged = merged == null ? tree.get() : YamlMerger.merge(merged, tree.get());
    }
    if (sources.isEmpty() && !problems.hasErrors()) {
      problems.fileError("--config", "no config file given");
    }
    for (String override : setOverrides) {
      Optional<YamlNode> tree = SetOverride.parse(override, problems);
      if (tree.isPresent() && merged != null) {
        merged = YamlMerger.merge(merged, tree.get());
      }
    }
    if (problems.hasErrors() || merged == null) {
      return new LoadResult(Optional.empty(), problems.sorted());
    }
    YamlNode.Mapping root =
        CollectorAliases.rewrite(
            (YamlNode.Mapping) new EnvExpander(env, problems).expand(merged, ""), problems);
    AgentConfig config = new AgentConfigBuilder(registry, problems, root).build();
    return new LoadResult(
        problems.hasErrors() ? Optional.empty() : Optional.of(config), problems.sorted());
  }
}
