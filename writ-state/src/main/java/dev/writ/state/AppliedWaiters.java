package dev.writ.state;

import java.time.Duration;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Lets readers wait until the audit log of this replica reaches a size, as a follower's server must
 * before it can prove inclusion of a leaf the leader just committed. Appliers call {@link
 * #advanced} after every apply; it costs one volatile read unless somebody waits.
 *
 * <p>Waiters are kept in a queue ordered by the size they wait for, and an advance wakes only those
 * it satisfies (a {@code notifyAll} per applied entry woke every waiter on a busy follower).
 *
 * <p>Thread-safe.
 */
final class AppliedWaiters {
  /** A waiter and the log size it needs. */
  private record Waiter(long size, CountDownLatch done) {}

  /** Guarded by itself. */
  private final PriorityQueue<Waiter> queue =
      new PriorityQueue<>(Comparator.comparingLong(Waiter::size));

  private final AtomicInteger waiting = new AtomicInteger();

  /** Wakes the waiters {@code size} satisfies; cheap when nobody waits. */
  void advanced(long size) {
    if (waiting.get() == 0) {
      return;
    }
    synchronized (queue) {
      while (!queue.isEmpty() && queue.peek().size() <= size) {
        queue.poll().done().countDown();
      }
    }
  }

  /** Waits until {@code current} reaches {@code size}; false after {@code timeout}. */
  boolean await(LongSupplier current, long size, Duration timeout) throws InterruptedException {
    if (current.getAsLong() >= size) {
      return true;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    Waiter w = new Waiter(size, new CountDownLatch(1));
    synchronized (queue) {
      queue.add(w);
      waiting.incrementAndGet();
    }
    try {
      // bounded waits: an advance between the first check and the registration costs at most 10 ms
      while (current.getAsLong() < size) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        w.done().await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(10)), TimeUnit.NANOSECONDS);
      }
      return true;
    } finally {
      synchronized (queue) {
        queue.remove(w);
      }
      waiting.decrementAndGet();
    }
  }
}
