/**
 * The {@code parse} processor: JSON, regex and key=value parsing of a field, timestamps,
 * severities, renames, normalisation and schema checks; a record that fails is kept and tagged with
 * {@code parse.error} (docs/processors/parse.md).
 */
package io.stacklens.processor.parse;
