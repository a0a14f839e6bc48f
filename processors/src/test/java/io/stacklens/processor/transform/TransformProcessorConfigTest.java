package io.stacklens.processor.transform;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.config.LoadResult;
import io.stacklens.processor.filter.ProcessorConfigs;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransformProcessorConfigTest {
  private final TransformProcessorFactory factory = new TransformProcessorFactory();

  private List<String> problems(String settings) {
    return ProcessorConfigs.problems(ProcessorConfigs.load(factory, "transform", settings));
  }

  private List<String> actionProblems(String action) {
    return problems("actions:\n  - " + action + "\n");
  }

  @Test
  void bindsEveryOption() {
    TransformProcessorConfig c =
        ProcessorConfigs.config(
            factory,
            "transform",
            """
        actions:
          - { action: set, field: 'attributes["n"]', value: 42, type: int, when: 'body exists' }
          - { action: rename, field: a, to: b }
          - { action: copy, field: a, to: 'resource.attributes["a"]' }
          - { action: delete, field: resource.attributes, keys_matching: "^tmp\\\\." }
          - { action: hash, field: user.email, salt: pepper }
          - { action: redact, preset: email, replacement: "[email]" }
          - { action: redact, field: body, pattern: 'secret=\\w+' }
          - { action: truncate, field: body, max_length: 10 }
          - { action: convert, field: status, type: double, on_error: remove }
        """);
    assertThat(c.actions).hasSize(9);
    ActionConfig set = c.actions.get(0);
    assertThat(set.action).isEqualTo(ActionConfig.Action.SET);
    assertThat(set.value).isEqualTo("42");
    assertThat(set.type).isEqualTo(ActionConfig.ValueType.INT);
    assertThat(set.when).isEqualTo("body exists");
    assertThat(c.actions.get(3).keysMatching).isEqualTo("^tmp\\.");
    assertThat(c.actions.get(4).salt).isEqualTo("pepper");
    assertThat(c.actions.get(5).preset).isEqualTo(ActionConfig.Preset.EMAIL);
    assertThat(c.actions.get(5).replacement).isEqualTo("[email]");
    assertThat(c.actions.get(7).maxLength).isEqualTo(10);
    assertThat(c.actions.get(8).onError).isEqualTo(ActionConfig.OnError.REMOVE);
  }

  @Test
  void actionsAreRequired() {
    assertThat(problems(""))
        .containsExactly(
            "processors.transform.actions: at least one action is required, e.g. [{action: delete, field: attributes[\"password\"]}]");
    assertThat(problems("actions: []\n")).hasSize(1);
    assertThat(problems("actions:\n  - \n"))
        .containsExactly(
            "processors.transform.actions[0].action: is required: one of set, rename, copy, delete, hash, redact, truncate, convert");
  }

  @Test
  void actionMustBeKnown() {
    assertThat(actionProblems("{ field: a }"))
        .containsExactly(
            "processors.transform.actions[0].action: is required: one of set, rename, copy, delete, hash, redact, truncate, convert");
    assertThat(actionProblems("{ action: upsert, field: a }"))
        .singleElement()
        .asString()
        .startsWith("processors.transform.actions[0].action: unknown value 'upsert'");
    assertThat(actionProblems("{ action: delete, fields: a }"))
        .contains(
            "processors.transform.actions[0].fields: unknown key 'fields'; did you mean 'field'?");
  }

  @Test
  void optionsThatDoNotApplyAreErrors() {
    assertThat(
            actionProblems(
                "{ action: delete, field: a, pattern: x, value: v, max_length: 3, on_error: tag }"))
        .containsExactlyInAnyOrder(
            "processors.transform.actions[0].value: does not apply to delete (used by set)",
            "processors.transform.actions[0].pattern: does not apply to delete (used by redact)",
            "processors.transform.actions[0].max_length: does not apply to delete (used by truncate)",
            "processors.transform.actions[0].on_error: does not apply to delete (used by convert)");
    assertThat(
            actionProblems(
                "{ action: truncate, field: a, max_length: 3, type: int, salt: s, to: b }"))
        .containsExactlyInAnyOrder(
            "processors.transform.actions[0].to: does not apply to truncate (used by rename, copy)",
            "processors.transform.actions[0].type: does not apply to truncate (used by set, convert)",
            "processors.transform.actions[0].salt: does not apply to truncate (used by hash)");
    assertThat(
            actionProblems(
                "{ action: hash, field: a, keys_matching: x, from: b, replacement: r, preset: email }"))
        .hasSize(4);
  }

  @Test
  void fieldsAreRequiredAndParsed() {
    for (String action :
        List.of("set", "rename", "copy", "delete", "hash", "truncate", "convert")) {
      String extra =
          switch (action) {
            case "set" -> ", value: x";
            case "rename", "copy" -> ", to: b";
            case "truncate" -> ", max_length: 1";
            case "convert" -> ", type: int";
            default -> "";
          };
      assertThat(actionProblems("{ action: " + action + extra + " }"))
          .as(action)
          .anyMatch(p -> p.startsWith("processors.transform.actions[0].field: "));
      assertThat(actionProblems("{ action: " + action + extra + ", field: 'attributes[\"x' }"))
          .as(action)
          .anyMatch(
              p -> p.startsWith("processors.transform.actions[0].field: unterminated string"));
    }
    assertThat(actionProblems("{ action: redact, preset: email, field: 'scope.nope' }"))
        .singleElement()
        .asString()
        .startsWith("processors.transform.actions[0].field: unknown scope field 'nope'");
  }

  @Test
  void wholeMapsCannotBeSetRenamedHashedTruncatedOrConverted() {
    assertThat(actionProblems("{ action: hash, field: resource.attributes }"))
        .containsExactly(
            "processors.transform.actions[0].field: hash needs one field, not the whole map resource.attributes; "
                + "name a key, e.g. resource.attributes[\"key\"]");
    assertThat(actionProblems("{ action: rename, field: attributes, to: b }")).hasSize(1);
    assertThat(actionProblems("{ action: delete, field: attributes }"))
        .as("delete clears it")
        .isEmpty();
    assertThat(
            actionProblems(
                "{ action: copy, field: resource.attributes, to: 'attributes[\"resource\"]' }"))
        .isEmpty();
  }

  @Test
  void whenMustCompile() {
    assertThat(actionProblems("{ action: delete, field: a, when: 'severity_number > \"x\"' }"))
        .singleElement()
        .asString()
        .startsWith("processors.transform.actions[0].when: ")
        .contains("column");
  }

  @Test
  void setNeedsExactlyOneOfValueAndFrom() {
    assertThat(actionProblems("{ action: set, field: a }"))
        .containsExactly(
            "processors.transform.actions[0].value: set needs exactly one of value (a literal) or from (another field)");
    assertThat(actionProblems("{ action: set, field: a, value: x, from: b }"))
        .containsExactly(
            "processors.transform.actions[0].from: set needs exactly one of value (a literal) or from (another field)");
    assertThat(actionProblems("{ action: set, field: a, from: 'resource.x' }"))
        .singleElement()
        .asString()
        .startsWith("processors.transform.actions[0].from: expected resource.attributes");
  }

  @Test
  void typedValuesAreCheckedWhenLoaded() {
    assertThat(actionProblems("{ action: set, field: a, value: abc, type: int }"))
        .containsExactly(
            "processors.transform.actions[0].value: 'abc' is not an integer (type: int)");
    assertThat(actionProblems("{ action: set, field: a, value: maybe, type: bool }"))
        .containsExactly(
            "processors.transform.actions[0].value: 'maybe' is not a boolean (true/false, yes/no, on/off, 1/0) (type: bool)");
    assertThat(actionProblems("{ action: set, field: a, value: 1e3, type: double }")).isEmpty();
    assertThat(actionProblems("{ action: set, field: a, value: x, type: float }"))
        .singleElement()
        .asString()
        .startsWith("processors.transform.actions[0].type: unknown value 'float'");
  }

  @Test
  void renameAndCopyNeedATarget() {
    assertThat(actionProblems("{ action: rename, field: a }"))
        .singleElement()
        .asString()
        .startsWith("processors.transform.actions[0].to: a field is required");
    assertThat(actionProblems("{ action: copy, field: a, to: 'attributes[\"a\"]' }")).isEmpty();
    assertThat(actionProblems("{ action: copy, field: a, to: a }"))
        .containsExactly(
            "processors.transform.actions[0].to: is the same field as field: copy would do nothing");
  }

  @Test
  void deleteProblems() {
    assertThat(actionProblems("{ action: delete }"))
        .containsExactly(
            "processors.transform.actions[0].field: delete needs field (one field) or keys_matching (a regex over the keys of a map)");
    assertThat(actionProblems("{ action: delete, keys_matching: '(' }"))
        .singleElement()
        .asString()
        .startsWith("processors.transform.actions[0].keys_matching: invalid regex: Unclosed group");
    assertThat(actionProblems("{ action: delete, keys_matching: 'x', field: severity_text }"))
        .singleElement()
        .asString()
        .startsWith(
            "processors.transform.actions[0].field: with keys_matching, field names the map to delete from");
    assertThat(actionProblems("{ action: delete, keys_matching: '.*' }")).as("every key").isEmpty();
  }

  @Test
  void redactProblems() {
    assertThat(actionProblems("{ action: redact }"))
        .containsExactly(
            "processors.transform.actions[0].pattern: redact needs exactly one of pattern (a regex) or preset "
                + "(credit_card, email, ipv4, us_ssn, jwt)");
    assertThat(actionProblems("{ action: redact, pattern: x, preset: email }"))
        .hasSize(1)
        .allMatch(p -> p.startsWith("processors.transform.actions[0].preset: "));
    assertThat(actionProblems("{ action: redact, pattern: '[a-' }"))
        .singleElement()
        .asString()
        .startsWith("processors.transform.actions[0].pattern: invalid regex: ");
    assertThat(actionProblems("{ action: redact, pattern: '\\d*' }"))
        .singleElement()
        .asString()
        .startsWith("processors.transform.actions[0].pattern: matches the empty string");
    assertThat(actionProblems("{ action: redact, preset: phone }"))
        .contains(
            "processors.transform.actions[0].preset: unknown value 'phone' (allowed values: credit_card, email, ipv4, us_ssn, jwt)");
  }

  @Test
  void truncateAndConvertProblems() {
    assertThat(actionProblems("{ action: truncate, field: body }"))
        .containsExactly(
            "processors.transform.actions[0].max_length: is required for truncate: the most characters to keep, e.g. 1024");
    assertThat(actionProblems("{ action: truncate, field: body, max_length: -1 }"))
        .containsExactly("processors.transform.actions[0].max_length: must be 0 or more, got -1");
    assertThat(actionProblems("{ action: convert, field: a }"))
        .containsExactly(
            "processors.transform.actions[0].type: is required for convert: string, int, double or bool");
    assertThat(actionProblems("{ action: convert, field: a, type: int, on_error: ignore }"))
        .singleElement()
        .asString()
        .startsWith("processors.transform.actions[0].on_error: unknown value 'ignore'");
  }

  @Test
  void problemsOfSeveralActionsCarryTheirIndex() {
    LoadResult r =
        ProcessorConfigs.load(
            factory,
            "transform",
            """
        actions:
          - { action: delete, field: a }
          - { action: redact, pattern: '(' }
          - { action: set, field: a, value: 1 }
          - { action: truncate, field: a }
        """);
    assertThat(ProcessorConfigs.problems(r))
        .hasSize(2)
        .anyMatch(p -> p.startsWith("processors.transform.actions[1].pattern: "))
        .anyMatch(p -> p.startsWith("processors.transform.actions[3].max_length: "));
    assertThat(r.problems()).extracting(p -> p.line()).containsExactly(9, 11);
  }

  @Test
  void saltIsRedactedInPrintedConfig() throws Exception {
    assertThat(
            ActionConfig.class
                .getField("salt")
                .isAnnotationPresent(io.stacklens.agent.api.Secret.class))
        .isTrue();
  }
}
