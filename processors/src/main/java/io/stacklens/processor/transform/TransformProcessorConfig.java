package io.stacklens.processor.transform;

import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ConfigProblems;
import java.util.List;

/**
 * Config of the {@code transform} processor (docs/processors/transform.md): a list of actions run
 * in order on every log record.
 *
 * <pre>
 * actions:
 *   - { action: set, field: attributes["env"], value: prod }
 *   - { action: set, field: attributes["retries"], value: "3", type: int }
 *   - { action: rename, field: attributes["usr"], to: attributes["user.id"] }
 *   - { action: delete, keys_matching: "^(password|secret)", when: 'resource.attributes["env"] == "prod"' }
 *   - { action: hash, field: attributes["user.email"], salt: "${env:HASH_SALT}" }
 *   - { action: redact, preset: credit_card }
 *   - { action: truncate, field: body, max_length: 4096 }
 *   - { action: convert, field: attributes["status"], type: int, on_error: remove }
 * </pre>
 */
public class TransformProcessorConfig implements ComponentConfig {
  /** Run in order. At least one. */
  public List<ActionConfig> actions = List.of();

  /**
   * Checks that there are actions; each {@link ActionConfig} validates itself (the loader walks the
   * list).
   */
  @Override
  public void validate(ConfigProblems problems) {
    if (actions == null || actions.isEmpty()) {
      problems.error(
          "actions",
          "at least one action is required, e.g. [{action: delete, field: attributes[\"password\"]}]");
      return;
    }
    for (int i = 0; i < actions.size(); i++) {
      if (actions.get(i) == null) {
        problems.error(
            "actions[" + i + "]",
            "an action must not be empty; write e.g. {action: delete, field: ...}");
      }
    }
  }
}
