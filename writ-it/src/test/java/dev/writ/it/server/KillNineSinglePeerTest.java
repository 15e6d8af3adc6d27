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
 * SIGKILL of the one embedded peer under load, again and again on the same data directory: no writ
 * id is ever acknowledged twice, every acknowledged writ stays spent after the crashes, and the log
 * the server serves afterwards audits clean and holds every receipt it ever gave.
 */
class KillNineSinglePeerTest {
  private static final int ITERATIONS = 6;
  private static final Duration LOOP_BUDGET = Duration.ofSeconds(55);
  private static final int MIN_ITERATIONS = 2;
  private static final int THREADS = 8;
  private static final int WRITS_PER_RUN = 1_500;
  private static final Duration RUN_LIMIT = Duration.ofSeconds(20);
  private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration RESTART_TIMEOUT = Duration.ofSeconds(60);
  private static final long SEED = 0x5eed_0001L;

  @TempDir Path tmp;

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void sigkillUnderLoad_neverAcknowledgesTwice_keepsEverySpend_andTheLogAudits() throws Exception {
    LiveFleet fleet = new LiveFleet(Clock.systemUTC());
    Path root = fleet.writeRoot(tmp.resolve("root.json"));
    try (Children children = new Children(tmp.resolve("logs"));
        PeerGroup server = PeerGroup.single(children, tmp.resolve("data"), root)) {
      try {
        run(fleet, server);
      } catch (Throwable t) {
        System.err.println(children.tails());
        throw t;
      }
    }
  }

  private void run(LiveFleet fleet, PeerGroup server) throws Exception {
    Random random = new Random(SEED);
    long loopStart = System.nanoTime();
    Tally tally = null;
    int done = 0;
    while (done < ITERATIONS && System.nanoTime() - loopStart < LOOP_BUDGET.toNanos()) {
      long start = System.nanoTime();
      List<SignedWrit> writs = fleet.presign(WRITS_PER_RUN);
      if (done == 0) {
        server.startAll();
        tally = new Tally(server.key());
      } else {
        server.restart("p0", RESTART_TIMEOUT);
      }
      server.awaitLeader(LEADER_TIMEOUT);
      LoadRun load = LoadRun.start(writs, THREADS, server, RUN_LIMIT);
      // the delay counts from the first answer: a cold server's first commit takes about a second
      long firstAnswer = load.awaitFirstAnswer(LEADER_TIMEOUT);
      Thread.sleep(300 + random.nextInt(1_201));
      long killedAt = load.millis();
      server.kill("p0");
      Tally.Run run = tally.recordFresh("kill " + done, load.finish(), Tally.FirstUse.ALLOW_ONLY);
      run.wallMillis = (System.nanoTime() - start) / 1_000_000;
      System.out.println(
          "single peer "
              + run
              + "; first answer "
              + firstAnswer
              + " ms, SIGKILL "
              + killedAt
              + " ms into the load");
      done++;
    }
    assertThat(done).as("SIGKILLs within %s", LOOP_BUDGET).isGreaterThanOrEqualTo(MIN_ITERATIONS);
    server.restart("p0", RESTART_TIMEOUT);
    Checkpoint end = EndChecks.replayAndAudit(server, tally, tmp.resolve("served"), THREADS);
    assertThat(tally.acknowledged()).as("allows acknowledged before the kills").isNotEmpty();
    System.out.println(
        "single peer: "
            + done
            + " SIGKILLs, "
            + tally.acknowledged().size()
            + " acknowledged in all, final log of "
            + end.size()
            + " leaves audits clean");
  }
}
