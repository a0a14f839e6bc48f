package io.stacklens.processor.filter;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.Processor;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.expr.Condition;
import io.stacklens.agent.expr.Conditions;
import io.stacklens.agent.expr.LogContext;
import io.stacklens.agent.telemetry.Counter;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * The {@code filter} processor: include, exclude, sample, throttle, in that order. Each dropped
 * record is counted once, under the reason of the first step that dropped it. Runs on the pipeline
 * worker only; allocates nothing per record except new throttle keys.
 */
final class FilterProcessor implements Processor, LogsBatch.RecordPredicate {
  static final String NOT_INCLUDED = "not_included";
  static final String EXCLUDED = "excluded";
  static final String SAMPLED_OUT = "sampled_out";
  static final String THROTTLED = "throttled";

  private final Condition include;
  private final Condition exclude;
  private final Sampler sampler;
  private final Throttler throttler;
  private final LongSupplier clock;
  private final LogContext ctx = new LogContext();

  private final Counter notIncludedCounter;
  private final Counter excludedCounter;
  private final Counter sampledOutCounter;
  private final Counter throttledCounter;
  private int notIncluded;
  private int excluded;
  private int sampledOut;
  private int throttled;

  FilterProcessor(ComponentContext context, FilterProcessorConfig config) {
    this(context, config, System::nanoTime, new SplittableRandom()::nextLong);
  }

  /** With a monotonic nanosecond clock and a random source of its own (tests). */
  FilterProcessor(
      ComponentContext context,
      FilterProcessorConfig config,
      LongSupplier nanoClock,
      LongSupplier random) {
    this.include = anyOf(FilterProcessorConfig.conditions(null, "include", config.include));
    this.exclude = anyOf(FilterProcessorConfig.conditions(null, "exclude", config.exclude));
    this.sampler = config.sample == null ? null : new Sampler(config.sample, random);
    this.throttler = config.throttle == null ? null : new Throttler(config.throttle);
    this.clock = nanoClock;
    this.notIncludedCounter = context.droppedCounter(NOT_INCLUDED);
    this.excludedCounter = context.droppedCounter(EXCLUDED);
    this.sampledOutCounter = context.droppedCounter(SAMPLED_OUT);
    this.throttledCounter = context.droppedCounter(THROTTLED);
  }

  /** One condition true when any of {@code texts} is; null for none. */
  static Condition anyOf(List<String> texts) {
    if (texts.isEmpty()) return null;
    Condition[] cs = new Condition[texts.size()];
    for (int i = 0; i < cs.length; i++) cs[i] = Conditions.compileValidated(texts.get(i));
    if (cs.length == 1) return cs[0];
    return ctx -> {
      for (Condition c : cs) {
        if (c.test(ctx)) return true;
      }
      return false;
    };
  }

  @Override
  public Batch process(Batch batch) {
    if (!(batch instanceof LogsBatch logs)) return batch;
    if (throttler != null) throttler.setNow(clock.getAsLong());
    notIncluded = excluded = sampledOut = throttled = 0;
    logs.removeRecords(this);
    notIncludedCounter.add(notIncluded);
    excludedCounter.add(excluded);
    sampledOutCounter.add(sampledOut);
    throttledCounter.add(throttled);
    return logs;
  }

  /** True when the record is dropped; counts why. */
  @Override
  public boolean test(ResourceLogs resource, ScopeLogs scope, LogRecord record) {
    ctx.set(resource, scope, record);
    if (include != null && !include.test(ctx)) {
      notIncluded++;
      return true;
    }
    if (exclude != null && exclude.test(ctx)) {
      excluded++;
      return true;
    }
    if (sampler != null && !sampler.keep(ctx)) {
      sampledOut++;
      return true;
    }
    if (throttler != null && !throttler.allow(ctx)) {
      throttled++;
      return true;
    }
    return false;
  }
}
