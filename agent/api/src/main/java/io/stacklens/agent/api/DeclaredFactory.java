package io.stacklens.agent.api;

import io.stacklens.agent.data.Signal;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A factory made from data: a component declares its type, stability, signals, description and
 * config constructor once, in its factory's constructor, and this class answers the {@link Factory}
 * questions from them. Defaults live in the config class (its field initialisers and constructor),
 * never in the factory. The kind-specific subclasses add how to create the component: {@link
 * DeclaredReceiverFactory}, {@link DeclaredProcessorFactory}, {@link DeclaredExporterFactory}.
 *
 * <pre>
 * public final class FileExporterFactory extends DeclaredExporterFactory&lt;FileExporterConfig&gt; {
 *   public FileExporterFactory() {
 *     super("file", Stability.ALPHA, EnumSet.allOf(Signal.class), "Writes ... to a local file",
 *         FileExporterConfig::new, FileExporter::new);
 *   }
 * }
 * </pre>
 *
 * @param <C> the component's config class
 */
public abstract class DeclaredFactory<C extends ComponentConfig> implements Factory<C> {
  private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_]*");

  private final String type;
  private final Stability stability;
  private final Set<Signal> signals;
  private final String description;
  private final Supplier<C> defaults;
  private final Class<C> configClass;

  /**
   * Declares a component type. {@code type} is lower-case letters, digits and underscores, starting
   * with a letter; {@code signals} must not be empty and is copied; {@code description} must not be
   * blank; {@code defaults} makes a new config holding every default and is called once here to
   * learn the config class. Throws {@link IllegalArgumentException} (or {@link
   * NullPointerException} for a null stability) when one is invalid.
   */
  @SuppressWarnings("unchecked")
  protected DeclaredFactory(
      String type,
      Stability stability,
      Set<Signal> signals,
      String description,
      Supplier<C> defaults) {
    if (type == null || !TYPE.matcher(type).matches()) {
      throw new IllegalArgumentException(
          "a component type is lower case letters, digits and '_', got '" + type + "'");
    }
    if (signals == null || signals.isEmpty())
      throw new IllegalArgumentException(type + ": a component supports at least one signal");
    if (description == null || description.isBlank())
      throw new IllegalArgumentException(type + ": a description is required");
    this.type = type;
    this.stability = java.util.Objects.requireNonNull(stability, "stability");
    this.signals = Set.copyOf(signals);
    this.description = description;
    this.defaults = defaults;
    this.configClass = (Class<C>) defaults.get().getClass();
  }

  @Override
  public final String type() {
    return type;
  }

  @Override
  public final Class<C> configClass() {
    return configClass;
  }

  /** A new config holding every default: the config class's own constructor, nothing added here. */
  @Override
  public final C createDefaultConfig() {
    return defaults.get();
  }

  @Override
  public final Stability stability() {
    return stability;
  }

  @Override
  public final Set<Signal> signals() {
    return signals;
  }

  @Override
  public final String description() {
    return description;
  }

  @Override
  public String toString() {
    return kind().label() + " factory '" + type + "'";
  }
}
