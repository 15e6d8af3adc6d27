package dev.writ.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** PROTOTYPE: the ordered waiter queue of {@link AppliedWaiters}. */
class AppliedWaitersTest {
  @Test
  void await_sizeReachedLater_returnsTrueForEveryWaiter() throws Exception {
    AppliedWaiters waiters = new AppliedWaiters();
    AtomicLong size = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> done = new ArrayList<>();
      for (int i = 1; i <= 8; i++) {
        long want = i * 10L;
        done.add(pool.submit(() -> waiters.await(size::get, want, Duration.ofSeconds(20))));
      }
      for (int n = 1; n <= 80; n++) {
        size.set(n);
        waiters.advanced(n);
      }
      for (Future<Boolean> f : done) {
        assertThat(f.get(30, TimeUnit.SECONDS)).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void await_sizeNeverReached_returnsFalseAfterTimeout() throws Exception {
    AppliedWaiters waiters = new AppliedWaiters();
    waiters.advanced(4);

    assertThat(waiters.await(() -> 4, 5, Duration.ofMillis(50))).isFalse();
    assertThat(waiters.await(() -> 5, 5, Duration.ofMillis(50))).isTrue();
  }
}
