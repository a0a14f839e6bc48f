package io.stacklens.agent.runtime;

import io.stacklens.agent.config.LoadResult;

/**
 * Where a reload reads the config again: the same files and {@code --set} overrides the agent was
 * started with (or the embedded default), loaded and validated as at start.
 */
@FunctionalInterface
public interface ConfigSource {
  LoadResult load();
}
