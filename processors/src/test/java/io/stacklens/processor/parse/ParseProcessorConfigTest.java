package io.stacklens.processor.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.Stability;
import io.stacklens.agent.config.LoadResult;
import io.stacklens.agent.data.Signal;
import org.junit.jupiter.api.Test;

/**
 * Config errors as the agent reports them: loaded with ConfigLoader and the real component
 * registry.
 */
class ParseProcessorConfigTest {
  @Test
  void theFactoryIsRegisteredForLogsOnly() {
    var factory = ParseYaml.realRegistry().find(ComponentKind.PROCESSOR, "parse").orElseThrow();

    assertThat(factory).isInstanceOf(ParseProcessorFactory.class);
    assertThat(factory.stability()).isEqualTo(Stability.BETA);
    assertThat(factory.signals()).containsExactly(Signal.LOGS);
    assertThat(factory.description()).isNotBlank();
  }

  @Test
  void defaults() {
    ParseProcessorConfig c = new ParseProcessorFactory().createDefaultConfig();

    assertThat(c.source).isEqualTo("body");
    assertThat(c.format).isEqualTo(ParseProcessorConfig.Format.JSON);
    assertThat(c.target).isEqualTo("attributes");
    assertThat(c.onError).isEqualTo(ParseProcessorConfig.OnError.TAG);
    assertThat(c.ifMissing).isEqualTo(ParseProcessorConfig.IfMissing.SKIP);
    assertThat(c.removeSource).isFalse();
    assertThat(c.json.flatten).isNull();
    assertThat(c.json.separator).isEqualTo(".");
    assertThat(c.json.maxDepth).isEqualTo(10);
    assertThat(c.keyValue.pairDelimiter).isEqualTo(" ");
    assertThat(c.keyValue.valueDelimiter).isEqualTo("=");
    assertThat(c.timestamp).isNull();
    assertThat(c.severity).isNull();
    assertThat(c.schema).isNull();
    assertThat(c.rename).isEmpty();
    assertThat(c.normalize).isEmpty();
  }

  @Test
  void aFullConfigLoadsWithoutProblems() {
    String yaml =
        """
        when: 'resource.attributes["service.name"] == "checkout"'
        source: body
        format: json
        target: attributes
        on_error: drop
        if_missing: error
        json: { flatten: true, separator: "_", max_depth: 5 }
        rename: [ { from: msg, to: body } ]
        timestamp: { field: ts, layout: epoch_ms, remove: true }
        severity: { field: level, mapping: { notice: INFO2, verbose: 5 }, text: name, remove: true }
        normalize: [ { field: env, trim: true, case: lower } ]
        schema:
          required:
            - { field: service, type: string }
            - { field: level, type: string }
        """;

    assertThat(ParseYaml.problems(yaml))
        .containsExactly(
            "agent.yaml:17:13: processors.parse.schema.required[1].field: 'level' is removed earlier by severity.remove, "
                + "so this requirement would fail for every record");

    LoadResult r = ParseYaml.loadReal(yaml.replace("text: name, remove: true", "text: name"));
    assertThat(r.problems())
        .extracting(p -> p.path())
        .as("only the missing pipeline and the unused processor: nothing about parse's settings")
        .containsExactlyInAnyOrder("service.pipelines", "processors.parse");
    ParseProcessorConfig c =
        ParseYaml.config(yaml.replace("text: name, remove: true", "text: name"));
    assertThat(c.severity.mapping).containsEntry("verbose", "5");
    assertThat(c.normalize.get(0).letterCase).isEqualTo(ParseProcessorConfig.LetterCase.LOWER);
  }

