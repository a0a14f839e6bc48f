/**
 * The {@code file} exporter: JSON lines or OTLP/JSON to a local file, written in whole lines about
 * 1 MiB at a time, with size and time rotation, gzip of rotated files and pruning of old ones
 * (docs/exporters/file.md).
 */
package io.stacklens.exporter.file;
