package dev.writ.state;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Lets readers wait until the audit log of this replica reaches a size, as a follower's server must
 * before it can prove inclusion of a leaf the leader just committed. Appliers call {@link
 * #advanced} after every apply; it costs one volatile read unless somebody waits.
 *
 * <p>Thread-safe.
 */
final class AppliedWaiters {
  private final Object monitor = new Object();
  private final java.util.concurrent.atomic.AtomicInteger waiting =
      new java.util.concurrent.atomic.AtomicInteger();

  /** Wakes waiters; cheap when nobody waits. */
  void advanced(long size) {
    if (waiting.get() > 0) {
      synchronized (monitor) {
        monitor.notifyAll();
      }
    }
  }

  /** Waits until {@code current} reaches {@code size}; false after {@code timeout}. */
  boolean await(LongSupplier current, long size, Duration timeout) throws InterruptedException {
    if (current.getAsLong() >= size) {
      return true;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (monitor) {
      waiting.incrementAndGet();
      try {
        while (current.getAsLong() < size) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          // bounded waits: a wake-up missed between the check and the wait costs at most 10 ms
          monitor.wait(Math.max(1, Math.min(10, left / 1_000_000)));
        }
        return true;
      } finally {
        waiting.decrementAndGet();
      }
    }
  }
}
