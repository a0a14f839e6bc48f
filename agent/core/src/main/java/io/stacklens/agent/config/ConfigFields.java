package io.stacklens.agent.config;

import io.stacklens.agent.api.ByteSize;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ConfigKey;
import io.stacklens.agent.api.Secret;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The YAML view of a config class: its fields (the class's own first, then inherited ones) and
 * their keys. A field {@code maxMegabytes} is the key {@code max_megabytes} unless {@link
 * ConfigKey} says otherwise. Static, transient and synthetic fields are not config.
 */
final class ConfigFields {
  private static final ClassValue<Map<String, ConfigField>> CACHE =
      new ClassValue<>() {
        @Override
        protected Map<String, ConfigField> computeValue(Class<?> type) {
          return scan(type);
        }
      };

  private static final Set<Class<?>> SCALAR_TYPES =
      Set.of(
          String.class,
          boolean.class,
          Boolean.class,
          int.class,
          Integer.class,
          long.class,
          Long.class,
          double.class,
          Double.class,
          Duration.class,
          ByteSize.class,
          ComponentId.class,
          PipelineId.class);

  private ConfigFields() {}

  /** One bindable field. */
  record ConfigField(Field field, String key) {
    Object get(Object target) {
      try {
        return field.get(target);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException("cannot read config field " + field, e);
      }
    }

    void set(Object target, Object value) {
      try {
        field.set(target, value);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException("cannot set config field " + field, e);
      }
    }

    boolean isSecret() {
      return field.isAnnotationPresent(Secret.class);
    }
  }

  /** Fields of {@code type} by YAML key: its own first, then those of its superclasses. */
  static Map<String, ConfigField> of(Class<?> type) {
    return CACHE.get(type);
  }

  /** True for classes bound from a YAML mapping field by field (nested config classes). */
  static boolean isNestedConfig(Class<?> type) {
    return !type.isPrimitive()
        && !type.isEnum()
        && !type.isArray()
        && !type.isInterface()
        && !Modifier.isAbstract(type.getModifiers())
        && !SCALAR_TYPES.contains(type)
        && !type.getName().startsWith("java.");
  }

  /** {@code maxMegabytes} -> {@code max_megabytes}, {@code tlsCAFile} -> {@code tls_ca_file}. */
  static String snakeCase(String name) {
    StringBuilder out = new StringBuilder(name.length() + 4);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isUpperCase(c)) {
        boolean afterLower = i > 0 && !Character.isUpperCase(name.charAt(i - 1));
        boolean endsAcronym =
            i > 0
                && Character.isUpperCase(name.charAt(i - 1))
                && i + 1 < name.length()
                && Character.isLowerCase(name.charAt(i + 1));
        if (afterLower || endsAcronym) {
          out.append('_');
        }
        out.append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static Map<String, ConfigField> scan(Class<?> type) {
    List<Class<?>> hierarchy = new ArrayList<>();
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      hierarchy.add(c);
    }
    Map<String, ConfigField> fields = new LinkedHashMap<>();
    for (Class<?> c : hierarchy) {
      for (Field field : c.getDeclaredFields()) {
        int modifiers = field.getModifiers();
        if (Modifier.isStatic(modifiers)
            || Modifier.isTransient(modifiers)
            || field.isSynthetic()) {
          continue;
        }
        field.setAccessible(true);
        ConfigKey override = field.getAnnotation(ConfigKey.class);
        String key = override != null ? override.value() : snakeCase(field.getName());
        ConfigField previous = fields.put(key, new ConfigField(field, key));
        if (previous != null) {
          throw new IllegalStateException(
              "config class "
                  + type.getName()
                  + " has two fields for the key '"
                  + key
                  + "': "
                  + previous.field()
                  + " and "
                  + field);
        }
      }
    }
    return java.util.Collections.unmodifiableMap(fields);
  }
}
