/**
 * The test kit every module uses at test scope, as the Collector's {@code consumertest} and {@code
 * componenttest}: a collecting consumer and a recording exporter (sinks), stub factories, test
 * batches, free ports, and promtool for the {@code /metrics} exposition. Real servers are in {@code
 * kafka} and {@code postgres}. Depends only on the component API.
 */
package io.stacklens.agent.testing;
