package dev.writ.state;

import static dev.writ.state.Fixtures.CLOCK;
import static dev.writ.state.Fixtures.TIMEOUT;
import static dev.writ.state.Fixtures.id;
import static dev.writ.state.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.Reason;
import dev.writ.core.SpendLedger.Outcome;
import dev.writ.core.WritId;
import dev.writ.state.LinearizabilityChecker.Authorize;
import dev.writ.state.LinearizabilityChecker.Authorized;
import dev.writ.state.LinearizabilityChecker.Op;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Concurrent clients spend and audit denials on the real Ratis ledger (one peer, three peers); the
 * recorded history, with every replica's final log, must be linearizable ({@link
 * LinearizabilityChecker}). Each client has its own Raft client and draws ids from a window of
 * three that slides with its op count, so clients running side by side keep racing to spend fresh
 * ids. Randomness is seeded; every wait is bounded and only a hang reaches the bound.
 */
class LedgerLinearizabilityTest {
  private static final int CLIENTS = 4;
  private static final int OPS_PER_CLIENT = 30;
  private static final int ID_WINDOW = 3;

  /** One op in five audits a denial; the rest spend. */
  private static final int DENIAL_ONE_IN = 5;

  /** Followers apply shortly after the leader replies; this bounds the wait, not the test. */
  private static final Duration REPLICATION_GUARD = Duration.ofSeconds(30);

  private static final long SEED = 0x5eed_2030L;

  @TempDir Path dir;

  @Test
  void authorizeAndAuditDenial_concurrentClientsOnOnePeer_historyLinearizable() throws Exception {
    try (StateCluster c = StateCluster.startEmbedded(dir)) {
      runAndCheck(c, 1, SEED);
    }
  }

  @Test
  void authorizeAndAuditDenial_concurrentClientsOnThreePeers_historyLinearizable()
      throws Exception {
    try (StateCluster c = StateCluster.startLocal(3, dir)) {
      runAndCheck(c, 3, SEED + 1);
    }
  }

  private static void runAndCheck(StateCluster c, int peers, long seed) throws Exception {
    HistoryRecorder history = new HistoryRecorder();
    List<RatisSpendLedger> ledgers = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    try {
      for (int i = 0; i < CLIENTS; i++) {
        ledgers.add(c.newSpendLedger(CLOCK, TIMEOUT));
      }
      CountDownLatch ready = new CountDownLatch(CLIENTS);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> clients = new ArrayList<>();
      for (int t = 0; t < CLIENTS; t++) {
        int client = t;
        RatisSpendLedger ledger = ledgers.get(t);
        SplittableRandom random = new SplittableRandom(seed * 31 + t);
        clients.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  if (!go.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    throw new AssertionError("start gate never opened");
                  }
                  for (int k = 0; k < OPS_PER_CLIENT; k++) {
                    callOnce(history, client, ledger, random, k);
                  }
                  return null;
                }));
      }
      assertThat(ready.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      go.countDown();
      for (Future<?> f : clients) {
        f.get(2 * TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
      for (RatisSpendLedger l : ledgers) {
        l.close();
      }
    }

    List<Op> ops = history.ops();
    assertThat(ops).hasSize(CLIENTS * OPS_PER_CLIENT);
    assertThat(ops).as("calls that failed").filteredOn(op -> !op.completed()).isEmpty();
    List<List<AuditLeaf>> replicas = awaitReplicas(c, peers, ops.size());
    LinearizabilityChecker.check(ops, replicas);
    // not vacuous: spends raced, so both outcomes occur, and denials were audited between them
    assertThat(ops)
        .extracting(Op::reply)
        .filteredOn(r -> r instanceof Authorized)
        .extracting(r -> ((Authorized) r).outcome())
        .contains(Outcome.SPENT_NOW, Outcome.ALREADY_SPENT);
    assertThat(ops).anyMatch(op -> !(op.call() instanceof Authorize));
  }

  /** One call by {@code client}: an authorize or a denial audit of an id near its op count. */
  private static void callOnce(
      HistoryRecorder history,
      int client,
      RatisSpendLedger ledger,
      SplittableRandom random,
      int k) {
    WritId writ = id(k / 2 + random.nextInt(ID_WINDOW));
    if (random.nextInt(DENIAL_ONE_IN) == 0) {
      Optional<WritId> denied = random.nextBoolean() ? Optional.of(writ) : Optional.empty();
      Reason reason = random.nextBoolean() ? Reason.EXPIRED : Reason.BAD_SIGNATURE;
      history.auditDenial(client, ledger, denied, new byte[32], reason);
    } else {
      history.authorize(client, ledger, request(writ));
    }
  }

  /**
   * Every replica's leaves once each holds {@code expected} (followers apply after the leader has
   * replied), or as they are when the guard runs out, for the checker to report the divergence.
   */
  private static List<List<AuditLeaf>> awaitReplicas(StateCluster c, int peers, int expected) {
    long deadline = System.nanoTime() + REPLICATION_GUARD.toNanos();
    while (true) {
      List<List<AuditLeaf>> logs = new ArrayList<>();
      for (int i = 0; i < peers; i++) {
        logs.add(c.stateMachine(i).leaves());
      }
      boolean caughtUp = logs.stream().allMatch(l -> l.size() >= expected);
      if (caughtUp || System.nanoTime() - deadline > 0) {
        return logs;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }
}
