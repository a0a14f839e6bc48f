/**
 * The {@code filter} processor: include and exclude conditions, consistent sampling by a key, and
 * per-key rate limits; every dropped record is counted with its reason (docs/processors/filter.md).
 */
package io.stacklens.processor.filter;
