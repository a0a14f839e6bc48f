/**
 * The component API: what a receiver, processor or exporter author needs, and nothing else.
 *
 * <p>A component is a {@link io.stacklens.agent.api.Factory} (kind, type, stability, signals, a
 * config class with its defaults) that creates {@link io.stacklens.agent.api.Receiver}s, {@link
 * io.stacklens.agent.api.Processor}s or {@link io.stacklens.agent.api.Exporter}s. Receivers hand
 * batches to a {@link io.stacklens.agent.api.Consumer}, which answers at once with an {@link
 * io.stacklens.agent.api.Admission} (never blocking); exporters write only {@link
 * io.stacklens.agent.api.Exporter#push} and report failures with {@link
 * io.stacklens.agent.api.ExportException} (retryable or permanent, whole or partial). Config
 * classes implement {@link io.stacklens.agent.api.ComponentConfig} and report mistakes through
 * {@link io.stacklens.agent.api.ConfigProblems}; the runtime adds the YAML path and line.
 * Everything here is a stable contract; the rest of the agent module is implementation.
 */
package io.stacklens.agent.api;
