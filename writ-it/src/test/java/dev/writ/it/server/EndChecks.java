package dev.writ.it.server;

import dev.writ.log.Checkpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What every crash test proves once its group runs again and is left alone: each acknowledged writ
 * now answers 403 SPENT with a verified receipt; each writ whose outcome was unknown answers a 200
 * or a 403 SPENT; every peer serves the log key printed at startup and the same log, which audits
 * against the earliest receipt checkpoint and holds every receipt's leaf, with at most one allow
 * per writ id.
 *
 * <p>Stateless and thread-safe.
 */
final class EndChecks {
  private static final Duration REPLAY_LIMIT = Duration.ofSeconds(90);
  private static final Duration AGREEMENT_TIMEOUT = Duration.ofSeconds(60);

  private EndChecks() {}

  /** Rounds in which a replay answered 503 is posted again (api.md section 2: retry allowed). */
  private static final int RETRY_ROUNDS = 3;

  /**
   * Replays {@code writs}; a 503 (the ledger did not answer in time, e.g. while the restarted peer
   * is electing itself) is a server condition, not a decision, so it is posted again, at most
   * {@link #RETRY_ROUNDS} times. Every retry is printed; the final answers are returned.
   */
  private static List<LoadRun.Attempt> replay(PeerGroup group, List<SignedWrit> writs, int threads)
      throws InterruptedException {
    List<LoadRun.Attempt> done = new ArrayList<>();
    List<SignedWrit> pending = writs;
    for (int round = 0; !pending.isEmpty(); round++) {
      List<SignedWrit> again = new ArrayList<>();
      for (LoadRun.Attempt a : LoadRun.start(pending, threads, group, REPLAY_LIMIT).awaitAll()) {
        boolean undecided = a.answer().map(x -> x.status() == 503).orElse(false);
        if (undecided && round < RETRY_ROUNDS) {
          again.add(a.writ());
        } else {
          done.add(a);
        }
      }
      if (!again.isEmpty()) {
        System.out.println(
            "replay round " + round + ": " + again.size() + " answered 503, posted again");
        Thread.sleep(1000);
      }
      pending = again;
    }
    return done;
  }

  /** Runs every check through every peer of {@code group}; returns the audited checkpoint. */
  static Checkpoint replayAndAudit(PeerGroup group, Tally tally, Path folder, int threads)
      throws IOException, InterruptedException {
    WritClient client = group.client();
    for (String id : group.ids()) {
      String served = client.getText(group.base(id), "/v1/log/key");
      if (!served.equals(group.vkey() + "\n")) {
        throw new AssertionError(id + " serves log key " + served + ", printed " + group.vkey());
      }
    }
    List<SignedWrit> acked = tally.acknowledgedWrits();
    tally.recordReplays(replay(group, acked, threads), acked.size());
    List<SignedWrit> unknown = tally.unknown();
    System.out.println(
        tally.recordUnknownReplays(
            LoadRun.start(unknown, threads, group, REPLAY_LIMIT).awaitAll(), unknown.size()));
    Checkpoint agreed = group.awaitAgreement(AGREEMENT_TIMEOUT);
    Optional<String> trusted = LogChecks.earliest(tally.receipts());
    List<ServedLog> logs = new ArrayList<>();
    for (String id : group.ids()) {
      ServedLog log =
          ServedLog.download(client, group.base(id), group.key(), folder.resolve(id), trusted);
      if (!log.checkpoint().equals(agreed)) {
        throw new AssertionError(
            id + " serves " + log.checkpoint() + " after agreeing on " + agreed);
      }
      long size = group.status(id).map(s -> Json.integer(s, "log_size")).orElse(-1L);
      if (size != agreed.size()) {
        throw new AssertionError(id + " reports log_size " + size + ", serves " + agreed.size());
      }
      LogChecks.check(log, tally);
      logs.add(log);
    }
    for (ServedLog log : logs) {
      for (long i = 0; i < log.size(); i++) {
        if (!MessageDigest.isEqual(log.entry(i), logs.getFirst().entry(i))) {
          throw new AssertionError("peers hold different entries at " + i);
        }
      }
    }
    return agreed;
  }
}
