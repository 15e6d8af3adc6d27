package dev.writ.server;

import dev.writ.log.Checkpoint;
import dev.writ.log.LogKeySigner;
import dev.writ.state.AuditLogReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Signs checkpoints of this replica's audit log with the log key, and only when needed: a request
 * for a checkpoint covering {@code n} leaves reuses the latest one if it is large enough, and
 * otherwise signs one at the current size, which also covers every request waiting behind it. Under
 * load one signature serves many receipts.
 *
 * <p>Thread-safe.
 */
final class CheckpointSigner {
  /** A signed checkpoint note and the tree size it signs. */
  record Signed(long size, String text) {
    byte[] note() {
      return text.getBytes(StandardCharsets.UTF_8);
    }
  }

  private final AuditLogReader log;
  private final LogKeySigner signer;
  private final String origin;
  private volatile Signed latest;

  CheckpointSigner(AuditLogReader log, LogKeySigner signer) {
    this.log = log;
    this.signer = signer;
    this.origin = signer.verifierKey().name();
    this.latest = sign(0);
  }

  /** The signed-note verifier key of the log key. */
  String vkey() {
    return signer.verifierKey().toString();
  }

  /** A checkpoint of at least {@code size} leaves; the replica must have applied that many. */
  Signed covering(long size) {
    Signed current = latest;
    if (current.size() >= size) {
      return current;
    }
    synchronized (this) {
      current = latest;
      if (current.size() >= size) {
        return current;
      }
      long now = log.size();
      if (now < size) {
        throw new IllegalStateException("replica has " + now + " leaves, asked for " + size);
      }
      current = sign(now);
      latest = current;
      return current;
    }
  }

  /** A checkpoint of everything this replica has applied now. */
  Signed current() {
    return covering(log.size());
  }

  private Signed sign(long size) {
    Checkpoint c = Checkpoint.of(origin, size, log.root(size), List.of());
    return new Signed(size, new String(signer.sign(c.format()), StandardCharsets.UTF_8));
  }
}
