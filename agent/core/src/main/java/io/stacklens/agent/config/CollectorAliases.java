package io.stacklens.agent.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The OpenTelemetry Collector's common names, rewritten onto this agent's equivalents before the
 * config is bound, so a Collector user's pipelines move with few edits
 * (docs/migrating-from-otelcol.md). Each rewrite is a warning at the line of what it replaced,
 * saying what it became; what has no equivalent stays an error with its line.
 *
 * <ul>
 *   <li>{@code batch} processor: its settings become the exporter helper's {@code batch} of every
 *       exporter of the pipelines that list it ({@code send_batch_size} → {@code min_size}, {@code
 *       send_batch_max_size} → {@code max_size}, {@code timeout} → {@code flush_timeout}); it
 *       leaves the pipelines.
 *   <li>{@code memory_limiter} processor: {@code limit_mib} / {@code limit_percentage} become
 *       {@code service.memory_limiter}; it leaves the pipelines (the budget covers every one).
 *   <li>{@code resource} and {@code attributes} processors: their {@code actions} become a {@code
 *       transform} processor's ({@code transform/resource}, {@code transform/attributes-<name>}).
 *   <li>{@code extensions: { health_check }} and {@code service.extensions}: the admin endpoint's
 *       {@code /health} answers health checks.
 * </ul>
 */
final class CollectorAliases {
  private static final Pattern INTEGER = Pattern.compile("-?\\d+");
  private static final Pattern DECIMAL = Pattern.compile("-?\\d+\\.\\d+([eE][-+]?\\d+)?");

  private final ProblemCollector problems;
  private final Map<String, YamlNode.Entry> root;

  private CollectorAliases(YamlNode.Mapping root, ProblemCollector problems) {
    this.problems = problems;
    this.root = new LinkedHashMap<>(root.entries());
  }

  /** {@code root} with the Collector's names replaced by ours; problems go to {@code problems}. */
  static YamlNode.Mapping rewrite(YamlNode.Mapping root, ProblemCollector problems) {
    CollectorAliases aliases = new CollectorAliases(root, problems);
    aliases.rewriteProcessors();
    aliases.rewriteExtensions();
    return new YamlNode.Mapping(aliases.root, root.location());
  }

  // ---------------------------------------------------------------- processors

  private void rewriteProcessors() {
    if (!(section("processors") instanceof YamlNode.Mapping processors)) return;
    Map<String, YamlNode.Entry> kept = new LinkedHashMap<>();
    for (YamlNode.Entry entry : processors.entries().values()) {
      String type = typeOf(entry.key());
      switch (type) {
        case "batch" -> batch(entry);
        case "memory_limiter" -> memoryLimiter(entry);
        case "resource", "attributes" -> {
          YamlNode.Entry transform = transform(entry, type);
          if (transform != null) {
            kept.put(transform.key(), transform);
            renameInPipelines(entry.key(), transform.key());
          }
        }
        default -> kept.put(entry.key(), entry);
      }
    }
    put("processors", new YamlNode.Mapping(kept, processors.location()));
  }

  private void batch(YamlNode.Entry entry) {
    String where = "processors." + entry.key();
    Map<String, YamlNode.Entry> settings = new LinkedHashMap<>();
    if (entry.value() instanceof YamlNode.Mapping m) {
      for (YamlNode.Entry e : m.entries().values()) {
        String ours =
            switch (e.key()) {
              case "send_batch_size" -> "min_size";
              case "send_batch_max_size" -> "max_size";
              case "timeout" -> "flush_timeout";
              default -> null;
            };
        if (ours == null) {
          problems.error(
              where + "." + e.key(),
              e.keyLocation(),
              "has no equivalent here (the batch processor maps onto the exporter helper's batch:"
                  + " send_batch_size, send_batch_max_size and timeout)");
        } else {
          settings.put(ours, new YamlNode.Entry(ours, e.keyLocation(), e.value()));
        }
      }
    }
    List<String> exporters = new ArrayList<>();
    List<String> pipelines = removeFromPipelines(entry.key(), exporters);
    List<String> kept = new ArrayList<>();
    for (String exporter : exporters) {
      if (!setExporterBatch(exporter, settings, entry)) kept.add(exporter);
    }
    exporters.removeAll(kept);
    problems.warning(
        where,
        entry.keyLocation(),
        "the Collector's batch processor is the exporter helper's batch here: "
            + (exporters.isEmpty()
                ? "no exporter took it"
                : "exporters " + String.join(", ", exporters) + " batch with " + describe(settings))
            + (kept.isEmpty() ? "" : "; " + String.join(", ", kept) + " keep their own batch")
            + "; removed from "
            + (pipelines.isEmpty() ? "no pipeline" : "pipelines " + String.join(", ", pipelines)));
  }

