package dev.writ.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * At most one successful spend per writ id, whatever the interleaving: threads released together by
 * a start gate race to spend the same ids. The pool is bounded and every wait has a generous bound
 * that only a hang would reach; nothing sleeps.
 */
class SpendRacePropertyTest {
  private static final long HANG_GUARD_SECONDS = 60;

  private static WritId id(int i) {
    byte[] b = new byte[16];
    b[12] = (byte) (i >>> 24);
    b[13] = (byte) (i >>> 16);
    b[14] = (byte) (i >>> 8);
    b[15] = (byte) i;
    return new WritId(HexFormat.of().formatHex(b));
  }

  /** Runs {@code threads} copies of {@code task}, all released at once; returns their results. */
  private static <T> List<T> race(int threads, IntFunction<T> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch ready = new CountDownLatch(threads);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int index = t;
        futures.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  if (!start.await(HANG_GUARD_SECONDS, TimeUnit.SECONDS)) {
                    throw new AssertionError("start gate never opened");
                  }
                  return task.apply(index);
                }));
      }
      assertThat(ready.await(HANG_GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  @Property(tries = 60)
  void spend_concurrentSpendsOfSameIds_exactlyOneSpentNowPerId(
      @ForAll @IntRange(min = 2, max = 16) int threads,
      @ForAll @IntRange(min = 1, max = 64) int ids)
      throws Exception {
    InMemorySpendLedger ledger = new InMemorySpendLedger();
    Instant retain = TestFleet.NOW;
    List<int[]> perThread =
        race(
            threads,
            t -> {
              int[] spentNow = new int[ids];
              for (int k = 0; k < ids; k++) {
                int i = (k + t) % ids; // each thread starts at a different id
                SpendLedger.SpendRequest r =
                    new SpendLedger.SpendRequest(id(i), Capability.DEPLOY, new byte[32], retain);
                if (ledger.spend(r) == SpendLedger.Outcome.SPENT_NOW) {
                  spentNow[i]++;
                }
              }
              return spentNow;
            });
    for (int i = 0; i < ids; i++) {
      int total = 0;
      for (int[] counts : perThread) {
        total += counts[i];
      }
      assertThat(total).as("SPENT_NOW outcomes for id %d", i).isEqualTo(1);
      assertThat(ledger.isSpent(id(i))).isTrue();
    }
  }

  @Property(tries = 20)
  void verify_concurrentVerificationsOfOneWrit_exactlyOneAllow(
      @ForAll @IntRange(min = 2, max = 8) int threads) throws Exception {
    TestFleet fleet = TestFleet.standard();
    byte[] envelope = TestFleet.sign(fleet.writ(Capability.DEPLOY).build(), TestFleet.ALICE);
    Verifier verifier = fleet.verifier(new InMemorySpendLedger());
    List<Decision> decisions =
        race(
            threads,
            t -> {
              try {
                return verifier.verify(envelope, TestFleet.nodeContext());
              } catch (SpendLedger.SpendLedgerException e) {
                throw new AssertionError(e);
              }
            });
    assertThat(decisions.stream().filter(d -> d instanceof Decision.Allow).count()).isEqualTo(1);
    assertThat(decisions)
        .filteredOn(d -> d instanceof Decision.Deny)
        .allSatisfy(d -> assertThat(((Decision.Deny) d).reason()).isEqualTo(Reason.SPENT));
  }
}
