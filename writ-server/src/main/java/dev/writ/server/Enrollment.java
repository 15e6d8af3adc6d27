package dev.writ.server;

import dev.writ.core.Capability;
import dev.writ.core.Decision;
import dev.writ.core.FleetState;
import dev.writ.core.Reason;
import dev.writ.core.SpendLedger;
import dev.writ.core.SpiffeId;
import dev.writ.core.TargetSet;
import dev.writ.core.TrustRoot;
import dev.writ.core.VerificationContext;
import dev.writ.core.VerifiedWrit;
import dev.writ.core.Verifier;
import dev.writ.core.WritId;
import dev.writ.core.WritPayload;
import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;
import dev.writ.identity.svid.Csr;
import dev.writ.identity.svid.SpiffeCa;
import dev.writ.identity.svid.SvidException;
import dev.writ.identity.svid.X509Svid;
import dev.writ.state.NodeRegistration;
import dev.writ.state.NodeRegistryClient;
import dev.writ.state.PendingEnrollment;
import dev.writ.state.RegistryView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The enrollment protocol on the server (docs/spec/enrollment.md section 3): open, challenge,
 * complete. The writ is checked before anything else is trusted, evidence decides posture, and the
 * spend plus registration is one replicated command; every refusal after the body parsed is audited
 * with a receipt, and the writ stays unspent unless the command spent it.
 *
 * <p>Thread-safe: its parts are.
 */
final class Enrollment {
  /** How long an opened enrollment may wait for its writ (enrollment.md section 3.1). */
  static final Duration OPEN_TTL = Duration.ofHours(1);

  private final TrustRoot root;
  private final RegistryView registry;
  private final NodeRegistryClient registryClient;
  private final EnrollAudit audit;
  private final Challenges challenges;
  private final EvidenceChecker evidence;
  private final ChallengeIssuer issuer;
  private final SpiffeCa ca;
  private final Duration svidTtl;
  private final Clock clock;

  Enrollment(
      TrustRoot root,
      RegistryView registry,
      NodeRegistryClient registryClient,
      EnrollAudit audit,
      Challenges challenges,
      SpiffeCa ca,
      Duration svidTtl,
      Clock clock) {
    this.root = root;
    this.registry = registry;
    this.registryClient = registryClient;
    this.audit = audit;
    this.challenges = challenges;
    this.evidence = new EvidenceChecker(root);
    this.issuer = new ChallengeIssuer(challenges);
    this.ca = ca;
    this.svidTtl = svidTtl;
    this.clock = clock;
  }

  /** The SPIFFE ID of node {@code name} in the root's trust domain (enrollment.md section 2). */
  SpiffeId nodeId(String name) {
    return new SpiffeId(root.contents().trustDomain(), "/node/" + name);
  }

  Reply open(byte[] body) {
    EnrollBodies.Open req;
    try {
      req = EnrollBodies.open(body);
    } catch (EnrollBodies.BadBody e) {
      return Reply.badRequest(e.getMessage());
    }
    SpiffeId node = nodeId(req.name());
    Duration ttl = OPEN_TTL;
    Duration maxTtl = root.contents().policy().maxTtl(Capability.ENROLL);
    if (maxTtl.compareTo(ttl) < 0) {
      ttl = maxTtl;
    }
    Instant expires = clock.instant().plus(ttl);
    WritId id = WritId.random(challenges.random());
    try {
      registryClient.open(id, node, expires);
    } catch (SpendLedger.SpendLedgerException e) {
      return Reply.ledgerUnavailable(Optional.empty());
    } catch (NodeRegistryClient.RefusedException e) {
      return Reply.overloaded();
    }
    return Reply.opened(id, node, TargetSet.of(List.of(node)).hash().toString(), expires);
  }

  Reply challenge(byte[] body) {
    EnrollBodies.Challenge req;
    try {
      req = EnrollBodies.challenge(body);
    } catch (EnrollBodies.BadBody e) {
      return audit.refuse(body, Optional.empty(), Reason.MALFORMED, e.getMessage());
    }
    Checked writ = checkWrit(req.envelope(), req.name());
    if (writ.refusal().isPresent()) {
      return writ.refusal().get();
    }
    VerifiedWrit w = writ.writ().orElseThrow();
    try {
      return issuer.issue(Optional.of(w.id()), nodeId(req.name()), req.evidence());
    } catch (AttestationException e) {
      return audit.refuse(
          req.envelope(), Optional.of(w.id()), EvidenceChecker.reason(e.failure()), e.getMessage());
    }
  }

