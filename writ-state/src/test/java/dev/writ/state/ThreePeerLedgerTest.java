package dev.writ.state;

import static dev.writ.state.Fixtures.CLOCK;
import static dev.writ.state.Fixtures.TIMEOUT;
import static dev.writ.state.Fixtures.id;
import static dev.writ.state.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.SpendLedger.Outcome;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
}
