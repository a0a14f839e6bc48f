package io.stacklens.receiver.httpjson;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.api.ByteSize;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.Factory;
import io.stacklens.agent.config.ComponentRegistry;
import io.stacklens.agent.config.ConfigLoader;
import io.stacklens.agent.config.LoadResult;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.testing.StubFactories;
import io.stacklens.receiver.json.JsonMappingConfig;
import io.stacklens.receiver.json.JsonMappingConfig.FieldType;
import io.stacklens.receiver.json.JsonMappingConfig.TimestampFormat;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Defaults, binding from YAML and validation through the real config loader. */
class HttpJsonReceiverConfigTest {
  private static LoadResult load(String receiverYaml) {
    String yaml =
        "receivers:\n  http_json:\n"
            + receiverYaml.indent(4)
            + "exporters: { debug: }\n"
            + "service:\n  pipelines:\n    logs: { receivers: [http_json], exporters: [debug] }\n";
    ComponentRegistry registry =
        ComponentRegistry.of(new HttpJsonReceiverFactory(), StubFactories.exporter("debug"));
    return new ConfigLoader(registry, Map.of()).loadString(yaml, "agent.yaml");
  }

  private static List<String> messages(LoadResult r) {
    return r.problems().stream()
        .map(p -> p.path() + " (" + p.line() + "): " + p.message())
        .toList();
  }

  @Test
  void theFactoryIsFoundByTheServiceLoaderAndTakesLogsOnly() {
    boolean found =
        ServiceLoader.load(Factory.class).stream()
            .map(ServiceLoader.Provider::get)
            .anyMatch(f -> f.kind() == ComponentKind.RECEIVER && f.type().equals("http_json"));
    assertThat(found).isTrue();
    assertThat(new HttpJsonReceiverFactory().signals()).containsExactly(Signal.LOGS);
  }

  @Test
  void defaults() {
    LoadResult r = load("{}");
    assertThat(r.problems()).isEmpty();
    HttpJsonReceiverConfig c =
        (HttpJsonReceiverConfig)
            r.config()
                .orElseThrow()
                .components(ComponentKind.RECEIVER)
                .get(ComponentId.of("http_json"));
    assertThat(c.endpoint).isEqualTo("127.0.0.1:8480");
    assertThat(c.path).isEqualTo("/ingest");
    assertThat(c.maxRequestBodySize).isEqualTo(ByteSize.ofMebibytes(8));
    assertThat(c.retryAfter).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.mapping.timestampField).isEqualTo("timestamp");
    assertThat(c.mapping.timestampFormat).isEqualTo(TimestampFormat.AUTO);
    assertThat(c.mapping.severityField).isEqualTo("level");
    assertThat(c.mapping.bodyFields).containsExactly("message", "body");
    assertThat(c.mapping.resourceFields).containsExactly(Map.entry("service", "service.name"));
  }

  @Test
  void bindsEveryOptionFromYaml() {
    LoadResult r =
        load(
            """
        endpoint: 0.0.0.0:9000
        path: /logs
        max_request_body_size: 1MiB
        retry_after: 3s
        mapping:
          timestamp_field: ts
          timestamp_format: epoch_ms
          severity_field: severity
          unknown_severity: unspecified
          body_fields: [msg]
          trace_id_field: traceId
          span_id_field: spanId
          resource_fields: { app: service.name, tenant_id: tenant.id }
          required:
            - { field: app, type: string }
            - { field: count, type: int }
        """);
    assertThat(messages(r)).isEmpty();
    HttpJsonReceiverConfig c =
        (HttpJsonReceiverConfig)
            r.config()
                .orElseThrow()
                .components(ComponentKind.RECEIVER)
                .get(ComponentId.of("http_json"));
    assertThat(c.endpoint).isEqualTo("0.0.0.0:9000");
    assertThat(c.path).isEqualTo("/logs");
    assertThat(c.maxRequestBodySize).isEqualTo(ByteSize.ofMebibytes(1));
    assertThat(c.retryAfter).isEqualTo(Duration.ofSeconds(3));
    JsonMappingConfig m = c.mapping;
    assertThat(m.timestampField).isEqualTo("ts");
    assertThat(m.timestampFormat).isEqualTo(TimestampFormat.EPOCH_MS);
    assertThat(m.severityField).isEqualTo("severity");
    assertThat(m.unknownSeverity).isEqualTo(JsonMappingConfig.UnknownSeverity.UNSPECIFIED);
    assertThat(m.bodyFields).containsExactly("msg");
    assertThat(m.traceIdField).isEqualTo("traceId");
    assertThat(m.spanIdField).isEqualTo("spanId");
    assertThat(m.resourceFields)
        .containsExactly(Map.entry("app", "service.name"), Map.entry("tenant_id", "tenant.id"));
    assertThat(m.required)
        .extracting(f -> f.field + ":" + f.type)
        .containsExactly("app:STRING", "count:INT");
    assertThat(m.required.get(1).type).isEqualTo(FieldType.INT);
  }

  @Test
  void reportsEveryProblemWithItsPath() {
    LoadResult r =
        load(
            """
        endpoint: localhost
        path: ingest
        max_request_body_size: 0B
        retry_after: -1s
        mapping:
          span_id_field: trace_id
          body_fields: []
        """);
    assertThat(messages(r))
        .containsExactlyInAnyOrder(
            "receivers.http_json.endpoint (3): 'localhost' has no port; expected host:port, e.g. 127.0.0.1:4318",
            "receivers.http_json.path (4): must be an absolute path without query, e.g. /ingest; got 'ingest'",
            "receivers.http_json.max_request_body_size (5): must be between 1 byte and 2GiB, got 0",
            "receivers.http_json.retry_after (6): expected a duration such as 5s, 200ms, 1m30s or 1h, got '-1s'",
            "receivers.http_json.mapping.span_id_field (8): 'trace_id' is already used by trace_id_field; a field can have one role",
            "receivers.http_json.mapping.body_fields (9): must list at least one field, e.g. [message, body]");
  }

  @Test
  void authTakesABearerTokenOrBasicCredentialsAndSaysWhatIsMissing() {
    assertThat(load("auth: { bearer_token: t-1 }").problems()).isEmpty();
    assertThat(load("auth: { basic: { username: agent, password: pw } }").problems()).isEmpty();
    assertThat(messages(load("auth: {}")))
        .containsExactly("receivers.http_json.auth (3): needs bearer_token or basic");
    assertThat(messages(load("auth: { bearer_token: t, basic: { username: a, password: b } }")))
        .containsExactly("receivers.http_json.auth (3): takes bearer_token or basic, not both");
    assertThat(messages(load("auth: { bearer_token: '' }")))
        .containsExactly(
            "receivers.http_json.auth.bearer_token (3): is empty (an unset ${env:...}?); every"
                + " request would be refused");
    assertThat(messages(load("auth: { basic: { username: 'a:b' } }")))
        .containsExactlyInAnyOrder(
            "receivers.http_json.auth.basic.username (3): must not contain ':' (HTTP basic"
                + " authentication splits on it)",
            "receivers.http_json.auth.basic.password (3): is required");
  }
}