  Reply complete(byte[] body) {
    EnrollBodies.Complete req;
    try {
      req = EnrollBodies.complete(body);
    } catch (EnrollBodies.BadBody e) {
      return audit.refuse(body, Optional.empty(), Reason.MALFORMED, e.getMessage());
    }
    Optional<Challenges.Issued> issued = challenges.take(req.challenge());
    if (issued.isEmpty()) {
      return audit.refuse(
          req.envelope(),
          Optional.empty(),
          Reason.STALE_NONCE,
          "the challenge is unknown, expired or used");
    }
    Csr csr;
    try {
      csr = Csr.parse(req.csr());
    } catch (SvidException e) {
      return audit.refuse(req.envelope(), Optional.empty(), Reason.CSR_INVALID, e.getMessage());
    }
    Checked writ = checkWrit(req.envelope(), req.name());
    if (writ.refusal().isPresent()) {
      return writ.refusal().get();
    }
    VerifiedWrit w = writ.writ().orElseThrow();
    if (!issued.get().writ().equals(Optional.of(w.id()))
        || !issued.get().node().equals(nodeId(req.name()))) {
      return audit.refuse(
          req.envelope(),
          Optional.of(w.id()),
          Reason.STALE_NONCE,
          "the challenge was issued for another writ or node");
    }
    EvidenceChecker.Assessment assessment;
    try {
      assessment = assess(issued.get(), req, csr);
    } catch (AttestationException e) {
      return audit.refuse(
          req.envelope(), Optional.of(w.id()), EvidenceChecker.reason(e.failure()), e.getMessage());
    } catch (EnrollBodies.BadBody e) {
      return audit.refuse(req.envelope(), Optional.of(w.id()), Reason.MALFORMED, e.getMessage());
    }
    SpiffeId node = nodeId(req.name());
    X509Svid svid = ca.issue(csr, node, svidTtl);
    NodeRegistration registration =
        new NodeRegistration(
            node,
            assessment.posture(),
            assessment.kind().map(k -> k.wire()),
            assessment.measurements(),
            req.advisory(),
            svid.serial().toString(16),
            svid.notAfter().getEpochSecond());
    NodeRegistryClient.Enrollment outcome;
    try {
      outcome =
          registryClient.enroll(
              w.id(), w.envelopeSha256(), writ.retainUntil().orElseThrow(), registration);
    } catch (SpendLedger.SpendLedgerException e) {
      return Reply.ledgerUnavailable(Optional.of(w.id()));
    }
    return switch (outcome) {
      case NodeRegistryClient.Enrollment.Enrolled e ->
          audit.enrolled(w.id(), node, assessment.posture(), svid, ca, e.leaf());
      case NodeRegistryClient.Enrollment.AlreadySpent s ->
          audit.refused(Reason.SPENT, Optional.of(w.id()), s.leaf(), "the writ is already spent");
      case NodeRegistryClient.Enrollment.NotOpen n ->
          audit.refused(
              Reason.ENROLLMENT_NOT_OPEN, Optional.of(w.id()), n.leaf(), "the enrollment lapsed");
    };
  }

  private EvidenceChecker.Assessment assess(
      Challenges.Issued issued, EnrollBodies.Complete req, Csr csr)
      throws AttestationException, EnrollBodies.BadBody {
    if (issued.kind().equals("none")) {
      if (req.evidence().isPresent()) {
        throw new EnrollBodies.BadBody("evidence given for evidence_kind none");
      }
      return EvidenceChecker.Assessment.degraded();
    }
    if (req.evidence().isEmpty()) {
      throw new EnrollBodies.BadBody("evidence missing for evidence_kind " + issued.kind());
    }
    try {
      return evidence.assess(issued, req.evidence().get(), csr.publicKey(), clock.instant());
    } catch (AttestationException e) {
      if (e.failure() == AttestationFailure.ATTESTATION_AUTHORITY_NOT_LISTED) {
        return EvidenceChecker.Assessment.degraded(); // no listed authority: enrolled, no trust
      }
      throw e;
    }
  }

  /** A checked enroll writ, or the audited refusal. */
  private record Checked(
      Optional<VerifiedWrit> writ, Optional<Instant> retainUntil, Optional<Reply> refusal) {
    static Checked refused(Reply r) {
      return new Checked(Optional.empty(), Optional.empty(), Optional.of(r));
    }
  }

  /** Authority-scope verification without spending, then the enrollment's own checks. */
  private Checked checkWrit(byte[] envelope, String name) {
    PreviewLedger preview = new PreviewLedger(registry);
    Decision decision;
    try {
      decision =
          new Verifier(root, preview)
              .verify(
                  envelope, VerificationContext.authority(clock.instant(), FleetState.normal()));
    } catch (SpendLedger.SpendLedgerException e) {
      throw new IllegalStateException("the preview ledger does not fail", e);
    }
    VerifiedWrit w;
    switch (decision) {
      case Decision.Deny d -> {
        return Checked.refused(audit.refuse(envelope, d.id(), d.reason(), d.reason().summary()));
      }
      case Decision.Allow a -> w = a.writ();
    }
    SpiffeId node = nodeId(name);
    WritPayload p = w.payload();
    Optional<PendingEnrollment> pending = registry.pending(w.id());
    if (p.cap() != Capability.ENROLL || pending.isEmpty()) {
      return Checked.refused(
          audit.refuse(
              envelope,
              Optional.of(w.id()),
              Reason.ENROLLMENT_NOT_OPEN,
              "the writ id is not an open enrollment"));
    }
    WritPayload.Targets t = p.targets().orElseThrow();
    if (!pending.get().node().equals(node)
        || !t.glob().toString().equals(node.toString())
        || !t.setHash().equals(TargetSet.of(List.of(node)).hash())) {
      return Checked.refused(
          audit.refuse(
              envelope,
              Optional.of(w.id()),
              Reason.IDENTITY_MISMATCH,
              "the writ and the enrollment name another node than " + node));
    }
    return new Checked(
        Optional.of(w),
        preview.request().map(SpendLedger.SpendRequest::retainUntil),
        Optional.empty());
  }
}
