package io.stacklens.agent.config;

import io.stacklens.agent.api.ReplaceDefaults;
import io.stacklens.agent.api.Suggestions;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binds YAML mappings onto config objects by reflection, following the rules of {@link
 * io.stacklens.agent.api.ComponentConfig}: each written key sets the field of that key; keys not
 * written (or written with an empty value) keep the default already in the object. Nested objects
 * are bound in place, so their defaults survive too. Every problem is reported, none stops binding.
 */
final class ConfigBinder {
  /** Returned by conversions that failed (already reported). */
  private static final Object FAILED = new Object();

  private final ProblemCollector problems;

  ConfigBinder(ProblemCollector problems) {
    this.problems = problems;
  }

  /**
   * Sets the fields of {@code target} written in {@code mapping}; {@code path} is the mapping's
   * YAML path.
   */
  void bindObject(Object target, YamlNode.Mapping mapping, String path) {
    Map<String, ConfigFields.ConfigField> fields = ConfigFields.of(target.getClass());
    for (YamlNode.Entry entry : mapping.entries().values()) {
      String childPath = YamlPath.child(path, entry.key());
      ConfigFields.ConfigField field = fields.get(entry.key());
      if (field == null) {
        reportUnknownKey(childPath, entry, fields.keySet());
        continue;
      }
      Class<?> fieldType = field.field().getType();
      if (YamlNode.isAbsent(entry.value())) {
        // Written but empty: keep the default; a nested section that is off by default turns on
        // with defaults.
        if (field.get(target) == null && ConfigFields.isNestedConfig(fieldType))
          field.set(target, newInstance(fieldType));
        continue;
      }
      Object current =
          field.field().isAnnotationPresent(ReplaceDefaults.class) ? null : field.get(target);
      Object value = convert(field.field().getGenericType(), entry.value(), childPath, current);
      if (value != FAILED) {
        field.set(target, value);
      }
    }
  }

  /** {@code unknown key 'x'; did you mean 'y'?}, or the list of known keys when none is close. */
  void reportUnknownKey(String path, YamlNode.Entry entry, Collection<String> known) {
    String hint = Suggestions.didYouMean(entry.key(), known);
    if (hint.isEmpty()) {
      hint =
          known.isEmpty()
              ? " (no keys are allowed here)"
              : " (known keys: " + String.join(", ", known) + ")";
    }
    problems.error(path, entry.keyLocation(), "unknown key '" + entry.key() + "'" + hint);
  }

  private Object convert(Type type, YamlNode node, String path, Object current) {
    Class<?> raw = rawClass(type);
    if (YamlNode.isAbsent(node)) {
      return emptyValue(raw, node, path);
    }
    if (raw == List.class || raw == Collection.class) {
      return convertList(typeArgument(type, 0), node, path);
    }
    if (raw == Map.class) {
      return convertMap(typeArgument(type, 0), typeArgument(type, 1), node, path);
    }
    if (raw == Object.class) {
      return plain(node);
    }
    if (ConfigFields.isNestedConfig(raw)) {
      return convertNested(raw, node, path, current);
    }
    if (!(node instanceof YamlNode.Scalar scalar)) {
      return mismatch(path, node, describeType(raw));
    }
    try {
      return ScalarParser.parse(raw, scalar.text());
    } catch (IllegalArgumentException e) {
      problems.error(path, node.location(), e.getMessage());
      return FAILED;
    }
  }

  private Object convertNested(Class<?> type, YamlNode node, String path, Object current) {
    Object target = current != null ? current : newInstance(type);
    if (!(node instanceof YamlNode.Mapping mapping)) {
      return mismatch(path, node, "a mapping");
    }
    bindObject(target, mapping, path);
    return target;
  }

  private Object convertList(Type elementType, YamlNode node, String path) {
    if (!(node instanceof YamlNode.Sequence sequence)) {
      return mismatch(path, node, "a list, e.g. [a, b]");
    }
    List<Object> result = new ArrayList<>();
    boolean ok = true;
    for (YamlNode item : sequence.items()) {
      String itemPath = YamlPath.index(path, result.size());
      Object value = convert(elementType, item, itemPath, null);
      ok &= value != FAILED;
      result.add(value);
    }
    return ok ? Collections.unmodifiableList(result) : FAILED;
  }

  private Object convertMap(Type keyType, Type valueType, YamlNode node, String path) {
    if (!(node instanceof YamlNode.Mapping mapping)) {
      return mismatch(path, node, "a mapping");
    }
    Map<Object, Object> result = new LinkedHashMap<>();
    for (YamlNode.Entry entry : mapping.entries().values()) {
      String entryPath = YamlPath.child(path, entry.key());
      Object key;
      try {
        key = ScalarParser.parse(rawClass(keyType), entry.key());
      } catch (IllegalArgumentException e) {
        problems.error(entryPath, entry.keyLocation(), e.getMessage());
        continue;
      }
      Object value = convert(valueType, entry.value(), entryPath, null);
      if (value != FAILED) {
        result.put(key, value);
      }
    }
    // Entries that failed are left out (and reported), so the rest can still be checked.
    return Collections.unmodifiableMap(result);
  }

  /**
   * A list entry or map value written empty: a nested config with all defaults, null for an untyped
   * value, otherwise an error (a field written empty never gets here: it keeps its default).
   */
  private Object emptyValue(Class<?> type, YamlNode node, String path) {
    if (ConfigFields.isNestedConfig(type)) {
      return newInstance(type);
    }
    if (type == Object.class) {
      return null;
    }
    // Empty because an ${env:...} could not be expanded: that error already says it all.
    return problems.hasErrorAt(path) ? FAILED : mismatch(path, node, describeType(type));
  }

  private Object mismatch(String path, YamlNode node, String expected) {
    problems.error(path, node.location(), "expected " + expected + ", got " + node.describe());
    return FAILED;
  }

  /** A value for an {@code Object} field: text, list or map as written. */
  private static Object plain(YamlNode node) {
    if (node instanceof YamlNode.Scalar scalar) {
      return scalar.text();
    }
    if (node instanceof YamlNode.Sequence sequence) {
      return sequence.items().stream().map(ConfigBinder::plain).toList();
    }
    Map<String, Object> map = new LinkedHashMap<>();
    ((YamlNode.Mapping) node).entries().values().forEach(e -> map.put(e.key(), plain(e.value())));
    return Collections.unmodifiableMap(map);
  }

  private static String describeType(Class<?> type) {
    if (type == List.class || type == Collection.class) {
      return "a list";
    }
    if (type == Map.class || ConfigFields.isNestedConfig(type)) {
      return "a mapping";
    }
    return ScalarParser.describe(type);
  }

  static Object newInstance(Class<?> type) {
    try {
      Constructor<?> constructor = type.getDeclaredConstructor();
      constructor.setAccessible(true);
      return constructor.newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "config class " + type.getName() + " needs a no-arg constructor to be bound from YAML",
          e);
    }
  }

  static Class<?> rawClass(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType p) {
      return (Class<?>) p.getRawType();
    }
    if (type instanceof WildcardType w) {
      return rawClass(w.getUpperBounds()[0]);
    }
    if (type instanceof TypeVariable<?> v) {
      return rawClass(v.getBounds()[0]);
    }
    throw new IllegalStateException("unsupported config field type " + type);
  }

  private static Type typeArgument(Type type, int index) {
    return type instanceof ParameterizedType p ? p.getActualTypeArguments()[index] : Object.class;
  }
}
