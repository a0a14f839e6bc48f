package io.stacklens.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RateLimitedLogTest {
  private static final long SECOND = 1_000_000_000L;

  private final List<String> lines = new ArrayList<>();
  private final List<Long> scheduledDelays = new ArrayList<>();
  private final List<Runnable> scheduled = new ArrayList<>();
  private long now = 1_000 * SECOND;

  private final RateLimitedLog log =
      new RateLimitedLog(
          (level, line) -> lines.add(level + " " + line),
          Duration.ofMinutes(1),
          () -> now,
          (task, delay) -> {
            scheduled.add(task);
            scheduledDelays.add(delay);
          });

  /** Moves the clock and runs the tasks that are due, as the shared scheduler would. */
  private void advance(long seconds) {
    now += seconds * SECOND;
    List<Runnable> due = new ArrayList<>(scheduled);
    scheduled.clear();
    due.forEach(Runnable::run);
  }

  @Test
  void firstOccurrenceIsWrittenAtOnce() {
    log.warn("connection_limit", () -> "refused a connection");
    assertThat(lines).containsExactly("WARNING refused a connection");
    assertThat(scheduled).isEmpty();
  }

  @Test
  void laterOccurrencesInTheIntervalAreCountedAndSummarisedWhenItEnds() {
    log.warn("connection_limit", () -> "refused 1");
    now += 10 * SECOND;
    for (int i = 2; i <= 5; i++) {
      int n = i;
      log.warn("connection_limit", () -> "refused " + n);
    }
    assertThat(lines).containsExactly("WARNING refused 1");
    assertThat(scheduledDelays).containsExactly(50 * SECOND);

    advance(50);

    assertThat(lines)
        .containsExactly(
            "WARNING refused 1", "WARNING refused 5 (4 more like this in the last 60s)");
  }

  @Test
  void theNextOccurrenceAfterTheIntervalIsWrittenAtOnceAgain() {
    log.warn("r", () -> "one");
    advance(61);
    log.warn("r", () -> "two");
    assertThat(lines).containsExactly("WARNING one", "WARNING two");
  }

  @Test
  void reasonsAreLimitedSeparately() {
    log.warn("header_timeout", () -> "a");
    log.warn("connection_limit", () -> "b");
    log.warn("header_timeout", () -> "c");
    assertThat(lines).containsExactly("WARNING a", "WARNING b");
    advance(60);
    assertThat(lines)
        .containsExactly("WARNING a", "WARNING b", "WARNING c (1 more like this in the last 60s)");
  }

  @Test
  void suppressedMessagesAreNotBuilt() {
    AtomicInteger built = new AtomicInteger();
    log.warn("r", () -> "first " + built.incrementAndGet());
    for (int i = 0; i < 1000; i++) log.warn("r", () -> "later " + built.incrementAndGet());
    assertThat(built).hasValue(1);
    advance(60);
    assertThat(built).hasValue(2); // the latest one, for the summary
    assertThat(lines).last().isEqualTo("WARNING later 2 (1000 more like this in the last 60s)");
  }

  @Test
  void aSummaryStillDueIsWrittenBeforeTheNextIntervalsFirstLine() {
    log.warn("r", () -> "one");
    log.warn("r", () -> "two");
    now += 61 * SECOND; // the scheduled task has not run yet
    log.warn("r", () -> "three");
    assertThat(lines)
        .containsExactly(
            "WARNING one", "WARNING two (1 more like this in the last 60s)", "WARNING three");
    advance(0);
    assertThat(lines).hasSize(3);
  }

  @Test
  void aTaskForOneReasonReschedulesForAnotherStillRunningInterval() {
    log.warn("a", () -> "a1");
    log.warn("a", () -> "a2");
    now += 30 * SECOND;
    log.warn("b", () -> "b1");
    log.warn("b", () -> "b2");
    assertThat(scheduledDelays).containsExactly(60 * SECOND); // one task per instance at a time

    advance(30);
    assertThat(lines)
        .containsExactly(
            "WARNING a1", "WARNING b1", "WARNING a2 (1 more like this in the last 60s)");
    assertThat(scheduledDelays).containsExactly(60 * SECOND, 30 * SECOND);

    advance(30);
    assertThat(lines).last().isEqualTo("WARNING b2 (1 more like this in the last 60s)");
    assertThat(scheduled).isEmpty();
  }

  @Test
  void flushWritesPendingSummariesAtOnce() {
    log.warn("r", () -> "one");
    log.warn("r", () -> "two");
    log.flush();
    assertThat(lines)
        .containsExactly("WARNING one", "WARNING two (1 more like this in the last 60s)");
    advance(60);
    assertThat(lines).hasSize(2);
  }

  @Test
  void flushAllReachesEveryInstanceWithPendingSummaries() {
    log.warn("r", () -> "one");
    log.warn("r", () -> "two");
    RateLimitedLog.flushAll();
    assertThat(lines)
        .containsExactly("WARNING one", "WARNING two (1 more like this in the last 60s)");
  }

  @Test
  void keepsTheLevelOfTheFirstUse() {
    log.log(Level.INFO, "idle", () -> "closed an idle connection");
    assertThat(lines).containsExactly("INFO closed an idle connection");
  }

  @Test
  void subSecondIntervalsAreShownInMilliseconds() {
    List<String> out = new ArrayList<>();
    List<Runnable> tasks = new ArrayList<>();
    RateLimitedLog fast =
        new RateLimitedLog(
            (l, line) -> out.add(line), Duration.ofMillis(250), () -> now, (t, d) -> tasks.add(t));
    fast.warn("r", () -> "x");
    fast.warn("r", () -> "y");
    now += SECOND;
    tasks.forEach(Runnable::run);
    assertThat(out).containsExactly("x", "y (1 more like this in the last 250ms)");
  }

  @Test
  void theProductionFactoryWritesToTheLogger() {
    List<String> messages = new ArrayList<>();
    System.Logger logger =
        new System.Logger() {
          @Override
          public String getName() {
            return "test";
          }

          @Override
          public boolean isLoggable(Level level) {
            return true;
          }

          @Override
          public void log(
              Level level, java.util.ResourceBundle bundle, String msg, Throwable thrown) {
            messages.add(msg);
          }

          @Override
          public void log(
              Level level, java.util.ResourceBundle bundle, String format, Object... params) {
            messages.add(format);
          }
        };
    RateLimitedLog.of(logger).warn("r", () -> "hello");
    assertThat(messages).containsExactly("hello");
  }
}
