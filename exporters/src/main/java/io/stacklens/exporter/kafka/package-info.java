/**
 * The {@code kafka} exporter: OTLP protobuf, OTLP/JSON or flat JSON messages, split to fit {@code
 * max_message_bytes}, keyed and routed by attributes, acknowledged by the brokers before a push
 * returns; what was not acknowledged is reported as unsent and what Kafka will never take as a
 * permanent failure (docs/exporters/kafka.md).
 */
package io.stacklens.exporter.kafka;
