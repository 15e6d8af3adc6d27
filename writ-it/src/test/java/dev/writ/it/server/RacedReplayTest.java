package dev.writ.it.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many clients post the same writ at the same instant, on one peer and spread over three peers:
 * exactly one gets a 200, every other a 403 SPENT, all with receipts that verify and leaves the
 * final log holds.
 */
class RacedReplayTest {
  private static final int RACERS = 24;
  private static final int ROUNDS = 6;
  private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path tmp;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void sameWritRacedOnOnePeer_exactlyOneAllow_restSpent() throws Exception {
    race("one peer", PeerGroup::single);
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void sameWritRacedOverThreePeers_exactlyOneAllow_restSpent() throws Exception {
    race("three peers", PeerGroup::three);
  }

  @FunctionalInterface
  private interface GroupFactory {
    PeerGroup create(Children children, Path dataDir, Path root);
  }

  private void race(String name, GroupFactory factory) throws Exception {
    LiveFleet fleet = new LiveFleet(Clock.systemUTC());
    Path root = fleet.writeRoot(tmp.resolve("root.json"));
    try (Children children = new Children(tmp.resolve("logs"));
        PeerGroup group = factory.create(children, tmp.resolve("data"), root)) {
      try {
        group.startAll();
        group.awaitLeader(LEADER_TIMEOUT);
        Tally tally = new Tally(group.key());
        rounds(name, fleet, group, tally);
        // one allow per round, unless that round's spend timed out (recordRace checks which)
        assertThat(tally.acknowledged()).isNotEmpty().hasSizeLessThanOrEqualTo(ROUNDS);
        EndChecks.replayAndAudit(group, tally, tmp.resolve("served"), 4);
      } catch (Throwable t) {
        System.err.println(children.tails());
        throw t;
      }
    }
  }

  private static void rounds(String name, LiveFleet fleet, PeerGroup group, Tally tally)
      throws Exception {
    List<WritClient> clients = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(RACERS);
    try {
      List<LoadRun.Target> targets = new ArrayList<>();
      for (int i = 0; i < RACERS; i++) {
        LoadRun.Target t = group.target(group.ids().get(i % group.ids().size()));
        WritClient c = group.newClient();
        c.get(t.base(), "/healthz"); // open the connection before the race
        clients.add(c);
        targets.add(t);
      }
      for (int round = 0; round < ROUNDS; round++) {
        SignedWrit writ = fleet.presign(1).getFirst();
        CountDownLatch ready = new CountDownLatch(RACERS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<LoadRun.Attempt>> posts = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
          WritClient c = clients.get(i);
          LoadRun.Target t = targets.get(i);
          posts.add(
              pool.submit(
                  () -> {
                    ready.countDown();
                    go.await();
                    long sent = System.nanoTime();
                    Answer a = c.post(t.base(), writ.envelope());
                    return new LoadRun.Attempt(
                        writ, t, Optional.of(a), "", 0, (System.nanoTime() - sent) / 1_000_000);
                  }));
        }
        assertThat(ready.await(ANSWER_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        long start = System.nanoTime();
        go.countDown();
        List<LoadRun.Attempt> attempts = new ArrayList<>();
        for (Future<LoadRun.Attempt> f : posts) {
          attempts.add(f.get(ANSWER_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        }
        Tally.Run run = tally.recordRace(name + " race " + round, attempts);
        run.wallMillis = (System.nanoTime() - start) / 1_000_000;
        System.out.println(run);
      }
    } finally {
      pool.shutdownNow();
      clients.forEach(WritClient::close);
    }
  }
}
