package dev.writ.state;

import static dev.writ.state.Fixtures.CLOCK;
import static dev.writ.state.Fixtures.TIMEOUT;
import static dev.writ.state.Fixtures.id;
import static dev.writ.state.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.SpendLedger.Outcome;
import dev.writ.core.WritId;
import dev.writ.core.json.JsonValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThreePeerLedgerTest {
  private static final int THREADS = 16;
  private static final int CLIENTS = 4;

  @TempDir Path dir;

  @Test
  void spend_sameIdFromManyThreads_exactlyOneSpentNow() throws Exception {
    try (StateCluster c = StateCluster.startLocal(3, dir)) {
      List<RatisSpendLedger> ledgers = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try {
        for (int i = 0; i < CLIENTS; i++) {
          ledgers.add(c.newSpendLedger(CLOCK, TIMEOUT));
        }
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Outcome>> results = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          RatisSpendLedger ledger = ledgers.get(t % CLIENTS);
          results.add(
              pool.submit(
                  () -> {
                    go.await();
                    return ledger.spend(request(id(99)));
                  }));
        }
        go.countDown();
        List<Outcome> outcomes = new ArrayList<>();
        for (Future<Outcome> f : results) {
          outcomes.add(f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        }
        assertThat(outcomes).containsOnlyOnce(Outcome.SPENT_NOW);
        assertThat(outcomes).filteredOn(o -> o == Outcome.ALREADY_SPENT).hasSize(THREADS - 1);
      } finally {
        pool.shutdownNow();
        for (RatisSpendLedger l : ledgers) {
          l.close();
        }
      }
    }
  }

  @Test
  void authorize_distinctAndIdenticalIdsConcurrently_leafIndexesDenseAndOneAllowPerId()
      throws Exception {
    try (StateCluster c = StateCluster.startLocal(3, dir)) {
      List<RatisSpendLedger> ledgers = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try {
        for (int i = 0; i < CLIENTS; i++) {
          ledgers.add(c.newSpendLedger(CLOCK, TIMEOUT));
        }
        CountDownLatch go = new CountDownLatch(1);
        List<Future<RatisSpendLedger.Authorization>> results = new ArrayList<>();
        int total = 2 * THREADS;
        for (int t = 0; t < total; t++) {
          RatisSpendLedger ledger = ledgers.get(t % CLIENTS);
          // even tasks race on two shared ids, odd tasks each use their own id
          WritId writ = t % 2 == 0 ? id(1000 + t % 4) : id(2000 + t);
          results.add(
              pool.submit(
                  () -> {
                    go.await();
                    return ledger.authorize(request(writ));
                  }));
        }
        go.countDown();
        List<AuditLeaf> leaves = new ArrayList<>();
        Map<String, Integer> allowsById = new HashMap<>();
        Map<String, Integer> leavesById = new HashMap<>();
        for (Future<RatisSpendLedger.Authorization> f : results) {
          RatisSpendLedger.Authorization a = f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
          leaves.add(a.leaf());
          Map<String, JsonValue> m = LeafAssertions.parse(a.leaf());
          String leafId = LeafAssertions.string(m, "id");
          String decision = LeafAssertions.string(m, "decision");
          assertThat(decision).isEqualTo(a.outcome() == Outcome.SPENT_NOW ? "allow" : "deny");
          leavesById.merge(leafId, 1, Integer::sum);
          if (decision.equals("allow")) {
            allowsById.merge(leafId, 1, Integer::sum);
          }
        }
        assertThat(leaves.stream().map(AuditLeaf::index))
            .containsExactlyInAnyOrderElementsOf(LongStream.range(0, total).boxed().toList());
        assertThat(allowsById.keySet()).isEqualTo(leavesById.keySet());
        assertThat(allowsById.values()).containsOnly(1);
        assertThat(leavesById).hasSize(2 + THREADS); // two shared ids, THREADS own ids
      } finally {
        pool.shutdownNow();
        for (RatisSpendLedger l : ledgers) {
          l.close();
        }
      }
    }
  }
}
