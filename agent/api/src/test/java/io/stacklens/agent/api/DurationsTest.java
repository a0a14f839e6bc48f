package io.stacklens.agent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({
    "5s, PT5S",
    "200ms, PT0.2S",
    "1m30s, PT1M30S",
    "1h, PT1H",
    "1.5h, PT1H30M",
    "250us, PT0.00025S",
    "10ns, PT0.00000001S",
    "0, PT0S",
    "2h45m10s500ms, PT2H45M10.5S"
  })
  void parsesNumbersWithUnits(String text, String expected) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(strings = {"5", "1.5", "-3"})
  void plainNumberSaysToAddAUnit(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "expected a duration, got '"
                + text
                + "': add a unit, e.g. "
                + text
                + "s or "
                + text
                + "ms");
  }

  @ParameterizedTest
  @ValueSource(strings = {"5 s", "s", "5x", "1m30", "", "-5s"})
  void rejectsTextThatIsNotADuration(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'");
  }

  @ParameterizedTest
  @CsvSource({
    "PT5S, 5s",
    "PT0.2S, 200ms",
    "PT1M30S, 1m30s",
    "PT1H, 1h",
    "PT0S, 0s",
    "PT1.5S, 1s500ms"
  })
  void formatsTheShortestFormThatParsesBack(String iso, String expected) {
    Duration duration = Duration.parse(iso);
    assertThat(Durations.format(duration)).isEqualTo(expected);
    assertThat(Durations.parse(Durations.format(duration))).isEqualTo(duration);
  }
}
