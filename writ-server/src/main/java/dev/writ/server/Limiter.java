package dev.writ.server;

import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;

/**
 * The request limits of docs/spec/api.md section 6: a token bucket over {@code POST /v1/writs}
 * ({@code rate} per second, bursts up to {@code burst}) and a bound on requests waiting for the
 * ledger. Time comes from an injected nanosecond source.
 *
 * <p>Thread-safe.
 */
final class Limiter {
  private final double ratePerNano;
  private final double burst;
  private final LongSupplier nanoTime;
  private final Semaphore inFlight;
  private double tokens;
  private long last;

  Limiter(long ratePerSecond, long burst, int maxInFlight, LongSupplier nanoTime) {
    if (ratePerSecond < 1 || burst < 1 || maxInFlight < 1) {
      throw new IllegalArgumentException("rate, burst and in-flight limit must be positive");
    }
    this.ratePerNano = ratePerSecond / 1e9;
    this.burst = burst;
    this.nanoTime = nanoTime;
    this.inFlight = new Semaphore(maxInFlight);
    this.tokens = burst;
    this.last = nanoTime.getAsLong();
  }

  /** Takes one token; false when the rate is exceeded. */
  synchronized boolean tryAcquireRate() {
    long now = nanoTime.getAsLong();
    tokens = Math.min(burst, tokens + (now - last) * ratePerNano);
    last = now;
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }

  /** Admits one request to wait for the ledger; false when too many already wait. */
  boolean tryEnter() {
    return inFlight.tryAcquire();
  }

  /** Ends a request {@link #tryEnter} admitted. */
  void exit() {
    inFlight.release();
  }
}
