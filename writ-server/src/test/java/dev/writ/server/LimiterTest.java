package dev.writ.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LimiterTest {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  @Test
  void rate_burstThenRefillAtTheRate() {
    Limiter l = new Limiter(10, 3, 4, nanos::get);

    assertThat(l.tryAcquireRate()).isTrue();
    assertThat(l.tryAcquireRate()).isTrue();
    assertThat(l.tryAcquireRate()).isTrue();
    assertThat(l.tryAcquireRate()).isFalse();
    nanos.addAndGet(100_000_000L); // 0.1 s at 10/s: one token
    assertThat(l.tryAcquireRate()).isTrue();
    assertThat(l.tryAcquireRate()).isFalse();
    nanos.addAndGet(60_000_000_000L); // a minute: refills to the burst, not beyond
    for (int i = 0; i < 3; i++) {
      assertThat(l.tryAcquireRate()).isTrue();
    }
    assertThat(l.tryAcquireRate()).isFalse();
  }

  @Test
  void inFlight_boundedAndReleased() {
    Limiter l = new Limiter(10, 3, 2, nanos::get);

    assertThat(l.tryEnter()).isTrue();
    assertThat(l.tryEnter()).isTrue();
    assertThat(l.tryEnter()).isFalse();
    l.exit();
    assertThat(l.tryEnter()).isTrue();
  }

  @Test
  void nonPositiveLimits_refused() {
    assertThatThrownBy(() -> new Limiter(0, 1, 1, nanos::get))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Limiter(1, 0, 1, nanos::get))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Limiter(1, 1, 0, nanos::get))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
