/**
 * The {@code kafka} receiver: consumer threads in a group, messages decoded within the limits,
 * offsets committed only for records the pipeline accepted (the offset ledger), partitions paused
 * under backpressure, undecodable messages to a dead-letter exporter (docs/receivers/kafka.md).
 */
package io.stacklens.receiver.kafka;