  /** Gives exporter {@code id} the batch {@code settings} unless it has its own; false then. */
  private boolean setExporterBatch(
      String id, Map<String, YamlNode.Entry> settings, YamlNode.Entry from) {
    if (!(section("exporters") instanceof YamlNode.Mapping exporters)) return true;
    YamlNode.Entry exporter = exporters.entries().get(id);
    if (exporter == null) return true; // the pipeline checker reports the unknown exporter
    Map<String, YamlNode.Entry> body =
        exporter.value() instanceof YamlNode.Mapping m
            ? new LinkedHashMap<>(m.entries())
            : new LinkedHashMap<>();
    if (body.containsKey("batch")) return false;
    body.put(
        "batch",
        new YamlNode.Entry(
            "batch", from.keyLocation(), new YamlNode.Mapping(settings, from.keyLocation())));
    Map<String, YamlNode.Entry> all = new LinkedHashMap<>(exporters.entries());
    all.put(
        id,
        new YamlNode.Entry(
            id, exporter.keyLocation(), new YamlNode.Mapping(body, exporter.value().location())));
    put("exporters", new YamlNode.Mapping(all, exporters.location()));
    return true;
  }

  private void memoryLimiter(YamlNode.Entry entry) {
    String where = "processors." + entry.key();
    Map<String, YamlNode.Entry> budget = new LinkedHashMap<>();
    List<String> ignored = new ArrayList<>();
    if (entry.value() instanceof YamlNode.Mapping m) {
      for (YamlNode.Entry e : m.entries().values()) {
        switch (e.key()) {
          case "limit_mib" -> {
            String mib = e.value() instanceof YamlNode.Scalar s ? s.text() : null;
            budget.put(
                "limit",
                new YamlNode.Entry(
                    "limit",
                    e.keyLocation(),
                    new YamlNode.Scalar(mib + "MiB", e.value().location())));
          }
          case "limit_percentage" ->
              budget.put(
                  "limit_percentage",
                  new YamlNode.Entry("limit_percentage", e.keyLocation(), e.value()));
          case "check_interval", "spike_limit_mib", "spike_limit_percentage" ->
              ignored.add(e.key());
          default ->
              problems.error(
                  where + "." + e.key(),
                  e.keyLocation(),
                  "has no equivalent here (memory_limiter maps onto service.memory_limiter:"
                      + " limit_mib, limit_percentage)");
        }
      }
    }
    List<String> pipelines = removeFromPipelines(entry.key(), new ArrayList<>());
    String outcome;
    YamlNode.Mapping service = section("service") instanceof YamlNode.Mapping s ? s : null;
    if (service != null && service.entries().containsKey("memory_limiter")) {
      outcome = "service.memory_limiter is set already and stays as it is";
    } else {
      Map<String, YamlNode.Entry> body =
          service == null ? new LinkedHashMap<>() : new LinkedHashMap<>(service.entries());
      body.put(
          "memory_limiter",
          new YamlNode.Entry(
              "memory_limiter",
              entry.keyLocation(),
              new YamlNode.Mapping(budget, entry.keyLocation())));
      put(
          "service",
          new YamlNode.Mapping(body, service == null ? entry.keyLocation() : service.location()));
      outcome =
          "it is service.memory_limiter "
              + (budget.isEmpty() ? "with its defaults" : describe(budget));
    }
    problems.warning(
        where,
        entry.keyLocation(),
        "the Collector's memory_limiter is the agent-wide memory budget here, which refuses requests"
            + " before decoding them: "
            + outcome
            + (ignored.isEmpty() ? "" : "; " + String.join(", ", ignored) + " not needed")
            + "; removed from "
            + (pipelines.isEmpty() ? "no pipeline" : "pipelines " + String.join(", ", pipelines)));
  }

