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
    tally.recordReplays(
        LoadRun.start(acked, threads, group::pick, REPLAY_LIMIT).awaitAll(), acked.size());
    List<SignedWrit> unknown = tally.unknown();
    System.out.println(
        tally.recordUnknownReplays(
            LoadRun.start(unknown, threads, group::pick, REPLAY_LIMIT).awaitAll(), unknown.size()));
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
