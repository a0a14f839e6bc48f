/**
 * The {@code json_lines} encoding: one flat JSON object per log record, span or metric data point,
 * written straight to UTF-8 bytes without intermediate objects. The file exporter writes it as
 * lines, the Kafka exporter ({@code encoding: json}) one record per message.
 */
package io.stacklens.exporter.codec.jsonlines;
