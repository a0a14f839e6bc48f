package io.stacklens.processor.transform;

import io.stacklens.agent.data.AnyValues;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.expr.Condition;
import io.stacklens.agent.expr.Conditions;
import io.stacklens.agent.expr.FieldPath;
import io.stacklens.agent.expr.LogContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One compiled action: paths parsed, regexes compiled, literals converted, all at construction.
 * {@link #apply} throws IllegalArgumentException (with a message for {@code transform.error}) when
 * it cannot do its work on a record.
 */
abstract class Step {
  final Condition when;

  /** {@code actions[i]}, for metric labels and error messages. */
  final String label;

  Step(ActionConfig a, String label) {
    this.when = Conditions.compileValidated(a.when);
    this.label = label;
  }

  abstract void apply(LogContext ctx);

  /**
   * Compiles a validated action. {@code digest} is shared by the processor instance's hash steps.
   */
  static Step of(ActionConfig a, String label, MessageDigest digest) {
    return switch (a.action) {
      case SET -> a.from != null ? new SetFrom(a, label) : new SetValue(a, label);
      case RENAME -> new Rename(a, label);
      case COPY -> new Copy(a, label);
      case DELETE -> a.keysMatching != null ? new DeleteMatching(a, label) : new Delete(a, label);
      case HASH -> new Hash(a, label, digest);
      case REDACT -> new Redact(a, label);
      case TRUNCATE -> new Truncate(a, label);
      case CONVERT -> new Convert(a, label);
    };
  }

  static final class SetValue extends Step {
    private final FieldPath field;
    private final Object value;

    SetValue(ActionConfig a, String label) {
      super(a, label);
      this.field = a.fieldPath();
      this.value = a.type == null ? a.value : Values.convert(a.value, a.type);
    }

    @Override
    void apply(LogContext ctx) {
      field.set(
          ctx, value); // strings, longs, doubles and booleans are immutable: shared by every record
    }
  }

  static final class SetFrom extends Step {
    private final FieldPath field;
    private final FieldPath from;
    private final ActionConfig.ValueType type;

    SetFrom(ActionConfig a, String label) {
      super(a, label);
      this.field = a.fieldPath();
      this.from = Conditions.fieldValidated(a.from);
      this.type = a.type;
    }

    @Override
    void apply(LogContext ctx) {
      Object v = from.get(ctx);
      if (v == null) return;
      field.set(ctx, type == null ? AnyValues.deepCopy(v) : Values.convert(v, type));
    }
  }

  static final class Rename extends Step {
    private final FieldPath field;
    private final FieldPath to;

    Rename(ActionConfig a, String label) {
      super(a, label);
      this.field = a.fieldPath();
      this.to = Conditions.fieldValidated(a.to);
    }

    @Override
    void apply(LogContext ctx) {
      field.moveTo(ctx, to);
    }
  }

  static final class Copy extends Step {
    private final FieldPath field;
    private final FieldPath to;

    Copy(ActionConfig a, String label) {
      super(a, label);
      this.field = a.fieldPath();
      this.to = Conditions.fieldValidated(a.to);
    }

    @Override
    void apply(LogContext ctx) {
      Object v = field.get(ctx);
      if (v != null) to.set(ctx, AnyValues.deepCopy(v));
    }
  }

  static final class Delete extends Step {
    private final FieldPath field;

    Delete(ActionConfig a, String label) {
      super(a, label);
      this.field = a.fieldPath();
    }

    @Override
    void apply(LogContext ctx) {
      field.remove(ctx); // a whole map (attributes, resource.attributes) is cleared
    }
  }

  static final class DeleteMatching extends Step {
    private final FieldPath map;
    private final Matcher matcher;

    DeleteMatching(ActionConfig a, String label) {
      super(a, label);
      this.map = a.field == null ? FieldPath.of(FieldPath.Root.ATTRIBUTES) : a.fieldPath();
      this.matcher = Pattern.compile(a.keysMatching).matcher("");
    }

    @Override
    void apply(LogContext ctx) {
      if (!(map.get(ctx) instanceof Attributes m)) return;
      for (int i = m.size() - 1; i >= 0; i--) {
        String key = m.key(i);
        if (matcher.reset(key).find()) m.remove(key);
      }
      matcher.reset("");
    }
  }

  static final class Hash extends Step {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private final FieldPath field;
    private final byte[] salt;
    private final MessageDigest digest;

    Hash(ActionConfig a, String label, MessageDigest digest) {
      super(a, label);
      this.field = a.fieldPath();
      this.salt = a.salt == null ? new byte[0] : a.salt.getBytes(StandardCharsets.UTF_8);
      this.digest = digest;
    }

    @Override
    void apply(LogContext ctx) {
      Object v = field.get(ctx);
      if (v == null) return;
      byte[] bytes;
      if (v instanceof byte[] b) bytes = b;
      else if (v instanceof String s) bytes = s.getBytes(StandardCharsets.UTF_8);
      else if (v instanceof Attributes || v instanceof java.util.List<?>) {
        throw new IllegalArgumentException(
            "cannot hash " + field + ": it holds a " + FieldPath.kind(v));
      } else bytes = String.valueOf(v).getBytes(StandardCharsets.UTF_8);
      digest.reset();
      digest.update(salt);
      byte[] d = digest.digest(bytes);
      char[] out = new char[d.length * 2];
      for (int i = 0; i < d.length; i++) {
        out[2 * i] = HEX[(d[i] >> 4) & 0xf];
        out[2 * i + 1] = HEX[d[i] & 0xf];
      }
      field.set(ctx, new String(out));
    }
  }

  static final class Redact extends Step {
    private final FieldPath field;
    final Redactor redactor;

    Redact(ActionConfig a, String label) {
      super(a, label);
      this.field = a.field == null ? null : a.fieldPath();
      this.redactor = Redactor.of(a);
    }

    @Override
    void apply(LogContext ctx) {
      if (field == null) {
        Object body = ctx.record().body();
        Object r = redactor.redact(body);
        if (r != body) ctx.record().setBody(r);
        redactor.redact(ctx.record().attributes());
      } else {
        Object v = field.get(ctx);
        if (v == null) return;
        Object r = redactor.redact(v);
        if (r != v) field.set(ctx, r);
      }
    }
  }

  static final class Truncate extends Step {
    private final FieldPath field;
    private final int maxLength;

    Truncate(ActionConfig a, String label) {
      super(a, label);
      this.field = a.fieldPath();
      this.maxLength = a.maxLength;
    }

    @Override
    void apply(LogContext ctx) {
      if (!(field.get(ctx) instanceof String s) || s.length() <= maxLength) return;
      int end = maxLength;
      if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1)))
        end--; // never split a surrogate pair
      field.set(ctx, s.substring(0, end));
    }
  }

  static final class Convert extends Step {
    private final FieldPath field;
    private final ActionConfig.ValueType type;
    private final boolean removeOnError;

    Convert(ActionConfig a, String label) {
      super(a, label);
      this.field = a.fieldPath();
      this.type = a.type;
      this.removeOnError = a.onError == ActionConfig.OnError.REMOVE;
    }

    @Override
    void apply(LogContext ctx) {
      Object v = field.get(ctx);
      if (v == null) return;
      Object converted;
      try {
        converted = Values.convert(v, type);
      } catch (IllegalArgumentException e) {
        if (removeOnError) {
          field.remove(ctx);
          throw new RemovedException(
              "convert " + field + " to " + Values.name(type) + ": " + e.getMessage());
        }
        throw new IllegalArgumentException(
            "convert " + field + " to " + Values.name(type) + ": " + e.getMessage());
      }
      if (converted != v) field.set(ctx, converted);
    }
  }

  /** A failure already handled by removing the field: counted, but the record is not tagged. */
  static final class RemovedException extends IllegalArgumentException {
    RemovedException(String message) {
      super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }
}
