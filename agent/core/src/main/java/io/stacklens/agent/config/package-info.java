/**
 * Loading the agent's YAML: reading files with line and column, merging several files and {@code
 * --set} overrides, {@code ${env:...}} expansion, binding onto the components' config classes,
 * validation (every problem at once, each with its YAML path, line:column and a "did you mean"
 * where it helps), the pipeline and dead-letter cross-checks, and printing the effective config
 * with secrets redacted. Nothing here starts a component.
 */
package io.stacklens.agent.config;
