package dev.writ.server;

import dev.writ.core.Capability;
import dev.writ.core.ContentId;
import dev.writ.core.Posture;
import dev.writ.core.Reason;
import dev.writ.core.SpendLedger;
import dev.writ.core.SpiffeId;
import dev.writ.core.WritId;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.identity.svid.SpiffeCa;
import dev.writ.identity.svid.SvidPem;
import dev.writ.identity.svid.X509Svid;
import dev.writ.state.AuditLeaf;
import dev.writ.state.RatisSpendLedger;
import java.util.Optional;

/**
 * Audits every enrollment and renewal refusal and builds the answers (docs/spec/enrollment.md
 * sections 3.3 and 3.4): a refusal found before the spend is appended as a {@code deny} decision
 * record (writ unspent) and answered with its receipt; if the record cannot be committed, the
 * answer is 503 and never an allow. A renewal has no writ: its refusals carry no id and no
 * capability, and its success no receipt.
 *
 * <p>Thread-safe: its parts are.
 */
final class EnrollAudit {
  private final RatisSpendLedger ledger;
  private final ReceiptIssuer receipts;
  private final ServerMetrics metrics;

  EnrollAudit(RatisSpendLedger ledger, ReceiptIssuer receipts, ServerMetrics metrics) {
    this.ledger = ledger;
    this.receipts = receipts;
    this.metrics = metrics;
  }

  /** Audits a refusal of {@code input} (the envelope, or the whole body if none parsed). */
  Reply refuse(byte[] input, Optional<WritId> id, Reason reason, String detail) {
    Reply reply =
        audited(ContentId.of(input).digest(), id, Optional.of(Capability.ENROLL), reason, detail);
    metrics.enrollment(reply);
    return reply;
  }

  /**
   * Audits a refusal of a renewal asked with the SVID {@code presented} names (see {@link
   * HandshakeAudit#presented}).
   */
  Reply refuseRenewal(byte[] presented, Reason reason, String detail) {
    Reply reply = audited(presented, Optional.empty(), Optional.empty(), reason, detail);
    metrics.renewal(reply);
    return reply;
  }

  /** Answers an enrollment refusal whose leaf is already committed. */
  Reply refused(Reason reason, Optional<WritId> id, AuditLeaf leaf, String detail) {
    Reply reply = answer(reason, id, leaf, detail);
    metrics.enrollment(reply);
    return reply;
  }

  private Reply audited(
      byte[] digest, Optional<WritId> id, Optional<Capability> cap, Reason reason, String detail) {
    AuditLeaf leaf;
    try {
      leaf = ledger.auditDenial(id, digest, cap, reason);
    } catch (SpendLedger.SpendLedgerException e) {
      return Reply.ledgerUnavailable(id);
    }
    return answer(reason, id, leaf, detail);
  }

  private Reply answer(Reason reason, Optional<WritId> id, AuditLeaf leaf, String detail) {
    try {
      return Reply.deny(reason, id, receipts.receipt(leaf)).withDetail(detail);
    } catch (ReceiptIssuer.ReceiptUnavailableException e) {
      return Reply.ledgerUnavailable(id);
    }
  }

  /** Answers an enrollment that was spent, registered and audited. */
  Reply enrolled(
      WritId id, SpiffeId node, Posture posture, X509Svid svid, SpiffeCa ca, AuditLeaf leaf) {
    JsonObject receipt;
    try {
      receipt = receipts.receipt(leaf);
    } catch (ReceiptIssuer.ReceiptUnavailableException e) {
      return Reply.ledgerUnavailable(Optional.of(id));
    }
    Reply reply =
        Reply.enrolled(
            id, node, posture, SvidPem.chainPem(svid.chain()), ca.bundle().format(), receipt);
    metrics.enrollment(reply);
    return reply;
  }

  /** Answers a renewal that the registry recorded: no writ was spent, so there is no receipt. */
  Reply renewed(SpiffeId node, Posture posture, X509Svid svid, SpiffeCa ca) {
    Reply reply =
        Reply.renewed(node, posture, SvidPem.chainPem(svid.chain()), ca.bundle().format());
    metrics.renewal(reply);
    return reply;
  }
}
