/**
 * The {@code rules} processor: turns records matching a rule into alerts ({@code alert.issue_code},
 * severity, suggested fix, confidence) for the alerts table (docs/processors/rules.md).
 */
package io.stacklens.processor.rules;
