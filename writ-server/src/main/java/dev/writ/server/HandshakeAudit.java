package dev.writ.server;

import dev.writ.core.ContentId;
import dev.writ.core.Reason;
import dev.writ.core.SpendLedger;
import dev.writ.core.SpiffeId;
import dev.writ.identity.tls.PeerRefusal;
import dev.writ.identity.tls.Refusal;
import dev.writ.identity.tls.RefusalListener;
import dev.writ.state.RatisSpendLedger;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Counts every refused TLS handshake and audits it as a {@code deny} decision record
 * (docs/spec/enrollment.md section 7), off the handshake thread and at most {@link #AUDIT_RATE} per
 * second, so refused connections cannot make the ledger commit without bound. Refusals beyond the
 * rate or the queue are counted, not audited.
 *
 * <p>Thread-safe.
 */
final class HandshakeAudit implements RefusalListener, AutoCloseable {
  /** Refusals audited per second at most. */
  static final long AUDIT_RATE = 10;

  private final RatisSpendLedger ledger;
  private final ServerMetrics metrics;
  private final Limiter limiter = new Limiter(AUDIT_RATE, AUDIT_RATE, 1, System::nanoTime);
  private final ThreadPoolExecutor executor =
      new ThreadPoolExecutor(
          1,
          1,
          0,
          TimeUnit.SECONDS,
          new ArrayBlockingQueue<>(64),
          r -> {
            Thread t = new Thread(r, "writ-handshake-audit");
            t.setDaemon(true);
            return t;
          });

  HandshakeAudit(RatisSpendLedger ledger, ServerMetrics metrics) {
    this.ledger = ledger;
    this.metrics = metrics;
  }

  @Override
  public void refused(Refusal refusal) {
    metrics.handshakeRefused(refusal.code().name());
    if (!limiter.tryAcquireRate()) {
      metrics.handshakeRefused("UNAUDITED");
      return;
    }
    byte[] digest = presented(refusal.claimedId(), refusal.serial());
    try {
      executor.execute(() -> audit(digest, reason(refusal.code())));
    } catch (RejectedExecutionException e) {
      metrics.handshakeRefused("UNAUDITED");
    }
  }

  /**
   * What a refusal of a peer's certificate is audited under (the decision record's {@code
   * envelope_sha256}, enrollment.md section 3.4): SHA-256 of {@code "<SPIFFE ID> <serial hex>"} in
   * UTF-8, each {@code -} when unknown, so an operator finds every refusal of one SVID.
   */
  static byte[] presented(Optional<SpiffeId> id, Optional<BigInteger> serial) {
    String s =
        id.map(Object::toString).orElse("-") + " " + serial.map(n -> n.toString(16)).orElse("-");
    return ContentId.of(s.getBytes(StandardCharsets.UTF_8)).digest();
  }

  private void audit(byte[] digest, Reason reason) {
    try {
      ledger.auditDenial(Optional.empty(), digest, Optional.empty(), reason);
    } catch (SpendLedger.SpendLedgerException e) {
      metrics.handshakeRefused("UNAUDITED");
    }
  }

  static Reason reason(PeerRefusal code) {
    return switch (code) {
      case UNKNOWN_NODE -> Reason.UNKNOWN_NODE;
      case REVOKED -> Reason.NODE_REVOKED;
      case SVID_MALFORMED,
          SVID_BAD_ID,
          SVID_LEAF_PROFILE,
          SVID_SIGNER_PROFILE,
          SVID_WRONG_TRUST_DOMAIN,
          SVID_EXPIRED,
          SVID_NOT_YET_VALID,
          SVID_UNTRUSTED,
          TLS_VERSION,
          WRONG_PEER_ID,
          PEER_CHECK_ERROR ->
          Reason.SVID_INVALID;
    };
  }

  @Override
  public void close() {
    executor.shutdown();
    try {
      // queued audits finish while the ledger is still open (the server closes it next)
      if (!executor.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** How long close waits for queued audits. */
  static final java.time.Duration CLOSE_WAIT = java.time.Duration.ofSeconds(5);
}
