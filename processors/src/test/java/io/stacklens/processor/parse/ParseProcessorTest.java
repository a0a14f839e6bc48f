package io.stacklens.processor.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.Processor;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.testing.TestBatches;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Processors built by the factory from YAML, run on log batches. */
class ParseProcessorTest {
  private final MetricsRegistry metrics = new MetricsRegistry();

  private static LogsBatch batch(LogRecord... records) {
    ResourceLogs rl = new ResourceLogs();
    rl.resource().attributes().put("service.name", "checkout");
    ScopeLogs sl = new ScopeLogs();
    rl.scopeLogs().add(sl);
    sl.logRecords().addAll(List.of(records));
    LogsBatch b = new LogsBatch();
    b.resourceLogs().add(rl);
    return b;
  }

  private static LogRecord body(Object body) {
    return new LogRecord().setBody(body);
  }

  private static List<LogRecord> records(LogsBatch b) {
    List<LogRecord> out = new ArrayList<>();
    b.forEachRecord(out::add);
    return out;
  }

  private LogRecord runOne(String yaml, LogRecord record) {
    Processor p = ParseYaml.processor(yaml, metrics);
    LogsBatch out = (LogsBatch) p.process(batch(record));
    List<LogRecord> recs = records(out);
    assertThat(recs).hasSize(1);
    return recs.get(0);
  }

  private long errors(String reason) {
    return metrics.counterValue(
        ParseProcessor.ERRORS_METRIC, "processor", "parse", "pipeline", "logs", "reason", reason);
  }

  private long dropped(String reason) {
    return metrics.counterValue(
        ComponentContext.PROCESSOR_DROPPED,
        "processor",
        "parse",
        "pipeline",
        "logs",
        "reason",
        reason);
  }

