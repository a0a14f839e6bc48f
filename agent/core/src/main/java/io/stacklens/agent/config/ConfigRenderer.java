package io.stacklens.agent.config;

import io.stacklens.agent.api.ByteSize;
import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.Durations;
import io.stacklens.agent.api.Secrets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Writes the effective configuration as YAML (what {@code print-config} shows): every option with
 * its value, defaults included, keys in snake_case, durations like {@code 5s}, sizes like {@code
 * 20MiB}. The output loads back to the same config.
 */
public final class ConfigRenderer {
  private ConfigRenderer() {}

  /**
   * @param redactSecrets replace the values of fields marked {@link io.stacklens.agent.api.Secret}
   *     and of every key whose name contains password, token, secret, api_key, jaas or credentials
   *     by {@value Secrets#REDACTED}, and so the secrets inside other values ({@link
   *     Secrets#redact}: a URL's password, a connection string's {@code password=} parameter)
   */
  public static String render(AgentConfig config, boolean redactSecrets) {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("receivers", renderComponents(config.receivers(), redactSecrets));
    document.put("processors", renderComponents(config.processors(), redactSecrets));
    document.put("exporters", renderComponents(config.exporters(), redactSecrets));
    document.put("service", renderObject(config.service(), redactSecrets));
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setIndent(2);
    options.setIndicatorIndent(2);
    options.setIndentWithIndicator(true);
    options.setWidth(120);
    return new Yaml(options).dump(document);
  }

  /**
   * {@code sha256:<hex>} of {@link #render}{@code (config, true)}: equal for configs that run the
   * same, whatever their files' layout, comments or key order; secret values are not part of it.
   */
  public static String fingerprint(AgentConfig config) {
    try {
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(render(config, true).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return "sha256:" + java.util.HexFormat.of().formatHex(digest);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /**
   * One config object (a component's, a pipeline's, the service's) as the tree {@link #render}
   * writes for it, secrets included: two configs that render to equal trees behave the same, which
   * is how a reload tells what changed.
   */
  public static Map<String, Object> renderTree(Object config) {
    return renderObject(config, false);
  }

  private static Map<String, Object> renderComponents(
      Map<ComponentId, ComponentConfig> components, boolean redact) {
    Map<String, Object> rendered = new LinkedHashMap<>();
    components.forEach((id, config) -> rendered.put(id.toString(), renderObject(config, redact)));
    return rendered;
  }

  private static Map<String, Object> renderObject(Object config, boolean redact) {
    Map<String, Object> rendered = new LinkedHashMap<>();
    for (ConfigFields.ConfigField field : ConfigFields.of(config.getClass()).values()) {
      Object value = field.get(config);
      // An unset value is left out: it means "the default" (a default that depends on another
      // option, as sending_queue.max_size on storage), and a nested section that is off, written
      // back as "key:", would mean "on, with defaults".
      if (value == null) continue;
      boolean secret = field.isSecret() || Secrets.isSecretName(field.key());
      rendered.put(field.key(), redact && secret ? redacted(value) : renderValue(value, redact));
    }
    return rendered;
  }

  /**
   * A secret as shown: {@value Secrets#REDACTED}, or for a map of secrets (headers) its keys with
   * every value redacted, so what is set stays visible.
   */
  private static Object redacted(Object value) {
    if (!(value instanceof Map<?, ?> map)) return Secrets.REDACTED;
    Map<String, Object> rendered = new LinkedHashMap<>();
    map.keySet().forEach(key -> rendered.put(String.valueOf(key), Secrets.REDACTED));
    return rendered;
  }

  private static Object renderValue(Object value, boolean redact) {
    if (value instanceof String text) return redact ? Secrets.redact(text) : text;
    if (value == null || value instanceof Boolean || value instanceof Number) {
      return value;
    }
    if (value instanceof Duration duration) {
      return Durations.format(duration);
    }
    if (value instanceof ByteSize size) {
      String text = size.toString();
      return text.chars().allMatch(Character::isDigit) ? (Object) size.bytes() : text;
    }
    if (value instanceof Enum<?> constant) {
      return constant.name().toLowerCase(Locale.ROOT);
    }
    if (value instanceof ComponentId || value instanceof PipelineId) {
      return value.toString();
    }
    if (value instanceof List<?> list) {
      List<Object> rendered = new ArrayList<>();
      list.forEach(item -> rendered.add(renderValue(item, redact)));
      return rendered;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> rendered = new LinkedHashMap<>();
      map.forEach(
          (key, item) -> {
            String name = String.valueOf(key);
            rendered.put(
                name,
                redact && item != null && Secrets.isSecretName(name)
                    ? Secrets.REDACTED
                    : renderValue(item, redact));
          });
      return rendered;
    }
    if (ConfigFields.isNestedConfig(value.getClass())) {
      return renderObject(value, redact);
    }
    return value.toString();
  }
}
