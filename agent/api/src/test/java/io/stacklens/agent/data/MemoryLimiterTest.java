package io.stacklens.agent.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class MemoryLimiterTest {

  @Test
  void tryAcquireTakesWhatFitsAndRefusesWhatWouldCrossTheLimitWithoutTakingIt() {
    MemoryLimiter limiter = new MemoryLimiter(100);

    assertThat(limiter.tryAcquire(60)).isTrue();
    assertThat(limiter.tryAcquire(41)).isFalse();
    assertThat(limiter.used()).isEqualTo(60);
    assertThat(limiter.tryAcquire(40)).isTrue();
    assertThat(limiter.used()).isEqualTo(100);
    assertThat(limiter.isExhausted()).isTrue();
  }

  @Test
  void releasingGivesRoomBackAndPeakRemembersTheHighestUse() {
    MemoryLimiter limiter = new MemoryLimiter(100);
    limiter.tryAcquire(90);
    limiter.release(80);

    assertThat(limiter.used()).isEqualTo(10);
    assertThat(limiter.isExhausted()).isFalse();
    assertThat(limiter.peak()).isEqualTo(90);
    assertThat(limiter.tryAcquire(90)).isTrue();
  }

  @Test
  void forceAcquireMayPassTheLimitAndThenEveryRequestIsRefused() {
    MemoryLimiter limiter = new MemoryLimiter(100);
    limiter.tryAcquire(80);
    limiter.forceAcquire(50);

    assertThat(limiter.used()).isEqualTo(130);
    assertThat(limiter.peak()).isEqualTo(130);
    assertThat(limiter.isExhausted()).isTrue();
    assertThat(limiter.tryAcquire(1)).isFalse();
  }

  @Test
  void zeroAndNegativeAmountsAreNoOps() {
    MemoryLimiter limiter = new MemoryLimiter(10);
    assertThat(limiter.tryAcquire(0)).isTrue();
    assertThat(limiter.tryAcquire(-5)).isTrue();
    limiter.forceAcquire(-5);
    assertThat(limiter.used()).isZero();
  }

  @Test
  void anAmountThatWouldOverflowIsRefused() {
    MemoryLimiter limiter = MemoryLimiter.unlimited();
    MemoryLimiter big = new MemoryLimiter(Long.MAX_VALUE);
    big.tryAcquire(Long.MAX_VALUE - 10);
    assertThat(big.tryAcquire(Long.MAX_VALUE)).isFalse();
    assertThat(limiter.tryAcquire(1L << 40)).isTrue();
    limiter.release(1L << 40);
  }

  @Test
  void aLimitBelowOneByteIsRejected() {
    assertThatThrownBy(() -> new MemoryLimiter(0)).hasMessageContaining("at least 1 byte");
  }

  @Test
  void concurrentAcquirersNeverTakeMoreThanTheLimitTogether() throws Exception {
    MemoryLimiter limiter = new MemoryLimiter(10_000);
    int threads = 4;
    CountDownLatch start = new CountDownLatch(1);
    long[] taken = new long[threads];
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int index = t;
      Thread worker =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int i = 0; i < 10_000; i++) {
                  if (limiter.tryAcquire(7)) taken[index] += 7;
                }
              });
      worker.start();
      workers.add(worker);
    }
    start.countDown();
    for (Thread worker : workers) worker.join();

    long total = 0;
    for (long t : taken) total += t;
    assertThat(total)
        .isEqualTo(limiter.used())
        .isLessThanOrEqualTo(10_000)
        .isGreaterThan(10_000 - 7);
  }
}
