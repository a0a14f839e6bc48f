package io.stacklens.agent.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a nested config field: when the key is written in YAML, bind it onto a fresh instance (its
 * no-arg constructor) instead of merging onto the factory's default value. For "which of these are
 * on" sections such as the OTLP receiver's {@code protocols}: the default enables both, but writing
 * {@code protocols: { grpc: }} enables only gRPC. A nested key written with an empty value ({@code
 * grpc:}) means "on, with defaults".
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface ReplaceDefaults {}