  private static long nanos(String instant) {
    Instant i = Instant.parse(instant);
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  // ---------------------------------------------------------------- parse

  @Test
  void defaultsParseAJsonBodyFlattenedIntoAttributes() {
    LogRecord r =
        runOne(
            "",
            body("{\"level\":\"info\",\"http\":{\"status\":200},\"tags\":[\"a\"]}")
                .setSeverityNumber(0));

    assertThat(r.attributes().toString()).isEqualTo("{level=info, http.status=200, tags=[a]}");
    assertThat(r.body())
        .as("the source stays unless remove_source")
        .isEqualTo("{\"level\":\"info\",\"http\":{\"status\":200},\"tags\":[\"a\"]}");
    assertThat(errors("parse_failed")).isZero();
  }

  @Test
  void parsedKeysReplaceExistingAttributesOfTheSameName() {
    LogRecord r =
        runOne("", new LogRecord(Attributes.of("a", "old", "keep", 1L)).setBody("{\"a\":\"new\"}"));

    assertThat(r.attributes().toString()).isEqualTo("{a=new, keep=1}");
  }

  @Test
  void targetBodyKeepsAMapBody() {
    LogRecord r = runOne("target: body", body("{\"msg\":\"hi\",\"http\":{\"status\":200}}"));

    assertThat(r.body())
        .isEqualTo(Attributes.of("msg", "hi", "http", Attributes.of("status", 200L)));
    assertThat(r.attributes().isEmpty()).isTrue();
  }

  @Test
  void targetAnAttributeKeyWithFlattenAndSeparatorAndMaxDepth() {
    LogRecord r =
        runOne(
            """
        target: attributes["json"]
        json: { flatten: true, separator: "_", max_depth: 2 }
        """,
            body("{\"a\":{\"b\":{\"c\":1}},\"d\":2}"));

    assertThat(r.attributes().get("json")).isEqualTo(Attributes.of("a_b", "{\"c\":1}", "d", 2L));
  }

  @Test
  void flattenFalseKeepsNestedMapsInAttributes() {
    LogRecord r = runOne("json: { flatten: false }", body("{\"http\":{\"status\":200}}"));

    assertThat(r.attributes().get("http")).isEqualTo(Attributes.of("status", 200L));
  }

  @Test
  void anAttributeSourceWithRemoveSource() {
    LogRecord r =
        runOne(
            """
        source: attributes["payload"]
        remove_source: true
        """,
            new LogRecord(Attributes.of("payload", "{\"user\":\"ada\"}")).setBody("kept"));

    assertThat(r.attributes().toString()).isEqualTo("{user=ada}");
    assertThat(r.body()).isEqualTo("kept");
  }

  @Test
  void aMapBodyIsTakenAsAlreadyParsed() {
    LogRecord r = runOne("", body(Attributes.of("user", Attributes.of("id", 7L))));

    assertThat(r.attributes().toString()).isEqualTo("{user.id=7}");
  }

  @Test
  void bytesAreReadAsUtf8() {
    LogRecord r =
        runOne("", body("{\"city\":\"Zürich\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));

    assertThat(r.attributes().get("city")).isEqualTo("Zürich");
  }

  @Test
  void aTargetInsideTheSourceReplacesIt() {
    LogRecord r = runOne("target: body[\"parsed\"]", body("{\"a\":1}"));

    assertThat(r.body()).isEqualTo(Attributes.of("parsed", Attributes.of("a", 1L)));
  }

  @Test
  void regexNamedGroupsToAttributes() {
    LogRecord r =
        runOne(
            """
        format: regex
        regex: { pattern: '^(?<level>[A-Z]+) \\[(?<thread>[^\\]]+)\\] (?<message>.*)$' }
        """,
            body("WARN [main] disk almost full"));

    assertThat(r.attributes().toString())
        .isEqualTo("{level=WARN, thread=main, message=disk almost full}");
  }

  @Test
  void keyValueWithCustomDelimitersIntoAMapBody() {
    LogRecord r =
        runOne(
            """
        format: key_value
        key_value: { pair_delimiter: ",", value_delimiter: ":" }
        target: body
        """,
            body("user: ada, action: \"log in, twice\""));

    assertThat(r.body()).isEqualTo(Attributes.of("user", "ada", "action", "log in, twice"));
  }

  @Test
  void logfmtDefaults() {
    LogRecord r = runOne("format: key_value", body("level=warn msg=\"slow query\" ms=1200"));

    assertThat(r.attributes().toString()).isEqualTo("{level=warn, msg=slow query, ms=1200}");
  }

  // ---------------------------------------------------------------- errors

  @Test
  void malformedJsonIsTaggedWithAnActionableMessageAndCounted() {
    LogRecord r = runOne("", body("{\"level\":\"info\",}"));

    assertThat(r.attributes().get("parse.error"))
        .isEqualTo(
            "json: unexpected character '}': expected double-quote to start field name at offset 16 of body");
    assertThat(r.attributes().size()).as("nothing else was written").isEqualTo(1);
    assertThat(errors("parse_failed")).isEqualTo(1);
    assertThat(dropped("parse_failed")).isZero();
  }

  @Test
  void anInvalidRecordIsNotFollowedByLaterSteps() {
    LogRecord r =
        runOne(
            """
        rename: [ { from: level, to: severity_text } ]
        schema: { required: [ { field: service } ] }
        """,
            new LogRecord(Attributes.of("level", "info")).setBody("not json"));

    assertThat(r.attributes().get("level")).isEqualTo("info");
    assertThat((String) r.attributes().get("parse.error"))
        .startsWith("json: unrecognized token 'not'")
        .doesNotContain("schema");
  }

  @Test
  void aBodyOfAnotherKindIsAnError() {
    LogRecord r = runOne("", body(42L));

    assertThat(r.attributes().get("parse.error"))
        .isEqualTo("json: body is an int, expected text to parse (or a map)");
  }

  @Test
  void whatCannotBeStoredIsAnError() {
    LogRecord r =
        runOne(
            """
        source: attributes["p"]
        target: body["x"]
        """,
            new LogRecord(Attributes.of("p", "{\"a\":1}")).setBody("a string body"));

    assertThat(r.attributes().get("parse.error"))
        .isEqualTo(
            "json: cannot store what was parsed from attributes[\"p\"]: "
                + "cannot set body[\"x\"]: the body is a string, not a map");
    assertThat(r.body()).isEqualTo("a string body");
  }

  @Test
  void arraysCannotBeMergedIntoAttributesButCanBecomeTheBody() {
    assertThat(runOne("", body("[1,2]")).attributes().get("parse.error"))
        .isEqualTo("json: expected a JSON object, got an array at offset 0 of body");
    assertThat(runOne("target: body", body("[1,2]")).body()).isEqualTo(List.of(1L, 2L));
  }

  @Test
  void dropRemovesFailedRecordsCountsThemAndEmptyScopes() {
    Processor p = ParseYaml.processor("on_error: drop", metrics);
    LogsBatch b = batch(body("{\"ok\":1}"), body("broken"), body("{\"ok\":2}"));
    b.resourceLogs().add(TestBatches.logs("plain", 3).resourceLogs().get(0));

    LogsBatch out = (LogsBatch) p.process(b);

    assertThat(records(out)).extracting(r -> r.attributes().get("ok")).containsExactly(1L, 2L);
    assertThat(out.resourceLogs()).as("the resource left without records is removed").hasSize(1);
    assertThat(dropped("parse_failed")).isEqualTo(4);
    assertThat(errors("parse_failed")).isEqualTo(4);
  }

  @Test
  void dropOfEveryRecordLeavesAnEmptyBatch() {
    Processor p = ParseYaml.processor("on_error: drop", metrics);

    LogsBatch out = (LogsBatch) p.process(TestBatches.logs("x", 5));

    assertThat(out.recordCount()).isZero();
    assertThat(out.resourceLogs()).isEmpty();
    assertThat(dropped("parse_failed")).isEqualTo(5);
  }

  @Test
  void keepLeavesTheRecordUntouchedEvenAfterPartialChangesButCountsIt() {
    LogRecord in =
        new LogRecord(Attributes.of("level", "info", "ts", "yesterday"))
            .setBody("{\"a\":1}")
            .setSeverityNumber(0);
    LogRecord before = in.copy();

    LogRecord r =
        runOne(
            """
        on_error: keep
        severity: { field: level }
        timestamp: { field: ts }
        """,
            in);

    assertThat(r.sameAs(before)).as("untouched: %s", r).isTrue();
    assertThat(errors("parse_failed")).isEqualTo(1);
    assertThat(dropped("parse_failed")).isZero();
  }

  @Test
  void tagKeepsWhatTheOtherStepsDidAndListsEveryFailure() {
    LogRecord r =
        runOne(
            """
        timestamp: { field: ts }
        severity: { field: level }
        schema: { required: [ { field: service }, { field: user, type: string } ] }
        """,
            body("{\"ts\":\"yesterday\",\"level\":\"warn\",\"user\":7}"));

    assertThat(r.severityNumber()).isEqualTo(13);
    assertThat(r.attributes().get("parse.error"))
        .isEqualTo(
            "timestamp: ts \"yesterday\" is not iso8601 (expected a digit at offset 0, got 'y'; expected e.g. 2024-05-01T10:00:00.123Z); "
                + "schema: required field \"service\" is missing; field \"user\" must be a string, got an int 7");
    assertThat(errors("parse_failed")).as("a step failed: the reason is parse_failed").isEqualTo(1);
    assertThat(errors("schema_invalid")).isZero();
  }

  @Test
  void missingSourceIsSkippedByDefaultWithNoStepRun() {
    LogRecord r =
        runOne(
            """
        severity: { field: level }
        schema: { required: [ { field: service } ] }
        """,
            new LogRecord(Attributes.of("level", "warn")));

    assertThat(r.attributes().toString()).isEqualTo("{level=warn}");
    assertThat(r.severityNumber()).isZero();
    assertThat(errors("parse_failed") + errors("schema_invalid")).isZero();
  }

  @Test
  void missingSourceIsAnErrorWhenAsked() {
    LogRecord r = runOne("if_missing: error", new LogRecord());

    assertThat(r.attributes().get("parse.error"))
        .isEqualTo("json: body is missing (if_missing: error)");
    assertThat(errors("parse_failed")).isEqualTo(1);
  }

  // ---------------------------------------------------------------- rename

  @Test
  void renameMovesFieldsIncludingIntoTheBody() {
    LogRecord r =
        runOne(
            """
        rename:
          - { from: msg, to: body }
          - { from: 'attributes["svc"]', to: 'resource.attributes["service.name"]' }
          - { from: absent, to: somewhere }
          - { from: 'attributes["user"]["id"]', to: user_id }
        """,
            body("{\"msg\":\"hello\",\"svc\":\"cart\",\"user\":{\"id\":5}}"));

    assertThat(r.body()).isEqualTo("hello");
    assertThat(r.attributes().toString()).isEqualTo("{user.id=5}");
  }

  @Test
  void renameWithNestedMapsAndAFailedMoveRestoresTheValue() {
    LogRecord r =
        runOne(
            """
        json: { flatten: false }
        rename:
          - { from: 'attributes["user"]["id"]', to: user_id }
          - { from: level, to: severity_number }
        """,
            body("{\"user\":{\"id\":5},\"level\":\"loud\"}"));

    assertThat(r.attributes().get("user_id")).isEqualTo(5L);
    assertThat(r.attributes().get("level")).isEqualTo("loud");
    assertThat(r.attributes().get("parse.error"))
        .isEqualTo(
            "rename: cannot move level to severity_number: severity_number needs an integer, got string loud");
  }

  // ---------------------------------------------------------------- timestamp

  @Test
  void timestampFromAFieldWithRemove() {
    LogRecord r =
        runOne(
            "timestamp: { field: ts, remove: true }",
            body("{\"ts\":\"2024-05-01T12:00:00.5+02:00\",\"a\":1}"));

    assertThat(r.timeUnixNano()).isEqualTo(nanos("2024-05-01T10:00:00.500Z"));
    assertThat(r.attributes().toString()).isEqualTo("{a=1}");
  }

  @Test
  void timestampLayoutsAndZones() {
    assertThat(
            runOne("timestamp: { field: t, layout: epoch_ms }", body("{\"t\":1714557600250}"))
                .timeUnixNano())
        .isEqualTo(nanos("2024-05-01T10:00:00.250Z"));
    assertThat(
            runOne("timestamp: { field: t, layout: epoch_s }", body("{\"t\":\"1714557600.5\"}"))
                .timeUnixNano())
        .isEqualTo(nanos("2024-05-01T10:00:00.500Z"));
    assertThat(
            runOne(
                    "timestamp: { field: t, time_zone: Asia/Tokyo }",
                    body("{\"t\":\"2024-05-01 19:00:00\"}"))
                .timeUnixNano())
        .isEqualTo(nanos("2024-05-01T10:00:00Z"));
    assertThat(
            runOne(
                    "timestamp: { field: t, layout: 'dd/MMM/yyyy:HH:mm:ss Z' }",
                    body("{\"t\":\"01/May/2024:10:00:00 +0000\"}"))
                .timeUnixNano())
        .isEqualTo(nanos("2024-05-01T10:00:00Z"));
  }

  @Test
  void anAbsentTimestampFieldLeavesTheTimeAlone() {
    LogRecord r = runOne("timestamp: { field: ts }", body("{\"a\":1}").setTimeUnixNano(5));

    assertThat(r.timeUnixNano()).isEqualTo(5);
    assertThat(r.attributes().contains("parse.error")).isFalse();
  }

  // ---------------------------------------------------------------- severity

  @Test
  void severityTextMapsCaseInsensitively() {
    String yaml = "format: none\nseverity: { field: level }";
    String[][] cases = {
      {"warn", "13"},
      {"WARNING", "13"},
      {"Err", "17"},
      {"fatal", "21"},
      {" info ", "9"},
      {"debug", "5"},
      {"trace", "1"},
      {"ERROR3", "19"},
      {"critical", "21"},
      {"7", "7"}
    };
    for (String[] c : cases) {
      LogRecord r = runOne(yaml, new LogRecord(Attributes.of("level", c[0])));
      assertThat(r.severityNumber()).as(c[0]).isEqualTo(Integer.parseInt(c[1]));
      assertThat(r.severityText()).as("text as written, trimmed").isEqualTo(c[0].trim());
    }
  }

  @Test
  void severityNumbersAreTakenAsTheyAre() {
    LogRecord r =
        runOne(
            "format: none\nseverity: { field: level }", new LogRecord(Attributes.of("level", 17L)));

    assertThat(r.severityNumber()).isEqualTo(17);
    assertThat(r.severityText()).as("no text to keep: the OTLP name").isEqualTo("ERROR");
    assertThat(
            runOne(
                    "format: none\nseverity: { field: level }",
                    new LogRecord(Attributes.of("level", 9.0)))
                .severityNumber())
        .isEqualTo(9);
  }

  @Test
  void customMappingTakesPrecedenceAndTextModes() {
    String mapping = "mapping: { warn: ERROR, Verbose: DEBUG2, hot: 22 }";
    LogRecord r =
        runOne(
            "format: none\nseverity: { field: level, " + mapping + " }",
            new LogRecord(Attributes.of("level", "WARN")));
    assertThat(r.severityNumber()).isEqualTo(17);
    assertThat(r.severityText()).isEqualTo("WARN");

    r =
        runOne(
            "format: none\nseverity: { field: level, text: name, " + mapping + " }",
            new LogRecord(Attributes.of("level", "verbose")));
    assertThat(r.severityNumber()).isEqualTo(6);
    assertThat(r.severityText()).isEqualTo("DEBUG2");

    r =
        runOne(
            "format: none\nseverity: { field: level, text: keep, remove: true, " + mapping + " }",
            new LogRecord(Attributes.of("level", "HOT")).setSeverityText("orig"));
    assertThat(r.severityNumber()).isEqualTo(22);
    assertThat(r.severityText()).isEqualTo("orig");
    assertThat(r.attributes().contains("level")).isFalse();
  }

  @Test
  void severityFromSeverityTextItself() {
    LogRecord r =
        runOne(
            "format: none\nseverity: { field: severity_text }",
            new LogRecord().setSeverityText("Warning"));

    assertThat(r.severityNumber()).isEqualTo(13);
    assertThat(r.severityText()).isEqualTo("Warning");
  }

  @Test
  void unknownSeverityIsAnError() {
    LogRecord r =
        runOne(
            "format: none\nseverity: { field: level }",
            new LogRecord(Attributes.of("level", "loud")));
    assertThat(r.attributes().get("parse.error"))
        .isEqualTo(
            "severity: level \"loud\" is not a known severity (expected e.g. "
                + "debug, info, warn, error, fatal or a number 1..24; map other words with severity.mapping)");

    r =
        runOne(
            "format: none\nseverity: { field: level }", new LogRecord(Attributes.of("level", 30L)));
    assertThat(r.attributes().get("parse.error"))
        .isEqualTo("severity: level is an int 30, expected a level name or a number 1..24");
    assertThat(r.severityNumber()).isZero();
  }

  // ---------------------------------------------------------------- normalize

  @Test
  void normalizeTrimsAndChangesCaseOfStringsOnly() {
    LogRecord r =
        runOne(
            """
        normalize:
          - { field: env, trim: true, case: lower }
          - { field: region, case: upper }
          - { field: code, trim: true }
          - { field: absent, trim: true }
        """,
            body("{\"env\":\"  Prod \",\"region\":\"eu-west\",\"code\":42}"));

    assertThat(r.attributes().toString()).isEqualTo("{env=prod, region=EU-WEST, code=42}");
  }

  // ---------------------------------------------------------------- schema

  @Test
  void schemaListsEveryViolationAndCountsSchemaInvalid() {
    LogRecord r =
        runOne(
            """
        timestamp: { field: ts }
        schema:
          required:
            - { field: service, type: string }
            - { field: level, type: string }
            - { field: message, type: string }
            - { field: timestamp, type: timestamp }
            - { field: count, type: int }
        """,
            body(
                "{\"level\":\"info\",\"message\":\"\",\"timestamp\":\"not a time\",\"count\":\"12x\"}"));

    assertThat(r.attributes().get("parse.error"))
        .isEqualTo(
            "schema: required field \"service\" is missing; "
                + "required field \"message\" is empty; "
                + "field \"timestamp\" must be a timestamp in layout iso8601, got a string \"not a time\"; "
                + "field \"count\" must be an int, got a string \"12x\"");
    assertThat(errors("schema_invalid")).isEqualTo(1);
    assertThat(errors("parse_failed")).isZero();
  }

  @Test
  void schemaTypesAcceptValuesThatReadAsTheType() {
    String yaml =
        """
        schema:
          required:
            - { field: s, type: string }
            - { field: i, type: int }
            - { field: i2, type: int }
            - { field: d, type: double }
            - { field: d2, type: double }
            - { field: d3, type: double }
            - { field: b, type: bool }
            - { field: b2, type: bool }
            - { field: m, type: map }
            - { field: a, type: array }
            - { field: x, type: any }
            - { field: time, type: timestamp }
        timestamp: { field: ts }
        json: { flatten: false }
        """;
    LogRecord ok =
        runOne(
            yaml,
            body(
                "{\"s\":\"x\",\"i\":1,\"i2\":\"-12\",\"d\":1.5,\"d2\":3,\"d3\":\"2.5e3\",\"b\":true,"
                    + "\"b2\":\"FALSE\",\"m\":{\"k\":1},\"a\":[1],\"x\":[],\"ts\":\"2024-05-01T10:00:00Z\"}"));
    assertThat(ok.attributes().get("parse.error")).isNull();

    LogRecord bad =
        runOne(
            yaml,
            body(
                "{\"s\":1,\"i\":1.5,\"i2\":\"1.0\",\"d\":\"NaN\",\"d2\":true,\"d3\":\"1d\",\"b\":\"yes\","
                    + "\"b2\":0,\"m\":[1],\"a\":{},\"x\":\"\"}"));
    assertThat((String) bad.attributes().get("parse.error"))
        .isEqualTo(
            "schema: field \"s\" must be a string, got an int 1; "
                + "field \"i\" must be an int, got a double 1.5; field \"i2\" must be an int, got a string \"1.0\"; "
                + "field \"d\" must be a number, got a string \"NaN\"; field \"d2\" must be a number, got a bool true; "
                + "field \"d3\" must be a number, got a string \"1d\"; field \"b\" must be a bool, got a string \"yes\"; "
                + "field \"b2\" must be a bool, got an int 0; field \"m\" must be a map, got an array [1]; "
                + "field \"a\" must be an array, got a map {}; required field \"x\" is empty; required field \"time\" is missing");
  }

  @Test
  void schemaDropCountsSchemaInvalid() {
    Processor p =
        ParseYaml.processor(
            "on_error: drop\nschema: { required: [ { field: service } ] }", metrics);

    LogsBatch out =
        (LogsBatch) p.process(batch(body("{\"service\":\"a\"}"), body("{\"other\":1}")));

    assertThat(out.recordCount()).isEqualTo(1);
    assertThat(dropped("schema_invalid")).isEqualTo(1);
    assertThat(dropped("parse_failed")).isZero();
    assertThat(errors("schema_invalid")).isEqualTo(1);
  }

  // ---------------------------------------------------------------- order, condition

  @Test
  void stepsRunInTheDocumentedOrder() {
    // rename feeds timestamp and severity; severity sets severity_text which normalize then
    // lowercases;
    // the schema sees the result of all of them.
    LogRecord r =
        runOne(
            """
        rename:
          - { from: t, to: 'attributes["when"]' }
          - { from: lvl, to: 'attributes["level"]' }
        timestamp: { field: 'attributes["when"]', layout: epoch_s, remove: true }
        severity: { field: level, text: name }
        normalize: [ { field: severity_text, case: lower } ]
        schema: { required: [ { field: severity_text, type: string }, { field: time, type: timestamp } ] }
        """,
            body("{\"t\":1714557600,\"lvl\":\"Warning\"}"));

    assertThat(r.timeUnixNano()).isEqualTo(nanos("2024-05-01T10:00:00Z"));
    assertThat(r.severityNumber()).isEqualTo(13);
    assertThat(r.severityText()).isEqualTo("warn");
    assertThat(r.attributes().toString()).isEqualTo("{level=Warning}");
  }

  @Test
  void whenSelectsTheRecordsToProcess() {
    Processor p = ParseYaml.processor("when: 'body starts_with \"{\"'\nif_missing: error", metrics);

    LogsBatch out =
        (LogsBatch) p.process(batch(body("{\"a\":1}"), body("plain text"), new LogRecord()));

    List<LogRecord> recs = records(out);
    assertThat(recs.get(0).attributes().toString()).isEqualTo("{a=1}");
    assertThat(recs.get(1).attributes().isEmpty()).isTrue();
    assertThat(recs.get(2).attributes().isEmpty())
        .as("not matching: not even if_missing applies")
        .isTrue();
    assertThat(errors("parse_failed")).isZero();
  }

  @Test
  void formatNoneRunsOnlyTheOtherSteps() {
    LogRecord r =
        runOne("format: none\nnormalize: [ { field: body, trim: true } ]", body("  {\"a\":1}  "));

    assertThat(r.body()).isEqualTo("{\"a\":1}");
    assertThat(r.attributes().isEmpty()).isTrue();
  }

  @Test
  void aBatchOfManyRecordsIsProcessedInPlace() {
    Processor p =
        ParseYaml.processor(
            "format: regex\nregex: { pattern: '^(?<prefix>[a-z]+)-(?<n>\\d+)$' }", metrics);
    LogsBatch in = TestBatches.logs("req", 50);

    LogsBatch out = (LogsBatch) p.process(in);

    assertThat(out).isSameAs(in);
    List<LogRecord> recs = records(out);
    assertThat(recs).hasSize(50);
    assertThat(recs.get(49).attributes().toString()).isEqualTo("{i=49, prefix=req, n=49}");
  }
}
