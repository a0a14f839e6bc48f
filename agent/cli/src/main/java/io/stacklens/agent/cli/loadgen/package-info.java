/**
 * The OTLP load generator ({@code stacklens-agent loadgen}, docs/loadgen.md): pre-encoded requests
 * sent over gRPC or HTTP by a fixed number of in-flight slots, paced or not, with retries of
 * refused requests and a latency and throughput report.
 */
package io.stacklens.agent.cli.loadgen;
