/**
 * The one reader from JSON text to the agent's value model ({@link
 * io.stacklens.agent.json.JsonValueReader}), with its rules decided once: repeated keys, big
 * integers, nesting depth, unpaired surrogates, and decode limits counted as it reads. Used by the
 * {@code http_json} and Kafka receivers and the {@code parse} and {@code enrich} processors; errors
 * name the line and column.
 */
package io.stacklens.agent.json;
