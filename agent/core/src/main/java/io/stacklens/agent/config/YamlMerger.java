package io.stacklens.agent.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Deep merge of config trees, later over earlier: mappings merge key by key (recursively), scalars
 * and lists are replaced. A null over a mapping keeps the mapping ({@code otlp:} in a later file
 * does not erase the settings of an earlier one).
 */
final class YamlMerger {
  private YamlMerger() {}

  static YamlNode merge(YamlNode base, YamlNode overlay) {
    if (base instanceof YamlNode.Mapping baseMap
        && overlay instanceof YamlNode.Mapping overlayMap) {
      Map<String, YamlNode.Entry> merged = new LinkedHashMap<>(baseMap.entries());
      for (YamlNode.Entry entry : overlayMap.entries().values()) {
        YamlNode.Entry existing = merged.get(entry.key());
        if (existing == null) {
          merged.put(entry.key(), entry);
        } else {
          YamlNode value = merge(existing.value(), entry.value());
          // A merged mapping stays where it was first defined; a replaced value points at its new
          // key.
          Location keyAt = value == entry.value() ? entry.keyLocation() : existing.keyLocation();
          merged.put(entry.key(), new YamlNode.Entry(entry.key(), keyAt, value));
        }
      }
      return new YamlNode.Mapping(merged, baseMap.location());
    }
    if (base instanceof YamlNode.Mapping && YamlNode.isAbsent(overlay)) {
      return base;
    }
    return overlay;
  }
}