  /**
   * A {@code resource} or {@code attributes} processor as a {@code transform} processor, or null
   * when it cannot be (errors reported).
   */
  private YamlNode.Entry transform(YamlNode.Entry entry, String type) {
    String where = "processors." + entry.key();
    String map = type.equals("resource") ? "resource.attributes" : "attributes";
    String name =
        entry.key().contains("/") ? entry.key().substring(entry.key().indexOf('/') + 1) : "";
    String id = "transform/" + type + (name.isEmpty() ? "" : "-" + name);
    // The Collector names the list "attributes" in the resource processor, "actions" in the other.
    String listKey = type.equals("resource") ? "attributes" : "actions";
    if (!(entry.value() instanceof YamlNode.Mapping body)
        || !(body.get(listKey) instanceof YamlNode.Sequence actions)) {
      problems.error(
          where, entry.keyLocation(), "needs " + listKey + ": a list of { key, action, ... }");
      return null;
    }
    for (String key : body.entries().keySet()) {
      if (!key.equals(listKey)) {
        problems.error(
            where + "." + key,
            body.entries().get(key).keyLocation(),
            "has no equivalent here; select records with a transform action's when: condition"
                + " (docs/conditions.md)");
      }
    }
    List<YamlNode> ours = new ArrayList<>();
    for (int i = 0; i < actions.items().size(); i++) {
      YamlNode.Mapping action =
          translate(actions.items().get(i), map, where + "." + listKey + "[" + i + "]");
      if (action != null) ours.add(action);
    }
    if (section("processors") instanceof YamlNode.Mapping processors
        && processors.entries().containsKey(id)) {
      problems.error(where, entry.keyLocation(), "becomes " + id + ", which is defined already");
      return null;
    }
    problems.warning(
        where,
        entry.keyLocation(),
        "the Collector's "
            + type
            + " processor is a transform processor here: "
            + id
            + " (its actions on "
            + map
            + "; logs pipelines only)");
    Map<String, YamlNode.Entry> transform = new LinkedHashMap<>();
    transform.put(
        "actions",
        new YamlNode.Entry(
            "actions",
            body.entries().get(listKey).keyLocation(),
            new YamlNode.Sequence(ours, actions.location())));
    return new YamlNode.Entry(
        id, entry.keyLocation(), new YamlNode.Mapping(transform, body.location()));
  }

