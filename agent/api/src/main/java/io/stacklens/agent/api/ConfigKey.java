package io.stacklens.agent.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Overrides the YAML key of a config field (default: the field name in snake_case). */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface ConfigKey {
  /** The YAML key to bind the annotated field to, used as written. */
  String value();
}
