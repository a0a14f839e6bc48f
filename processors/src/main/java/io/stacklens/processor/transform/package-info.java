/**
 * The {@code transform} processor: an ordered list of actions (set, rename, delete, hash, redact,
 * truncate, ...) on record fields, each action an object compiled once
 * (docs/processors/transform.md).
 */
package io.stacklens.processor.transform;
