package io.stacklens.processor.transform;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.processor.filter.ProcessorConfigs;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransformProcessorTest {
  private final MetricsRegistry metrics = new MetricsRegistry();
  private final TransformProcessorFactory factory = new TransformProcessorFactory();

  private TransformProcessor processor(String actions) throws Exception {
    TransformProcessorConfig c =
        ProcessorConfigs.config(factory, "transform", "actions:\n" + actions.stripIndent());
    return (TransformProcessor)
        factory.createProcessor(ProcessorConfigs.context("transform", metrics), c, Signal.LOGS);
  }

  private static LogsBatch batch(LogRecord... records) {
    ResourceLogs rl = new ResourceLogs();
    rl.resource().attributes().put("service.name", "svc");
    ScopeLogs sl = new ScopeLogs();
    rl.scopeLogs().add(sl);
    sl.logRecords().addAll(List.of(records));
    LogsBatch b = new LogsBatch();
    b.resourceLogs().add(rl);
    return b;
  }

  /** Runs the actions on one record and returns it. */
  private LogRecord run(String actions, LogRecord record) throws Exception {
    processor(actions).process(batch(record));
    return record;
  }

  private static LogRecord rec(Object... attributes) {
    return new LogRecord(Attributes.of(attributes));
  }

  private long errors(int action) {
    return metrics.counterValue(
        TransformProcessor.ERRORS_METRIC,
        "processor",
        "transform",
        "pipeline",
        "logs",
        "action",
        "actions[" + action + "]");
  }

  private long redactions(int action) {
    return metrics.counterValue(
        TransformProcessor.REDACTIONS_METRIC,
        "processor",
        "transform",
        "pipeline",
        "logs",
        "action",
        "actions[" + action + "]");
  }

  @Test
  void setLiteralTypedAndFromAnotherField() throws Exception {
    LogRecord r =
        run(
            """
        - { action: set, field: env, value: prod }
        - { action: set, field: retries, value: "3", type: int }
        - { action: set, field: ratio, value: "0.25", type: double }
        - { action: set, field: flag, value: "yes", type: bool }
        - { action: set, field: 'attributes["nested"]["k"]', value: v }
        - { action: set, field: copy_of_user, from: user }
        - { action: set, field: user_code, from: code, type: int }
        - { action: set, field: severity_text, value: WARN }
        - { action: set, field: 'resource.attributes["team"]', from: env }
        - { action: set, field: missing_source, from: nothing }
        """,
            rec("user", "ada", "code", "17"));
    Attributes a = r.attributes();
    assertThat(a.get("env")).isEqualTo("prod");
    assertThat(a.get("retries")).isEqualTo(3L);
    assertThat(a.get("ratio")).isEqualTo(0.25);
    assertThat(a.get("flag")).isEqualTo(true);
    assertThat(a.get("nested")).isEqualTo(Attributes.of("k", "v"));
    assertThat(a.get("copy_of_user")).isEqualTo("ada");
    assertThat(a.get("user_code")).isEqualTo(17L);
    assertThat(r.severityText()).isEqualTo("WARN");
    assertThat(a.contains("missing_source")).as("nothing to copy from").isFalse();
    assertThat(a.contains(TransformProcessor.ERROR_ATTRIBUTE)).isFalse();
  }

  @Test
  void setFromCopiesMapsDeeply() throws Exception {
    Attributes inner = Attributes.of("x", 1L);
    LogRecord r = run("- { action: set, field: b, from: a }\n", rec("a", inner));
    ((Attributes) r.attributes().get("b")).put("x", 2L);
    assertThat(inner.get("x")).isEqualTo(1L);
  }

  @Test
  void setIntoTheResourceChangesTheResource() throws Exception {
    LogRecord r = rec();
    LogsBatch b = batch(r);
    processor("- { action: set, field: 'resource.attributes[\"team\"]', value: core }\n")
        .process(b);
    assertThat(b.resourceLogs().get(0).resource().attributes().get("team")).isEqualTo("core");
  }

  @Test
  void failedSetTagsTheRecordAndCounts() throws Exception {
    LogRecord r =
        run(
            """
        - { action: set, field: severity_number, value: "99", type: int }
        - { action: set, field: after, value: ok }
        """,
            rec());
    assertThat(r.severityNumber()).isZero();
    assertThat(r.attributes().get(TransformProcessor.ERROR_ATTRIBUTE))
        .isEqualTo("actions[0]: severity_number must be 0..24, got 99");
    assertThat(r.attributes().get("after")).as("the next actions still run").isEqualTo("ok");
    assertThat(errors(0)).isEqualTo(1);
    assertThat(errors(1)).isZero();
  }

  @Test
  void renameMovesTheValue() throws Exception {
    LogRecord r =
        run(
            """
        - { action: rename, field: usr, to: user.id }
        - { action: rename, field: absent, to: other }
        - { action: rename, field: body, to: 'attributes["message"]' }
        """,
            rec("usr", "ada").setBody("hello"));
    assertThat(r.attributes().get("user.id")).isEqualTo("ada");
    assertThat(r.attributes().contains("usr")).isFalse();
    assertThat(r.attributes().contains("other")).isFalse();
    assertThat(r.attributes().get("message")).isEqualTo("hello");
    assertThat(r.body()).isNull();
  }

  @Test
  void failedRenameKeepsTheValueWhereItWas() throws Exception {
    LogRecord r =
        run("- { action: rename, field: sev, to: severity_number }\n", rec("sev", "loud"));
    assertThat(r.attributes().get("sev")).isEqualTo("loud");
    assertThat((String) r.attributes().get(TransformProcessor.ERROR_ATTRIBUTE))
        .startsWith("actions[0]: severity_number needs an integer");
    assertThat(errors(0)).isEqualTo(1);
  }

  @Test
  void copyKeepsTheSourceAndCopiesDeeply() throws Exception {
    Attributes inner = Attributes.of("x", 1L);
    LogRecord r =
        run(
            """
        - { action: copy, field: a, to: b }
        - { action: copy, field: s, to: 'resource.attributes["s"]' }
        - { action: copy, field: nothing, to: c }
        """,
            rec("a", inner, "s", "v"));
    assertThat(r.attributes().get("a")).isSameAs(inner);
    assertThat(r.attributes().get("b")).isEqualTo(inner).isNotSameAs(inner);
    assertThat(r.attributes().contains("c")).isFalse();
  }

  @Test
  void deleteExactKeysMatchingAndWholeMaps() throws Exception {
    LogRecord r =
        rec("password", "p", "token", "t", "keep", 1L, "tmp.a", 1L, "tmp.b", 2L, "x.tmp.c", 3L);
    r.setBody(Attributes.of("secret", "s", "msg", "m"));
    LogsBatch b = batch(r);
    b.resourceLogs().get(0).resource().attributes().put("tmp.host", "h");
    processor(
            """
        - { action: delete, field: password }
        - { action: delete, keys_matching: '^tmp\\.' }
        - { action: delete, field: token, when: 'attributes["keep"] == 2' }
        - { action: delete, field: 'body["secret"]' }
        - { action: delete, field: resource.attributes, keys_matching: '^tmp' }
        """)
        .process(b);
    assertThat(r.attributes()).isEqualTo(Attributes.of("token", "t", "keep", 1L, "x.tmp.c", 3L));
    assertThat(r.body()).isEqualTo(Attributes.of("msg", "m"));
    assertThat(b.resourceLogs().get(0).resource().attributes())
        .isEqualTo(Attributes.of("service.name", "svc"));

    LogRecord all = run("- { action: delete, field: attributes }\n", rec("a", 1L, "b", 2L));
    assertThat(all.attributes().isEmpty()).isTrue();
    LogRecord body =
        run(
            "- { action: delete, field: body, keys_matching: a }\n",
            rec().setBody("a string body"));
    assertThat(body.body()).as("not a map: nothing to do").isEqualTo("a string body");
  }

  @Test
  void hashIsSha256HexWithOptionalSalt() throws Exception {
    LogRecord r =
        run(
            """
        - { action: hash, field: email }
        - { action: hash, field: salted, salt: pepper }
        - { action: hash, field: number }
        - { action: hash, field: absent }
        """,
            rec("email", "ada@example.com", "salted", "ada@example.com", "number", 42L));
    assertThat(r.attributes().get("email")).isEqualTo(sha256("ada@example.com"));
    assertThat(r.attributes().get("salted")).isEqualTo(sha256("pepperada@example.com"));
    assertThat(r.attributes().get("number")).isEqualTo(sha256("42"));
    assertThat(r.attributes().contains("absent")).isFalse();
    // Known vector: SHA-256("abc").
    LogRecord abc = run("- { action: hash, field: v }\n", rec("v", "abc"));
    assertThat(abc.attributes().get("v"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void hashOfAMapIsAnError() throws Exception {
    LogRecord r = run("- { action: hash, field: m }\n", rec("m", Attributes.of("a", 1L)));
    assertThat(r.attributes().get(TransformProcessor.ERROR_ATTRIBUTE))
        .isEqualTo("actions[0]: cannot hash attributes[\"m\"]: it holds a map");
    assertThat(errors(0)).isEqualTo(1);
  }

  private static String sha256(String s) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void redactEverywhereByDefault() throws Exception {
    LogRecord r =
        rec(
            "email",
            "ada@example.com",
            "note",
            "mail bob@corp.io or ann@corp.io",
            "nested",
            Attributes.of("deep", Attributes.of("e", "x@y.org")),
            "list",
            Attributes.listOf("c@d.net", 5L),
            "count",
            3L);
    r.setBody("from ada@example.com");
    TransformProcessor p = processor("- { action: redact, preset: email }\n");
    p.process(batch(r));
    assertThat(r.body()).isEqualTo("from ****");
    assertThat(r.attributes().get("email")).isEqualTo("****");
    assertThat(r.attributes().get("note")).isEqualTo("mail **** or ****");
    assertThat(r.attributes().get("nested"))
        .isEqualTo(Attributes.of("deep", Attributes.of("e", "****")));
    assertThat(r.attributes().get("list")).isEqualTo(List.of("****", 5L));
    assertThat(r.attributes().get("count")).isEqualTo(3L);
    assertThat(redactions(0)).isEqualTo(6);
  }

  @Test
  void redactMapBodiesImmutableListsAndOneField() throws Exception {
    LogRecord r = rec("keep", "a@b.cc", "arr", List.of("x@y.zz"));
    r.setBody(Attributes.of("user", "a@b.cc", "n", 1L));
    processor("- { action: redact, preset: email, field: body, replacement: '[email]' }\n")
        .process(batch(r));
    assertThat(r.body()).isEqualTo(Attributes.of("user", "[email]", "n", 1L));
    assertThat(r.attributes().get("keep")).as("only the named field").isEqualTo("a@b.cc");

    processor("- { action: redact, preset: email, field: arr }\n").process(batch(r));
    assertThat(r.attributes().get("arr")).isEqualTo(List.of("****"));
  }

  @Test
  void redactCustomPattern() throws Exception {
    LogRecord r =
        run(
            "- { action: redact, pattern: 'secret=\\w+', replacement: 'secret=***' }\n",
            rec("q", "a=1&secret=hunter2&b=2").setBody("no match here"));
    assertThat(r.attributes().get("q")).isEqualTo("a=1&secret=***&b=2");
    assertThat(r.body()).isEqualTo("no match here");
    assertThat(redactions(0)).isEqualTo(1);
  }

  @Test
  void presets() throws Exception {
    assertThat(
            redact(
                "credit_card",
                "card 4111 1111 1111 1111 and 4111-1111-1111-1112 and 5500005555555559"))
        .as("Luhn-valid numbers only")
        .isEqualTo("card **** and 4111-1111-1111-1112 and ****");
    assertThat(redact("credit_card", "order 12345 at 2024-05-01"))
        .isEqualTo("order 12345 at 2024-05-01");
    assertThat(redact("email", "to: a.b+c@mail.example.co.uk.")).isEqualTo("to: ****.");
    assertThat(redact("ipv4", "from 10.0.0.1:80, not 999.1.1.1 nor 1.2.3.4.5"))
        .isEqualTo("from ****:80, not 999.1.1.1 nor 1.2.3.4.5");
    assertThat(redact("us_ssn", "ssn 123-45-6789, tel 0123-45-67890"))
        .isEqualTo("ssn ****, tel 0123-45-67890");
    assertThat(redact("jwt", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-_x end"))
        .isEqualTo("Bearer **** end");
  }

  @Test
  @org.junit.jupiter.api.Timeout(10)
  void emailPresetStaysLinearOnLongRunsOfLetters() throws Exception {
    // A plain local-part pattern backtracks quadratically here (about 10^9 steps); the preset is
    // linear.
    String text = "a".repeat(50_000) + "@ and then ada@example.com";
    assertThat(redact("email", text)).endsWith("@ and then ****");
  }

  private String redact(String preset, String text) throws Exception {
    return (String)
        run("- { action: redact, preset: " + preset + " }\n", rec().setBody(text)).body();
  }

  @Test
  void truncateStringsOnly() throws Exception {
    LogRecord r =
        run(
            """
        - { action: truncate, field: body, max_length: 5 }
        - { action: truncate, field: short, max_length: 5 }
        - { action: truncate, field: number, max_length: 1 }
        - { action: truncate, field: emoji, max_length: 3 }
        - { action: truncate, field: zero, max_length: 0 }
        """,
            rec("short", "abc", "number", 123456L, "emoji", "ab\uD83D\uDE00cd", "zero", "x")
                .setBody("hello world"));
    assertThat(r.body()).isEqualTo("hello");
    assertThat(r.attributes().get("short")).isEqualTo("abc");
    assertThat(r.attributes().get("number")).isEqualTo(123456L);
    assertThat(r.attributes().get("emoji")).as("a surrogate pair is not split").isEqualTo("ab");
    assertThat(r.attributes().get("zero")).isEqualTo("");
  }

  @Test
  void convertBetweenTypes() throws Exception {
    LogRecord r =
        run(
            """
        - { action: convert, field: a, type: int }
        - { action: convert, field: b, type: int }
        - { action: convert, field: c, type: double }
        - { action: convert, field: d, type: bool }
        - { action: convert, field: e, type: string }
        - { action: convert, field: f, type: string }
        - { action: convert, field: g, type: int }
        - { action: convert, field: h, type: bool }
        - { action: convert, field: i, type: string }
        - { action: convert, field: absent, type: int }
        """,
            rec(
                "a",
                " 42 ",
                "b",
                3.9,
                "c",
                "-1.5e2",
                "d",
                "OFF",
                "e",
                7L,
                "f",
                true,
                "g",
                true,
                "h",
                0L,
                "i",
                new byte[] {1, (byte) 0xab}));
    Attributes a = r.attributes();
    assertThat(a.get("a")).isEqualTo(42L);
    assertThat(a.get("b")).isEqualTo(3L);
    assertThat(a.get("c")).isEqualTo(-150.0);
    assertThat(a.get("d")).isEqualTo(false);
    assertThat(a.get("e")).isEqualTo("7");
    assertThat(a.get("f")).isEqualTo("true");
    assertThat(a.get("g")).isEqualTo(1L);
    assertThat(a.get("h")).isEqualTo(false);
    assertThat(a.get("i")).isEqualTo("01ab");
    assertThat(a.contains("absent")).isFalse();
    assertThat(a.contains(TransformProcessor.ERROR_ATTRIBUTE)).isFalse();
  }

  @Test
  void convertFailureTagsByDefaultOrRemoves() throws Exception {
    LogRecord tagged =
        run("- { action: convert, field: status, type: int }\n", rec("status", "OK"));
    assertThat(tagged.attributes().get("status")).isEqualTo("OK");
    assertThat(tagged.attributes().get(TransformProcessor.ERROR_ATTRIBUTE))
        .isEqualTo("actions[0]: convert attributes[\"status\"] to int: 'OK' is not an integer");
    assertThat(errors(0)).isEqualTo(1);

    LogRecord removed =
        run(
            "- { action: convert, field: status, type: double, on_error: remove }\n",
            rec("status", "NaN"));
    assertThat(removed.attributes().contains("status")).isFalse();
    assertThat(removed.attributes().contains(TransformProcessor.ERROR_ATTRIBUTE)).isFalse();
    assertThat(errors(0)).isEqualTo(2);

    LogRecord map =
        run("- { action: convert, field: m, type: string }\n", rec("m", Attributes.of()));
    assertThat(map.attributes().get(TransformProcessor.ERROR_ATTRIBUTE))
        .isEqualTo(
            "actions[0]: convert attributes[\"m\"] to string: cannot convert a map to string");
    LogRecord huge = run("- { action: convert, field: n, type: int }\n", rec("n", "1e30"));
    assertThat(huge.attributes().get(TransformProcessor.ERROR_ATTRIBUTE))
        .isEqualTo(
            "actions[0]: convert attributes[\"n\"] to int: '1e30' is out of the integer range");
    LogRecord bool = run("- { action: convert, field: n, type: bool }\n", rec("n", "maybe"));
    assertThat((String) bool.attributes().get(TransformProcessor.ERROR_ATTRIBUTE))
        .contains("'maybe' is not a boolean");
  }

  @Test
  void conditionsPerAction() throws Exception {
    TransformProcessor p =
        processor(
            """
        - { action: set, field: level, value: high, when: 'severity_number >= WARN' }
        - { action: set, field: level, value: low, when: 'not (attributes["level"] exists)' }
        - { action: delete, field: debug, when: 'resource.attributes["service.name"] == "svc"' }
        """);
    LogRecord warn = rec("debug", 1L).setSeverityNumber(13);
    LogRecord info = rec("debug", 1L).setSeverityNumber(9);
    p.process(batch(warn, info));
    assertThat(warn.attributes().get("level")).isEqualTo("high");
    assertThat(info.attributes().get("level")).isEqualTo("low");
    assertThat(warn.attributes().contains("debug")).isFalse();
    assertThat(info.attributes().contains("debug")).isFalse();
  }

  @Test
  void actionsRunInOrder() throws Exception {
    LogRecord r =
        run(
            """
        - { action: copy, field: email, to: email_hash }
        - { action: hash, field: email_hash }
        - { action: redact, preset: email, field: email }
        - { action: truncate, field: email_hash, max_length: 8 }
        """,
            rec("email", "a@b.cc"));
    assertThat(r.attributes().get("email")).isEqualTo("****");
    assertThat((String) r.attributes().get("email_hash")).hasSize(8).matches("[0-9a-f]{8}");
  }

  @Test
  void allRecordsOfEveryScopeAreTransformedAndNoneDropped() throws Exception {
    LogsBatch b = batch(rec("a", 1L), rec("a", 2L));
    ScopeLogs second = new ScopeLogs();
    second.logRecords().add(rec("a", 3L));
    b.resourceLogs().get(0).scopeLogs().add(second);
    processor("- { action: set, field: seen, value: \"true\", type: bool }\n").process(b);
    assertThat(b.recordCount()).isEqualTo(3);
    b.forEachRecord(r -> assertThat(r.attributes().get("seen")).isEqualTo(true));
  }

  @Test
  void otherSignalsPassUntouched() throws Exception {
    io.stacklens.agent.data.TracesBatch traces = new io.stacklens.agent.data.TracesBatch(List.of());
    assertThat(processor("- { action: delete, field: a }\n").process(traces)).isSameAs(traces);
  }

  @SuppressWarnings("rawtypes") // Factory.class is the raw type of a generic interface
  @Test
  void factoryDescribesItself() {
    assertThat(factory.type()).isEqualTo("transform");
    assertThat(factory.signals()).containsExactly(Signal.LOGS);
    assertThat(factory.description()).isNotBlank();
    assertThat(
            java.util.ServiceLoader.load(io.stacklens.agent.api.Factory.class).stream()
                .map(p -> p.type())
                .map(Class::getName))
        .contains(TransformProcessorFactory.class.getName());
  }

  @Test
  void valueConversionEdgeCases() {
    assertThat(Values.looksDecimal("1.")).isTrue();
    assertThat(Values.looksDecimal(".5")).isTrue();
    assertThat(Values.looksDecimal("1e")).isFalse();
    assertThat(Values.looksDecimal("0x10")).isFalse();
    assertThat(Values.looksDecimal("Infinity")).isFalse();
    assertThat(Values.looksDecimal("1d")).isFalse();
    assertThat(Values.convert("-7", ActionConfig.ValueType.INT)).isEqualTo(-7L);
    assertThat(Values.convert(2L, ActionConfig.ValueType.DOUBLE)).isEqualTo(2.0);
    assertThat(Values.convert(0.0, ActionConfig.ValueType.BOOL)).isEqualTo(false);
    assertThat(Values.convert(1.5, ActionConfig.ValueType.STRING)).isEqualTo("1.5");
  }
}