  @Test
  void badFieldPathsConditionsAndTargetsNameTheirYamlPath() {
    assertThat(
            ParseYaml.problems(
                """
        when: 'severity_number >= "warn"'
        source: 'attributes["x'
        target: severity_text
        rename: [ { from: '', to: 'body[' } ]
        """))
        .containsExactly(
            "agent.yaml:3:5: processors.parse.when: cannot compare severity_number (an integer) with the string \"warn\" "
                + "(a string); use a severity name (TRACE..FATAL4, case-insensitive) or a number 1..24, without quotes at column 20 of "
                + "'severity_number >= \"warn\"'",
            "agent.yaml:4:5: processors.parse.source: unterminated string (missing closing \") at column 12 of 'attributes[\"x'",
            "agent.yaml:5:5: processors.parse.target: must be attributes, attributes[\"key\"], body or body[\"key\"]; got 'severity_text'",
            "agent.yaml:6:17: processors.parse.rename[0].from: a field is required (e.g. body, attributes[\"key\"] or a bare attribute name)",
            "agent.yaml:6:27: processors.parse.rename[0].to: expected a quoted key inside [ ] at column 6 of 'body['");
  }

  @Test
  void sourceMustHoldText() {
    assertThat(ParseYaml.problems("source: time"))
        .containsExactly(
            "agent.yaml:3:5: processors.parse.source: 'time' holds a number, not text to parse; use body, "
                + "attributes[\"key\"] or another text field");
    assertThat(ParseYaml.problems("source: time\nformat: none")).isEmpty();
  }

  @Test
  void unknownEnumValuesAndKeys() {
    assertThat(
            ParseYaml.problems(
                "format: xml\non_error: ignore\nif_missing: fail\njson: { flaten: true }"))
        .containsExactly(
            "agent.yaml:3:13: processors.parse.format: unknown value 'xml' (allowed values: json, regex, key_value, none)",
            "agent.yaml:4:15: processors.parse.on_error: unknown value 'ignore' (allowed values: tag, drop, keep)",
            "agent.yaml:5:17: processors.parse.if_missing: unknown value 'fail' (allowed values: skip, error)",
            "agent.yaml:6:13: processors.parse.json.flaten: unknown key 'flaten'; did you mean 'flatten'?");
  }

  @Test
  void regexMustCompileAndHaveNamedGroups() {
    assertThat(ParseYaml.problems("format: regex"))
        .containsExactly(
            "agent.yaml:2:3: processors.parse.regex.pattern: is required with format: regex, e.g. '^(?<level>\\w+) (?<message>.*)$'");
    assertThat(ParseYaml.problems("format: regex\nregex: { pattern: '^(\\w+) (.*)$' }"))
        .singleElement()
        .asString()
        .startsWith(
            "agent.yaml:4:14: processors.parse.regex.pattern: has no named group; name what to extract with (?<name>...)");
    assertThat(ParseYaml.problems("format: regex\nregex: { pattern: '(?<a>[x' }"))
        .singleElement()
        .asString()
        .startsWith(
            "agent.yaml:4:14: processors.parse.regex.pattern: is not a valid Java regex: Unclosed character class at index 6");
  }

  @Test
  void conflictingOptions() {
    assertThat(ParseYaml.problems("regex: { pattern: '(?<a>x)' }"))
        .containsExactly(
            "agent.yaml:3:14: processors.parse.regex.pattern: is set but format is json; set format: regex or remove the pattern");
    assertThat(ParseYaml.problems("target: body\nremove_source: true"))
        .containsExactly(
            "agent.yaml:4:5: processors.parse.remove_source: would remove what was just parsed: the source 'body' and the target "
                + "'body' are the same field");
    assertThat(ParseYaml.problems("target: 'body[\"p\"]'\nremove_source: true")).hasSize(1);
    assertThat(ParseYaml.problems("source: 'attributes[\"p\"]'\nremove_source: true"))
        .as("target attributes holds the source: fine")
        .isEmpty();
    assertThat(ParseYaml.problems("format: none\nremove_source: true"))
        .containsExactly(
            "agent.yaml:4:5: processors.parse.remove_source: has no effect with format: none (nothing is parsed); remove it");
    assertThat(ParseYaml.problems("rename: [ { from: a, to: 'attributes[\"a\"]' } ]"))
        .containsExactly(
            "agent.yaml:3:26: processors.parse.rename[0].to: is the same field as from ('a'); nothing would move");
  }

