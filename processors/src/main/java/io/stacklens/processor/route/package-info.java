/**
 * The {@code route} processor: sends each record to the exporters of the first (or every) route
 * whose condition it matches, or to the default ones (docs/processors/route.md).
 */
package io.stacklens.processor.route;
