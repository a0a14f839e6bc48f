package io.stacklens.processor.route;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.RoutingProcessor;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.expr.Condition;
import io.stacklens.agent.expr.Conditions;
import io.stacklens.agent.expr.LogContext;
import io.stacklens.agent.telemetry.Counter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Sends each log record to the exporters of the route(s) it matches, or to {@code default}.
 *
 * <p>Per batch: one pass evaluates the conditions and notes each record's destination (a distinct
 * set of exporters); when every record has the same destination the batch goes on whole; otherwise
 * one part per destination is built, keeping the resource/scope grouping (new {@link ResourceLogs}
 * / {@link ScopeLogs} shells over the same resource, scope and record objects: nothing is copied,
 * and exporters only read them). Records without destination are counted as dropped ({@code
 * no_route}).
 */
final class RouteProcessor implements RoutingProcessor {
  static final String ROUTED = "stacklens_processor_routed_records_total";
  private static final int NO_ROUTE = -1;

  private final boolean matchAll;
  private final Condition[] conditions;

  /** Per route: its exporters. */
  private final List<ComponentId>[] routeExporters;

  private final Counter[] routedCounters;
  private final long[] routedInBatch;
  private final Counter defaultCounter;
  private final Counter noRoute;
  private final int defaultDestination;

  /** Distinct exporter sets records go to; parts are built per index. */
  private final List<List<ComponentId>> destinations = new ArrayList<>();

  /** First mode: route index -> destination. */
  private final int[] routeDestination;

  /** All mode: route mask -> destination, filled as combinations are seen (few in practice). */
  private long[] seenMasks = new long[8];

  private int[] seenDestinations = new int[8];
  private int seenCount;

  private final LogContext ctx = new LogContext();

  /** Destination of each record of the batch being routed, in visiting order. */
  private int[] recordDestination = new int[1024];

  private LogsBatch[] parts = new LogsBatch[4];
  private ResourceLogs[] currentResource = new ResourceLogs[4];
  private ScopeLogs[] currentScope = new ScopeLogs[4];

  @SuppressWarnings("unchecked")
  RouteProcessor(ComponentContext context, RouteProcessorConfig config) {
    int n = config.routes.size();
    this.matchAll = config.match == RouteProcessorConfig.Match.ALL;
    this.conditions = new Condition[n];
    @SuppressWarnings({"unchecked", "rawtypes"}) // no generic array creation in Java
    List<ComponentId>[] exportersByRoute = new List[n];
    this.routeExporters = exportersByRoute;
    this.routedCounters = new Counter[n];
    this.routedInBatch = new long[n + 1];
    this.routeDestination = new int[n];
    String processor = context.id().toString();
    String pipeline = context.pipeline() == null ? "" : context.pipeline();
    for (int i = 0; i < n; i++) {
      RouteProcessorConfig.Route r = config.routes.get(i);
      conditions[i] = Conditions.compileValidated(r.when);
      routeExporters[i] = List.copyOf(r.exporters);
      routedCounters[i] = routedCounter(context, processor, pipeline, config.label(i));
      routeDestination[i] = destination(routeExporters[i]);
    }
    this.defaultDestination =
        config.defaultExporters.isEmpty()
            ? NO_ROUTE
            : destination(List.copyOf(config.defaultExporters));
    this.defaultCounter =
        config.defaultExporters.isEmpty()
            ? null
            : routedCounter(context, processor, pipeline, RouteProcessorConfig.DEFAULT_LABEL);
    this.noRoute = context.droppedCounter("no_route");
  }

  private static Counter routedCounter(
      ComponentContext context, String processor, String pipeline, String route) {
    return context
        .metrics()
        .counter(
            ROUTED,
            "Records a route processor sent to a route's exporters",
            "processor",
            processor,
            "pipeline",
            pipeline,
            "route",
            route);
  }

  /** The index of the destination with exactly these exporters (in any order), adding it if new. */
  private int destination(List<ComponentId> exporters) {
    Set<ComponentId> wanted = new LinkedHashSet<>(exporters);
    for (int d = 0; d < destinations.size(); d++) {
      if (new LinkedHashSet<>(destinations.get(d)).equals(wanted)) return d;
    }
    destinations.add(List.copyOf(wanted));
    return destinations.size() - 1;
  }