  @Test
  void jsonAndKeyValueSettings() {
    assertThat(ParseYaml.problems("json: { separator: '', max_depth: 0 }"))
        .containsExactly(
            "agent.yaml:3:13: processors.parse.json.separator: must not be empty: it joins the keys of flattened objects, e.g. \".\"",
            "agent.yaml:3:28: processors.parse.json.max_depth: must be at least 1, got 0");
    assertThat(ParseYaml.problems("key_value: { pair_delimiter: '', value_delimiter: '\"' }"))
        .containsExactly(
            "agent.yaml:3:18: processors.parse.key_value.pair_delimiter: must not be empty, e.g. \" \" or \",\"",
            "agent.yaml:3:38: processors.parse.key_value.value_delimiter: must not contain quotes (they quote values)");
    assertThat(ParseYaml.problems("key_value: { pair_delimiter: ',', value_delimiter: ',' }"))
        .containsExactly(
            "agent.yaml:3:39: processors.parse.key_value.value_delimiter: must differ from pair_delimiter (','), or pairs "
                + "cannot be told apart");
  }

  @Test
  void timestampSettings() {
    assertThat(ParseYaml.problems("timestamp: { layout: epoch_sec, time_zone: Mars/Olympus }"))
        .containsExactly(
            "agent.yaml:3:5: processors.parse.timestamp.field: a field is required (e.g. body, attributes[\"key\"] or a bare "
                + "attribute name)",
            "agent.yaml:3:18: processors.parse.timestamp.layout: unknown layout 'epoch_sec'; expected iso8601, epoch_s, epoch_ms, "
                + "epoch_us, epoch_ns or a java.time pattern such as yyyy-MM-dd HH:mm:ss.SSS",
            "agent.yaml:3:37: processors.parse.timestamp.time_zone: unknown time zone 'Mars/Olympus'; expected a region such as "
                + "Europe/Paris, an offset such as +02:00, or UTC");
    assertThat(ParseYaml.problems("timestamp: { field: ts, layout: 'yyyy-MM-dd{' }"))
        .singleElement()
        .asString()
        .startsWith(
            "agent.yaml:3:29: processors.parse.timestamp.layout: 'yyyy-MM-dd{' is neither a layout name");
    assertThat(
            ParseYaml.problems(
                "timestamp: { field: ts, layout: epoch_s, time_zone: Europe/Paris }"))
        .containsExactly(
            "agent.yaml:3:46: warning: processors.parse.timestamp.time_zone: has no effect with layout epoch_s (epoch values are always UTC)");
    assertThat(
            ParseYaml.problems(
                "timestamp: { field: ts, layout: 'dd/MMM/yyyy:HH:mm:ss Z', time_zone: '+02:00' }"))
        .isEmpty();
  }

  @Test
  void severitySettings() {
    assertThat(
            ParseYaml.problems(
                "severity: { field: level, text: upper, mapping: { notice: LOUD, Warn: WARN, WARN: 30 } }"))
        .containsExactly(
            "agent.yaml:3:37: processors.parse.severity.text: unknown value 'upper' (allowed values: source, name, keep)",
            "agent.yaml:3:55: processors.parse.severity.mapping.notice: 'LOUD' is not a severity; expected an OTLP name (TRACE, "
                + "DEBUG, INFO, WARN, ERROR, FATAL, with an optional 2..4 suffix such as INFO2) or a number 1..24",
            // one problem per key: the second one at the same path ('30' is no severity either) is
            // not repeated
            "agent.yaml:3:81: processors.parse.severity.mapping.WARN: maps the same text as 'Warn' (keys are compared "
                + "case-insensitively)");
    assertThat(ParseYaml.problems("severity: { mapping: { notice: INFO2 } }"))
        .singleElement()
        .asString()
        .startsWith("agent.yaml:3:5: processors.parse.severity.field: a field is required");
  }

