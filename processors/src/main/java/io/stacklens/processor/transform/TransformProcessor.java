package io.stacklens.processor.transform;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.Processor;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.expr.Condition;
import io.stacklens.agent.expr.LogContext;
import io.stacklens.agent.telemetry.Counter;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The {@code transform} processor: runs its actions in order on every log record. It never drops a
 * record; an action that fails on a record is counted and the record tagged with {@value
 * #ERROR_ATTRIBUTE} (except a convert with {@code on_error: remove}, which removes the field).
 */
final class TransformProcessor implements Processor, LogsBatch.RecordVisitor {
  static final String ERROR_ATTRIBUTE = "transform.error";
  static final String ERRORS_METRIC = "stacklens_processor_transform_errors_total";
  static final String REDACTIONS_METRIC = "stacklens_processor_redactions_total";

  private final Step[] steps;
  private final Counter[] errors;
  private final Counter[] redactions;
  private final LogContext ctx = new LogContext();

  TransformProcessor(ComponentContext context, TransformProcessorConfig config) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(
          "this JVM has no SHA-256", e); // every Java SE platform has it
    }
    List<ActionConfig> actions = config.actions;
    steps = new Step[actions.size()];
    errors = new Counter[actions.size()];
    redactions = new Counter[actions.size()];
    String pipeline = context.pipeline() == null ? "" : context.pipeline();
    for (int i = 0; i < steps.length; i++) {
      String label = "actions[" + i + "]";
      steps[i] = Step.of(actions.get(i), label, digest);
      errors[i] =
          context
              .metrics()
              .counter(
                  ERRORS_METRIC,
                  "Records a transform action could not change",
                  "processor",
                  context.id().toString(),
                  "pipeline",
                  pipeline,
                  "action",
                  label);
      if (steps[i] instanceof Step.Redact) {
        redactions[i] =
            context
                .metrics()
                .counter(
                    REDACTIONS_METRIC,
                    "Matches masked by redact actions",
                    "processor",
                    context.id().toString(),
                    "pipeline",
                    pipeline,
                    "action",
                    label);
      }
    }
  }

  @Override
  public Batch process(Batch batch) {
    if (!(batch instanceof LogsBatch logs)) return batch;
    logs.forEachRecord(this);
    for (int i = 0; i < steps.length; i++) {
      if (steps[i] instanceof Step.Redact r) redactions[i].add(r.redactor.takeCount());
    }
    return logs;
  }

  @Override
  public void visit(ResourceLogs resource, ScopeLogs scope, LogRecord record) {
    ctx.set(resource, scope, record);
    for (int i = 0; i < steps.length; i++) {
      Step step = steps[i];
      if (step.when != Condition.ALWAYS && !step.when.test(ctx)) continue;
      try {
        step.apply(ctx);
      } catch (Step.RemovedException e) {
        errors[i].inc();
      } catch (RuntimeException e) {
        errors[i].inc();
        record.attributes().put(ERROR_ATTRIBUTE, step.label + ": " + message(e));
      }
    }
  }

  private static String message(RuntimeException e) {
    return e instanceof IllegalArgumentException && e.getMessage() != null
        ? e.getMessage()
        : e.toString();
  }
}
