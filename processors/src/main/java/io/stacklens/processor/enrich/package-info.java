/**
 * The {@code enrich} processor: host and resource attributes, GeoIP, lookup tables and HTTP APIs
 * behind TTL caches and a circuit breaker; a source that fails tags the record as partially
 * enriched instead of losing it (docs/processors/enrich.md).
 */
package io.stacklens.processor.enrich;
