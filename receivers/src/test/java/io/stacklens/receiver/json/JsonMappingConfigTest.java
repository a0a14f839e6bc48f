package io.stacklens.receiver.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.api.ConfigProblems;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonMappingConfigTest {
  private static List<String> problems(JsonMappingConfig c) {
    List<String> out = new ArrayList<>();
    c.validateAt(
        "mapping",
        new ConfigProblems() {
          @Override
          public void error(String path, String message) {
            out.add(path + ": " + message);
          }

          @Override
          public void warning(String path, String message) {
            out.add("warning " + path + ": " + message);
          }
        });
    return out;
  }

  @Test
  void theDefaultsAreValid() {
    assertThat(problems(new JsonMappingConfig())).isEmpty();
  }

  @Test
  void reportsEmptyNamesFieldsWithTwoRolesAndBadRequiredEntries() {
    JsonMappingConfig c = new JsonMappingConfig();
    c.timestampField = "";
    c.severityField = "message";
    c.bodyFields = List.of();
    c.timestampFormat = null;
    Map<String, String> resource = new LinkedHashMap<>();
    resource.put("message", "x");
    resource.put("svc", " ");
    c.resourceFields = resource;
    JsonMappingConfig.RequiredField r = new JsonMappingConfig.RequiredField();
    r.field = "";
    c.required = List.of(r);
    assertThat(problems(c))
        .containsExactly(
            "mapping.timestamp_field: must name a JSON field",
            "mapping.timestamp_format: must be auto, iso8601, epoch_s, epoch_ms, epoch_us or epoch_ns",
            "mapping.body_fields: must list at least one field, e.g. [message, body]",
            "mapping.resource_fields.message: 'message' is already used by severity_field; a field can have one role",
            "mapping.resource_fields.svc: must name the resource attribute to set, e.g. service.name",
            "mapping.required[0].field: must name a JSON field, e.g. { field: service, type: string }");
    JsonMappingConfig d = new JsonMappingConfig();
    d.spanIdField = "trace_id";
    assertThat(problems(d))
        .containsExactly(
            "mapping.span_id_field: 'trace_id' is already used by trace_id_field; a field can have one role");
  }
}