  /** One Collector attribute action as a transform action on {@code map}, or null (reported). */
  private YamlNode.Mapping translate(YamlNode node, String map, String where) {
    if (!(node instanceof YamlNode.Mapping action)) {
      problems.error(where, node.location(), "expected a mapping { key, action, ... }");
      return null;
    }
    String key = text(action, "key");
    String kind = text(action, "action");
    String pattern = text(action, "pattern");
    if (kind == null) {
      problems.error(
          where,
          action.location(),
          "needs action: insert, update, upsert, delete, hash or convert");
      return null;
    }
    if (key == null && !(kind.equals("delete") && pattern != null)) {
      problems.error(where, action.location(), "needs key: the attribute to act on");
      return null;
    }
    for (String k : action.entries().keySet()) {
      if (!Set.of("key", "action", "value", "from_attribute", "pattern", "converted_type")
          .contains(k)) {
        problems.error(
            where + "." + k,
            action.entries().get(k).keyLocation(),
            "has no equivalent here (supported: key, action, value, from_attribute, pattern,"
                + " converted_type)");
      }
    }
    String field = key == null ? map : map + "[\"" + key.replace("\"", "\\\"") + "\"]";
    Map<String, YamlNode.Entry> out = new LinkedHashMap<>();
    switch (kind) {
      case "insert", "update", "upsert" -> {
        put(out, "action", "set", action);
        put(out, "field", field, action);
        YamlNode.Entry value = action.entries().get("value");
        String from = text(action, "from_attribute");
        if ((value == null) == (from == null)) {
          problems.error(
              where, action.location(), kind + " needs exactly one of value and from_attribute");
          return null;
        }
        if (value != null) {
          out.put("value", new YamlNode.Entry("value", value.keyLocation(), value.value()));
          String type = literalType(value.value());
          if (type != null) put(out, "type", type, action);
        } else {
          put(out, "from", map + "[\"" + from.replace("\"", "\\\"") + "\"]", action);
        }
        if (!kind.equals("upsert")) {
          put(out, "when", field + (kind.equals("insert") ? " not exists" : " exists"), action);
        }
      }
      case "delete" -> {
        put(out, "action", "delete", action);
        if (pattern != null) {
          put(out, "field", map, action);
          put(out, "keys_matching", pattern, action);
        } else {
          put(out, "field", field, action);
        }
      }
      case "hash" -> {
        put(out, "action", "hash", action);
        put(out, "field", field, action);
      }
      case "convert" -> {
        String type = text(action, "converted_type");
        if (type == null || !Set.of("int", "double", "string").contains(type)) {
          problems.error(
              where, action.location(), "convert needs converted_type: int, double or string");
          return null;
        }
        put(out, "action", "convert", action);
        put(out, "field", field, action);
        put(out, "type", type, action);
      }
      default -> {
        problems.error(
            where + ".action",
            action.entries().get("action").keyLocation(),
            "'"
                + kind
                + "' has no equivalent here (supported: insert, update, upsert, delete, hash,"
                + " convert; for extract use the parse processor)");
        return null;
      }
    }
    return new YamlNode.Mapping(out, action.location());
  }

  /** The transform type of a literal written in a Collector config: YAML's plain scalars. */
  private static String literalType(YamlNode value) {
    if (!(value instanceof YamlNode.Scalar s) || s.text() == null) return null;
    String t = s.text();
    if (t.equals("true") || t.equals("false")) return "bool";
    if (INTEGER.matcher(t).matches()) return "int";
    if (DECIMAL.matcher(t).matches()) return "double";
    return null;
  }

  // ---------------------------------------------------------------- extensions

  private void rewriteExtensions() {
    YamlNode.Entry extensions = root.get("extensions");
    if (extensions != null) {
      root.remove("extensions");
      if (extensions.value() instanceof YamlNode.Mapping m) {
        for (YamlNode.Entry e : m.entries().values()) {
          if (typeOf(e.key()).equals("health_check")) {
            problems.warning(
                "extensions." + e.key(),
                e.keyLocation(),
                "health checks are answered by the admin endpoint's /health"
                    + " (service.telemetry.endpoint, default 127.0.0.1:8888); this extension's own"
                    + " endpoint is not served");
          } else {
            problems.error(
                "extensions." + e.key(),
                e.keyLocation(),
                "unknown extension; of the Collector's extensions only health_check is understood"
                    + " (the admin endpoint's /health)");
          }
        }
      }
    }
    if (section("service") instanceof YamlNode.Mapping service
        && service.entries().containsKey("extensions")) {
      Map<String, YamlNode.Entry> body = new LinkedHashMap<>(service.entries());
      body.remove("extensions");
      put("service", new YamlNode.Mapping(body, service.location()));
    }
  }

  // ---------------------------------------------------------------- pipelines and helpers

