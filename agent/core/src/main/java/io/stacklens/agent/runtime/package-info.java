/**
 * The running agent: the component graph built back to front from a validated config, started
 * downstream first and stopped upstream first; pipelines (a bounded lock-free ring and one worker
 * running the processors), the all-or-nothing fan-out of one receiver to several pipelines, and the
 * report of what a shutdown could not deliver.
 */
package io.stacklens.agent.runtime;