  @Test
  void normalizeRules() {
    assertThat(ParseYaml.problems("normalize: [ { field: env }, { field: 'x[', case: title } ]"))
        .containsExactly(
            "agent.yaml:3:18: processors.parse.normalize[0]: does nothing: set trim: true and/or case: lower | upper",
            // the refused case leaves the rule with nothing to do, which is reported too
            "agent.yaml:3:34: processors.parse.normalize[1]: does nothing: set trim: true and/or case: lower | upper",
            "agent.yaml:3:36: processors.parse.normalize[1].field: expected a quoted key inside [ ] at column 3 of 'x['",
            "agent.yaml:3:55: processors.parse.normalize[1].case: unknown value 'title' (allowed values: none, lower, upper)");
  }

  @Test
  void schemaRules() {
    assertThat(
            ParseYaml.problems(
                """
        rename: [ { from: msg, to: body } ]
        schema:
          required:
            - { field: service, type: text }
            - { field: when, type: timestamp }
            - { field: msg }
            - { field: 'attributes["service"]' }
        """))
        .containsExactly(
            "agent.yaml:6:35: processors.parse.schema.required[0].type: unknown value 'text' (allowed values: string, int, "
                + "double, bool, map, array, timestamp, any)",
            "agent.yaml:7:26: processors.parse.schema.required[1].type: timestamp needs a timestamp section (its layout is how "
                + "the value must parse)",
            "agent.yaml:8:13: processors.parse.schema.required[2].field: 'msg' is removed earlier by rename[0], so this "
                + "requirement would fail for every record",
            "agent.yaml:9:13: processors.parse.schema.required[3].field: 'attributes[\"service\"]' is already required by "
                + "schema.required[0]");
    assertThat(ParseYaml.problems("schema: { required: [] }"))
        .containsExactly(
            "agent.yaml:3:15: processors.parse.schema.required: must list at least one field, e.g. [ { field: service, type: string } ]");
    assertThat(
            ParseYaml.problems(
                "rename: [ { from: a, to: b }, { from: b, to: a } ]\nschema: { required: [ { field: a } ] }"))
        .as("moved back by a later rule")
        .isEmpty();
  }

  @Test
  void theExamplesOfTheReferencePageLoadWithoutProblems() {
    assertThat(
            ParseYaml.problems(
                """
        when: 'resource.attributes["service.name"] != "legacy"'
        source: body
        format: json
        target: attributes
        rename:    [ { from: msg, to: message } ]
        timestamp: { field: timestamp, layout: iso8601 }
        severity:  { field: level }
        normalize: [ { field: service, trim: true, case: lower } ]
        schema:
          required:
            - { field: service,   type: string }
            - { field: level,     type: string }
            - { field: message,   type: string }
            - { field: timestamp, type: timestamp }
        on_error: tag
        """))
        .isEmpty();
    assertThat(
            ParseYaml.problems(
                """
        format: regex
        regex:
          pattern: '^(?<client>\\S+) \\S+ \\S+ \\[(?<when>[^\\]]+)\\] "(?<method>\\S+) (?<path>\\S+) [^"]*" (?<status>\\d{3}) (?<bytes>\\d+|-)'
        timestamp: { field: when, layout: 'dd/MMM/yyyy:HH:mm:ss Z', remove: true }
        schema: { required: [ { field: status, type: int } ] }
        """))
        .isEmpty();
    assertThat(
            ParseYaml.problems(
                """
        format: key_value
        target: body
        severity:
          field: 'body["level"]'
          mapping: { notice: INFO2, verbose: DEBUG }
        """))
        .isEmpty();
    assertThat(
            ParseYaml.problems(
                """
        format: none
        severity: { field: severity_text }
        normalize: [ { field: 'resource.attributes["deployment.environment"]', trim: true, case: lower } ]
        schema: { required: [ { field: 'resource.attributes["service.name"]', type: string } ] }
        on_error: drop
        """))
        .isEmpty();
  }
}
