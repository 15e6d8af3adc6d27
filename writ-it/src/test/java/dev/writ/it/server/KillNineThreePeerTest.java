package dev.writ.it.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.log.Checkpoint;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three peers, each its own process, under load spread over all three: the leader is SIGKILLed at a
 * random moment and restarted on its data while the clients keep posting. No writ id is ever
 * acknowledged twice, every acknowledged writ stays spent, and afterwards all three peers serve the
 * same log, which audits clean and holds every receipt any of them gave.
 */
class KillNineThreePeerTest {
  private static final int ITERATIONS = 4;
  private static final Duration LOOP_BUDGET = Duration.ofSeconds(80);
  private static final int MIN_ITERATIONS = 2;
  private static final int THREADS = 6;
  private static final int WRITS_PER_RUN = 1_500;
  private static final Duration RUN_LIMIT = Duration.ofSeconds(40);
  private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration RESTART_TIMEOUT = Duration.ofSeconds(60);
  private static final long SEED = 0x5eed_0003L;

  @TempDir Path tmp;

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void sigkillTheLeaderUnderLoad_neverAcknowledgesTwice_andAllPeersServeOneAuditedLog()
      throws Exception {
    LiveFleet fleet = new LiveFleet(Clock.systemUTC());
    Path root = fleet.writeRoot(tmp.resolve("root.json"));
    try (Children children = new Children(tmp.resolve("logs"));
        PeerGroup group = PeerGroup.three(children, tmp.resolve("data"), root)) {
      try {
        run(fleet, group);
      } catch (Throwable t) {
        System.err.println(children.tails());
        throw t;
      }
    }
  }

  private void run(LiveFleet fleet, PeerGroup group) throws Exception {
    Random random = new Random(SEED);
    group.startAll();
    Tally tally = new Tally(group.key());
    long loopStart = System.nanoTime();
    int done = 0;
    while (done < ITERATIONS && System.nanoTime() - loopStart < LOOP_BUDGET.toNanos()) {
      long start = System.nanoTime();
      List<SignedWrit> writs = fleet.presign(WRITS_PER_RUN);
      group.awaitLeader(LEADER_TIMEOUT);
      LoadRun load = LoadRun.start(writs, THREADS, group, RUN_LIMIT);
      long firstAnswer = load.awaitFirstAnswer(LEADER_TIMEOUT); // the delay counts from here
      Thread.sleep(300 + random.nextInt(1_201));
      String victim = group.awaitLeader(LEADER_TIMEOUT);
      long killedAt = load.millis();
      group.kill(victim);
      group.restart(victim, RESTART_TIMEOUT);
      Tally.Run run =
          tally.recordFresh(
              "kill " + done + " (leader " + victim + ")",
              load.finish(),
              Tally.FirstUse.SPENT_AFTER_RETRY_ACCEPTED);
      run.wallMillis = (System.nanoTime() - start) / 1_000_000;
      System.out.println(
          "three peers "
              + run
              + "; first answer "
              + firstAnswer
              + " ms, SIGKILL "
              + killedAt
              + " ms into the load");
      done++;
    }
    assertThat(done).as("SIGKILLs within %s", LOOP_BUDGET).isGreaterThanOrEqualTo(MIN_ITERATIONS);
    group.awaitLeader(LEADER_TIMEOUT);
    Checkpoint end = EndChecks.replayAndAudit(group, tally, tmp.resolve("served"), THREADS);
    assertThat(tally.acknowledged()).as("allows acknowledged around the kills").isNotEmpty();
    System.out.println(
        "three peers: "
            + done
            + " leader SIGKILLs, "
            + tally.acknowledged().size()
            + " acknowledged in all, "
            + tally.spentOnFirstUse().size()
            + " fresh writs answered SPENT, final log of "
            + end.size()
            + " leaves agreed and audited on every peer");
  }
}