  /** All mode: the destination of a record matching the routes in {@code mask}. */
  private int destinationOfMask(long mask) {
    for (int i = 0; i < seenCount; i++) {
      if (seenMasks[i] == mask) return seenDestinations[i];
    }
    Set<ComponentId> union = new LinkedHashSet<>();
    for (int r = 0; r < routeExporters.length; r++) {
      if ((mask & (1L << r)) != 0) union.addAll(routeExporters[r]);
    }
    int d = destination(new ArrayList<>(union));
    if (seenCount == seenMasks.length) {
      seenMasks = Arrays.copyOf(seenMasks, seenCount * 2);
      seenDestinations = Arrays.copyOf(seenDestinations, seenCount * 2);
    }
    seenMasks[seenCount] = mask;
    seenDestinations[seenCount] = d;
    seenCount++;
    return d;
  }

  @Override
  public void route(Batch batch, RouteSink sink) {
    LogsBatch logs = (LogsBatch) batch;
    int total = logs.recordCount();
    if (total == 0) return;
    if (recordDestination.length < total)
      recordDestination = new int[Math.max(total, recordDestination.length * 2)];
    Arrays.fill(routedInBatch, 0);

    // Pass 1: where does each record go?
    int k = 0;
    int first = Integer.MIN_VALUE;
    boolean same = true;
    int dropped = 0;
    for (ResourceLogs rl : logs.resourceLogs()) {
      for (ScopeLogs sl : rl.scopeLogs()) {
        List<LogRecord> records = sl.logRecords();
        for (int i = 0, n = records.size(); i < n; i++) {
          ctx.set(rl, sl, records.get(i));
          int d = matchAll ? matchAll() : matchFirst();
          if (d == NO_ROUTE) dropped++;
          recordDestination[k++] = d;
          if (first == Integer.MIN_VALUE) first = d;
          else if (d != first) same = false;
        }
      }
    }
    ctx.set(null, null, null);
    flushCounters(dropped);

    if (same) {
      if (first != NO_ROUTE) sink.send(logs, destinations.get(first));
      return;
    }

    // Pass 2: one part per destination, keeping resource and scope grouping.
    int nd = destinations.size();
    if (parts.length < nd) {
      parts = new LogsBatch[nd];
      currentResource = new ResourceLogs[nd];
      currentScope = new ScopeLogs[nd];
    } else {
      Arrays.fill(parts, null);
    }
    k = 0;
    for (ResourceLogs rl : logs.resourceLogs()) {
      Arrays.fill(currentResource, null);
      for (ScopeLogs sl : rl.scopeLogs()) {
        Arrays.fill(currentScope, null);
        List<LogRecord> records = sl.logRecords();
        for (int i = 0, n = records.size(); i < n; i++) {
          int d = recordDestination[k++];
          if (d == NO_ROUTE) continue;
          ScopeLogs scope = currentScope[d];
          if (scope == null) {
            ResourceLogs resource = currentResource[d];
            if (resource == null) {
              LogsBatch part = parts[d];
              if (part == null) {
                part = new LogsBatch();
                parts[d] = part;
              }
              resource =
                  new ResourceLogs(rl.resource(), new ArrayList<>(2)).setSchemaUrl(rl.schemaUrl());
              part.resourceLogs().add(resource);
              currentResource[d] = resource;
            }
            scope = new ScopeLogs(sl.scope(), new ArrayList<>()).setSchemaUrl(sl.schemaUrl());
            resource.scopeLogs().add(scope);
            currentScope[d] = scope;
          }
          scope.logRecords().add(records.get(i));
        }
      }
    }
    for (int d = 0; d < nd; d++) {
      LogsBatch part = parts[d];
      if (part != null) {
        parts[d] = null;
        sink.send(part, destinations.get(d));
      }
    }
  }

  private int matchFirst() {
    for (int r = 0; r < conditions.length; r++) {
      if (conditions[r].test(ctx)) {
        routedInBatch[r]++;
        return routeDestination[r];
      }
    }
    return toDefault();
  }

  private int matchAll() {
    long mask = 0;
    for (int r = 0; r < conditions.length; r++) {
      if (conditions[r].test(ctx)) {
        routedInBatch[r]++;
        mask |= 1L << r;
      }
    }
    return mask == 0 ? toDefault() : destinationOfMask(mask);
  }

  private int toDefault() {
    if (defaultDestination != NO_ROUTE) routedInBatch[conditions.length]++;
    return defaultDestination;
  }

  private void flushCounters(int dropped) {
    for (int r = 0; r < conditions.length; r++) {
      if (routedInBatch[r] > 0) routedCounters[r].add(routedInBatch[r]);
    }
    if (defaultCounter != null && routedInBatch[conditions.length] > 0)
      defaultCounter.add(routedInBatch[conditions.length]);
    if (dropped > 0) noRoute.add(dropped);
  }
}
