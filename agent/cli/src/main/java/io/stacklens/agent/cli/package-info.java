/**
 * The {@code stacklens-agent} command line: {@code run}, {@code validate}, {@code print-config},
 * {@code components}, {@code version} and {@code loadgen}, with their exit statuses
 * (docs/packaging.md), the start banner, logging set-up and signal handling.
 */
package io.stacklens.agent.cli;
