package io.stacklens.agent.api;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Identifies a configured component: {@code type[/name]}, as in the OpenTelemetry Collector ({@code
 * kafka}, {@code kafka/enriched}).
 */
public final class ComponentId implements Comparable<ComponentId> {
  private static final Pattern TYPE = Pattern.compile("[a-zA-Z][a-zA-Z0-9_]*");

  private final String type;
  private final String name;

  private ComponentId(String type, String name) {
    this.type = type;
    this.name = name;
  }

  /**
   * An id with only a type, e.g. {@code kafka}; throws {@link IllegalArgumentException} when the
   * type is not a letter followed by letters, digits or underscores.
   */
  public static ComponentId of(String type) {
    return of(type, "");
  }

  /**
   * An id {@code type/name}, or just {@code type} when {@code name} is empty; throws {@link
   * IllegalArgumentException} when the type is invalid or the name contains {@code /} or is blank
   * but not empty.
   */
  public static ComponentId of(String type, String name) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(name, "name");
    if (!TYPE.matcher(type).matches()) {
      throw new IllegalArgumentException(
          "invalid component type '"
              + type
              + "': must start with a letter and contain only letters, digits and '_'");
    }
    if (name.contains("/") || name.isBlank() != name.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid component name '" + name + "': must not contain '/' or be blank");
    }
    return new ComponentId(type, name);
  }

  /**
   * Parses {@code type[/name]}; throws {@link IllegalArgumentException} with a readable message.
   */
  public static ComponentId parse(String id) {
    Objects.requireNonNull(id, "id");
    int slash = id.indexOf('/');
    if (slash < 0) {
      return of(id.trim());
    }
    String name = id.substring(slash + 1).trim();
    if (name.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid component id '" + id + "': name after '/' must not be empty");
    }
    return of(id.substring(0, slash).trim(), name);
  }

  /** The type part, which selects the factory, e.g. {@code kafka}. */
  public String type() {
    return type;
  }

  /** The part after {@code /}, or the empty string. */
  public String name() {
    return name;
  }

  @Override
  public String toString() {
    return name.isEmpty() ? type : type + "/" + name;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ComponentId other && type.equals(other.type) && name.equals(other.name);
  }

  @Override
  public int hashCode() {
    return type.hashCode() * 31 + name.hashCode();
  }

  @Override
  public int compareTo(ComponentId o) {
    return toString().compareTo(o.toString());
  }
}
