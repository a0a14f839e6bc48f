/**
 * The exporter helper that wraps every exporter's push function: a bounded queue, sender threads,
 * and the stages {@link io.stacklens.agent.exporterhelper.Batcher} (batching), {@link
 * io.stacklens.agent.exporterhelper.RetryStage} (backoff, partial failures), {@link
 * io.stacklens.agent.exporterhelper.AttemptStage} (per-attempt timeout) and {@link
 * io.stacklens.agent.exporterhelper.DeadLetterStage} (permanent failures to another exporter),
 * composed by {@link io.stacklens.agent.exporterhelper.ExporterRunner}; receivers' dead letters
 * enter a dead-letter exporter's queue through {@link
 * io.stacklens.agent.exporterhelper.ReceiverDeadLetters}, marked the same way ({@link
 * io.stacklens.agent.exporterhelper.DeadLetterCopies}). Every record that enters is counted once,
 * as sent or as failed with a reason (docs/exporters/exporter-helper.md).
 */
package io.stacklens.agent.exporterhelper;
