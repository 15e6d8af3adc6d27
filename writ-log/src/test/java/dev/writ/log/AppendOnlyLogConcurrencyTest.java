package dev.writ.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The concurrency contract of {@link AppendOnlyLog}: while one thread appends, readers on other
 * threads, without locks, get for any size they read from {@link AppendOnlyLog#size()} the entries,
 * roots, proofs and tiles of exactly that prefix. Bounded: a fixed number of appends, each reader
 * stops when the appender is done or after a fixed number of checks; before each append the
 * appender waits (spinning, for at most 30 s in all) until a reader has checked the size before, so
 * that sizes all along the way are checked while the log grows.
 */
class AppendOnlyLogConcurrencyTest {
  private static final int APPENDS = 2000;
  private static final int READERS = 3;
  private static final int MAX_CHECKS_PER_READER = 200_000;

  @Test
  void readersDuringAppends_seeEntriesRootsProofsAndTilesOfThePrefixTheyRead() throws Exception {
    List<byte[]> entries = new ArrayList<>(APPENDS);
    for (int i = 0; i < APPENDS; i++) {
      entries.add(AppendOnlyLogTest.entry("c", i));
    }
    List<byte[]> leafHashes = entries.stream().map(Rfc9162::leafHash).toList();
    MerkleTree reference = MerkleTree.ofLeafHashes(leafHashes);
    byte[][] roots = new byte[APPENDS + 1][];
    for (int s = 0; s <= APPENDS; s++) {
      roots[s] = reference.root(s);
    }

    AppendOnlyLog log = new AppendOnlyLog();
    AtomicBoolean done = new AtomicBoolean();
    CountDownLatch start = new CountDownLatch(1);
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    AtomicLong checks = new AtomicLong();
    AtomicLong sizesSeenMidway = new AtomicLong();
    AtomicLong largestSizeChecked = new AtomicLong();

    List<Thread> readers = new ArrayList<>();
    for (int r = 0; r < READERS; r++) {
      Random random = new Random(r);
      readers.add(
          Thread.ofPlatform()
              .name("reader-" + r)
              .start(
                  () -> {
                    try {
                      start.await();
                      for (int n = 0; n < MAX_CHECKS_PER_READER && !done.get(); n++) {
                        long s = log.size();
                        if (s > 0 && s < APPENDS) {
                          sizesSeenMidway.incrementAndGet();
                        }
                        check(log, s, random, entries, leafHashes, roots);
                        checks.incrementAndGet();
                        largestSizeChecked.accumulateAndGet(s, Math::max);
                      }
                    } catch (Throwable t) {
                      failures.add(t);
                    }
                  }));
    }
    Thread appender =
        Thread.ofPlatform()
            .name("appender")
            .start(
                () -> {
                  try {
                    start.await();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    for (byte[] e : entries) {
                      long index = log.append(e);
                      // pace the appender: a reader has checked the size before this one, so
                      // sizes all along the way are checked while appends go on
                      while (largestSizeChecked.get() < index && System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                      }
                    }
                  } catch (Throwable t) {
                    failures.add(t);
                  } finally {
                    done.set(true);
                  }
                });
    start.countDown();
    appender.join(TimeUnit.SECONDS.toMillis(60));
    for (Thread t : readers) {
      t.join(TimeUnit.SECONDS.toMillis(60));
    }

    assertThat(appender.isAlive()).isFalse();
    assertThat(readers).noneMatch(Thread::isAlive);
    assertThat(failures).isEmpty();
    assertThat(log.size()).isEqualTo(APPENDS);
    assertThat(log.root(APPENDS)).isEqualTo(roots[APPENDS]);
    assertThat(largestSizeChecked.get()).isGreaterThanOrEqualTo(APPENDS - 1);
    assertThat(sizesSeenMidway.get()).isGreaterThanOrEqualTo(APPENDS / 2);
    System.out.printf(
        "concurrency: %d reader checks, %d at a size strictly between 0 and %d%n",
        checks.get(), sizesSeenMidway.get(), APPENDS);
  }

  /** Every read at a random size up to {@code s}, checked against the reference. */
  private static void check(
      AppendOnlyLog log,
      long s,
      Random random,
      List<byte[]> entries,
      List<byte[]> leafHashes,
      byte[][] roots)
      throws LogVerificationException {
    if (s == 0) {
      assertThat(log.root(0)).isEqualTo(roots[0]);
      return;
    }
    int size2 = 1 + random.nextInt((int) s);
    int size1 = 1 + random.nextInt(size2);
    int index = random.nextInt(size2);
    byte[] root2 = log.root(size2);
    if (!Arrays.equals(root2, roots[size2])) {
      throw new AssertionError("root of " + size2 + " differs while the log grows");
    }
    byte[] entry = log.entry(index);
    if (!Arrays.equals(entry, entries.get(index))) {
      throw new AssertionError("entry " + index + " differs while the log grows");
    }
    Rfc9162.verifyInclusion(
        index, size2, Rfc9162.leafHash(entry), log.inclusionProof(index, size2), roots[size2]);
    Rfc9162.verifyConsistency(
        size1, size2, log.consistencyProof(size1, size2), roots[size1], roots[size2]);
    Tile last = new Tile(0, (size2 - 1) / Tile.WIDTH, (size2 - 1) % Tile.WIDTH + 1);
    byte[] tile = log.tile(last).orElseThrow(() -> new AssertionError("tile missing"));
    for (int i = 0; i < last.width(); i++) {
      byte[] h = Arrays.copyOfRange(tile, i * 32, (i + 1) * 32);
      if (!Arrays.equals(h, leafHashes.get((int) (last.index() * Tile.WIDTH + i)))) {
        throw new AssertionError("tile " + last.path() + " hash " + i + " differs");
      }
    }
  }
}
