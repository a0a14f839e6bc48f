package io.stacklens.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacklens.agent.data.Signal;
import org.junit.jupiter.api.Test;

class PipelineIdTest {

  @Test
  void parsesSignalAndOptionalName() {
    assertThat(PipelineId.parse("logs")).isEqualTo(new PipelineId(Signal.LOGS, ""));
    assertThat(PipelineId.parse("traces/sampled"))
        .isEqualTo(new PipelineId(Signal.TRACES, "sampled"));
  }

  @Test
  void printsAsWritten() {
    assertThat(PipelineId.of(Signal.METRICS)).hasToString("metrics");
    assertThat(new PipelineId(Signal.LOGS, "audit")).hasToString("logs/audit");
  }

  @Test
  void unknownSignalNamesTheKnownOnes() {
    assertThatThrownBy(() -> PipelineId.parse("spans/x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "unknown signal 'spans' in pipeline id 'spans/x' (known signals: logs, traces, metrics)");
  }

  @Test
  void emptyOrNestedNameIsRefused() {
    assertThatThrownBy(() -> PipelineId.parse("logs/"))
        .hasMessage("invalid pipeline id 'logs/': name after '/' must not be empty");
    assertThatThrownBy(() -> PipelineId.parse("logs/a/b"))
        .hasMessage("invalid pipeline name 'a/b': must not contain '/' or be blank");
  }
}
