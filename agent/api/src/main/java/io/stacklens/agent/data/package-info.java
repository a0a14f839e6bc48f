/**
 * The telemetry model shared by every component: {@link io.stacklens.agent.data.Batch} (logs as our
 * own mutable model, decoded once; traces and metrics kept in their protobuf form), attributes and
 * values, and the memory each batch holds against the agent's budget ({@link
 * io.stacklens.agent.data.MemoryEstimate}, reference-counted holds).
 */
package io.stacklens.agent.data;