  /**
   * Removes processor {@code id} from every pipeline; returns the pipelines it was in and adds
   * their exporters to {@code exporters}.
   */
  private List<String> removeFromPipelines(String id, List<String> exporters) {
    List<String> in = new ArrayList<>();
    editPipelines(
        (pipeline, body) -> {
          YamlNode.Entry processors = body.get("processors");
          if (processors == null || !(processors.value() instanceof YamlNode.Sequence list)) return;
          List<YamlNode> kept = new ArrayList<>();
          for (YamlNode item : list.items()) {
            if (item instanceof YamlNode.Scalar s && id.equals(s.text())) continue;
            kept.add(item);
          }
          if (kept.size() == list.items().size()) return;
          in.add(pipeline);
          body.put(
              "processors",
              new YamlNode.Entry(
                  "processors",
                  body.get("processors").keyLocation(),
                  new YamlNode.Sequence(kept, list.location())));
          if (body.get("exporters") != null
              && body.get("exporters").value() instanceof YamlNode.Sequence ex) {
            for (YamlNode e : ex.items()) {
              if (e instanceof YamlNode.Scalar s
                  && s.text() != null
                  && !exporters.contains(s.text())) {
                exporters.add(s.text());
              }
            }
          }
        });
    return in;
  }

  private void renameInPipelines(String from, String to) {
    editPipelines(
        (pipeline, body) -> {
          YamlNode.Entry processors = body.get("processors");
          if (processors == null || !(processors.value() instanceof YamlNode.Sequence list)) return;
          List<YamlNode> renamed = new ArrayList<>();
          for (YamlNode item : list.items()) {
            renamed.add(
                item instanceof YamlNode.Scalar s && from.equals(s.text())
                    ? new YamlNode.Scalar(to, s.location())
                    : item);
          }
          body.put(
              "processors",
              new YamlNode.Entry(
                  "processors",
                  body.get("processors").keyLocation(),
                  new YamlNode.Sequence(renamed, list.location())));
        });
  }

  private interface PipelineEdit {
    void edit(String pipeline, Map<String, YamlNode.Entry> body);
  }

  private void editPipelines(PipelineEdit edit) {
    if (!(section("service") instanceof YamlNode.Mapping service)
        || !(service.get("pipelines") instanceof YamlNode.Mapping pipelines)) {
      return;
    }
    Map<String, YamlNode.Entry> all = new LinkedHashMap<>();
    for (YamlNode.Entry p : pipelines.entries().values()) {
      if (p.value() instanceof YamlNode.Mapping m) {
        Map<String, YamlNode.Entry> body = new LinkedHashMap<>(m.entries());
        edit.edit(p.key(), body);
        all.put(
            p.key(),
            new YamlNode.Entry(p.key(), p.keyLocation(), new YamlNode.Mapping(body, m.location())));
      } else {
        all.put(p.key(), p);
      }
    }
    Map<String, YamlNode.Entry> body = new LinkedHashMap<>(service.entries());
    body.put(
        "pipelines",
        new YamlNode.Entry(
            "pipelines",
            service.entries().get("pipelines").keyLocation(),
            new YamlNode.Mapping(all, pipelines.location())));
    put("service", new YamlNode.Mapping(body, service.location()));
  }

  private YamlNode section(String key) {
    YamlNode.Entry entry = root.get(key);
    return entry == null ? null : entry.value();
  }

  private void put(String key, YamlNode value) {
    YamlNode.Entry old = root.get(key);
    root.put(
        key, new YamlNode.Entry(key, old == null ? value.location() : old.keyLocation(), value));
  }

  private static void put(
      Map<String, YamlNode.Entry> out, String key, String value, YamlNode.Mapping at) {
    out.put(key, new YamlNode.Entry(key, at.location(), new YamlNode.Scalar(value, at.location())));
  }

  private static String text(YamlNode.Mapping m, String key) {
    return m.get(key) instanceof YamlNode.Scalar s ? s.text() : null;
  }

  private static String typeOf(String id) {
    int slash = id.indexOf('/');
    return slash < 0 ? id : id.substring(0, slash);
  }

  private static String describe(Map<String, YamlNode.Entry> settings) {
    List<String> parts = new ArrayList<>();
    for (YamlNode.Entry e : settings.values()) {
      parts.add(e.key() + ": " + (e.value() instanceof YamlNode.Scalar s ? s.text() : "..."));
    }
    return "{ " + String.join(", ", parts) + " }";
  }
}
