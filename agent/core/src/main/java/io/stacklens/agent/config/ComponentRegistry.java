package io.stacklens.agent.config;

import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.Factory;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The component factories known to the agent, keyed by (kind, type). */
public final class ComponentRegistry {
  private final Map<ComponentKind, TreeMap<String, Factory<?>>> factories =
      new EnumMap<>(ComponentKind.class);

  private ComponentRegistry(Iterable<? extends Factory<?>> all) {
    for (ComponentKind kind : ComponentKind.values()) {
      factories.put(kind, new TreeMap<>());
    }
    for (Factory<?> factory : all) {
      Factory<?> previous = factories.get(factory.kind()).putIfAbsent(factory.type(), factory);
      if (previous != null) {
        throw new IllegalStateException(
            "two factories for "
                + factory.kind().label()
                + " type '"
                + factory.type()
                + "': "
                + previous.getClass().getName()
                + " and "
                + factory.getClass().getName());
      }
    }
  }

  /**
   * Every factory listed under {@code META-INF/services/io.stacklens.agent.api.Factory} on the
   * class path of {@code loader}.
   *
   * @throws IllegalStateException when two factories claim the same (kind, type)
   */
  @SuppressWarnings("rawtypes")
  public static ComponentRegistry load(ClassLoader loader) {
    List<Factory<?>> found = new ArrayList<>();
    for (Factory factory : ServiceLoader.load(Factory.class, loader)) {
      found.add(factory);
    }
    return new ComponentRegistry(found);
  }

  /** A registry of exactly these factories (tests, embedding). */
  public static ComponentRegistry of(Factory<?>... factories) {
    return new ComponentRegistry(List.of(factories));
  }

  public Optional<Factory<?>> find(ComponentKind kind, String type) {
    return Optional.ofNullable(factories.get(kind).get(type));
  }

  /** Factories of one kind, sorted by type. */
  public List<Factory<?>> all(ComponentKind kind) {
    return List.copyOf(factories.get(kind).values());
  }

  /** Types of one kind, sorted. */
  public List<String> types(ComponentKind kind) {
    return List.copyOf(factories.get(kind).keySet());
  }
}
