package io.stacklens.agent.config;

import static io.stacklens.agent.config.Loads.load;
import static io.stacklens.agent.config.Loads.printed;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MemoryLimiterConfigTest {
  private static final long MIB = 1024L * 1024;

  @Test
  void byDefaultTheBudgetIsThirtyPercentOfTheMaxHeap() {
    MemoryLimiterConfig config = new MemoryLimiterConfig();
    assertThat(config.limitBytes(128 * MIB)).isEqualTo(128 * MIB / 100 * 30);
  }

  @Test
  void aFixedLimitWinsOverThePercentage() {
    LoadResult result = load(yaml("memory_limiter: { limit: 48MiB, limit_percentage: 80 }"));

    assertThat(printed(result)).isEmpty();
    assertThat(result.config().orElseThrow().service().memoryLimiter.limitBytes(1024 * MIB))
        .isEqualTo(48 * MIB);
  }

  @Test
  void aTinyHeapStillGetsOneMebibyte() {
    assertThat(new MemoryLimiterConfig().limitBytes(2 * MIB)).isEqualTo(MIB);
  }

  @Test
  void aPercentageOutOfRangeIsAnErrorAtItsLine() {
    LoadResult result = load(yaml("memory_limiter:\n    limit_percentage: 95"));

    assertThat(printed(result))
        .singleElement()
        .asString()
        .startsWith("agent.yaml:7:")
        .contains("service.memory_limiter.limit_percentage: must be between 1 and 90, got 95");
  }

  @Test
  void aLimitUnderOneMebibyteIsAnError() {
    LoadResult result = load(yaml("memory_limiter: { limit: 100KiB }"));

    assertThat(printed(result))
        .singleElement()
        .asString()
        .contains(
            "service.memory_limiter.limit: must be 0 (use limit_percentage) or at least 1MiB");
  }

  @Test
  void unknownKeysSuggestTheRightOne() {
    LoadResult result = load(yaml("memory_limiter: { limit_percent: 20 }"));

    assertThat(printed(result))
        .singleElement()
        .asString()
        .contains("did you mean 'limit_percentage'?");
  }

  private static String yaml(String memoryLimiter) {
    return """
        receivers:
          otlp:
        exporters:
          file: { path: /tmp/out }
        service:
          %s
          pipelines:
            logs: { receivers: [otlp], exporters: [file] }
        """
        .formatted(memoryLimiter);
  }
}
