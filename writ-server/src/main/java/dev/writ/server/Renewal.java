package dev.writ.server;

import dev.writ.core.Posture;
import dev.writ.core.Reason;
import dev.writ.core.SpendLedger;
import dev.writ.core.SpiffeId;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.identity.AttestationException;
import dev.writ.identity.svid.Csr;
import dev.writ.identity.svid.SpiffeCa;
import dev.writ.identity.svid.SvidException;
import dev.writ.identity.svid.X509Svid;
import dev.writ.state.NodeRecord;
import dev.writ.state.NodeRegistration;
import dev.writ.state.NodeRegistryClient;
import dev.writ.state.RegistryView;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * SVID renewal on the server (docs/spec/enrollment.md section 3.4): a node that presented its
 * current (or previous) SVID in this TLS connection gets a challenge, answers it with fresh
 * evidence bound to a new key, and receives a new SVID for the same SPIFFE ID. The identity is
 * always the peer's: nothing in a body names a node. Renewal never lowers trust: a degraded node, a
 * request without evidence, evidence that fails for any reason (even no listed authority), a lower
 * posture than the registered one or evidence from another device is refused and audited.
 *
 * <p>Thread-safe: its parts are.
 */
final class Renewal {
  /** Recorded values that name the device the node enrolled with; a renewal must show the same. */
  static final List<String> DEVICE_VALUES =
      List.of(TpmEvidenceCheck.EK_SHA256, EvidenceChecker.CHIP_ID);

  /** A renewal check failed; the request is refused with this reason. */
  private static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    private final Reason reason;

    Refused(Reason reason, String detail) {
      super(detail);
      this.reason = reason;
    }
  }

  private final NodeAuth auth;
  private final RegistryView registry;
  private final NodeRegistryClient registryClient;
  private final EnrollAudit audit;
  private final Challenges challenges;
  private final ChallengeIssuer issuer;
  private final EvidenceChecker evidence;
  private final SpiffeCa ca;
  private final Duration svidTtl;
  private final Clock clock;

  Renewal(
      NodeAuth auth,
      RegistryView registry,
      NodeRegistryClient registryClient,
      EnrollAudit audit,
      Challenges challenges,
      EvidenceChecker evidence,
      SpiffeCa ca,
      Duration svidTtl,
      Clock clock) {
    this.auth = auth;
    this.registry = registry;
    this.registryClient = registryClient;
    this.audit = audit;
    this.challenges = challenges;
    this.issuer = new ChallengeIssuer(challenges);
    this.evidence = evidence;
    this.ca = ca;
    this.svidTtl = svidTtl;
    this.clock = clock;
  }

  /** {@code POST /v1/svid/challenge} from the peer presenting {@code peerChain}. */
  Reply challenge(List<X509Certificate> peerChain, byte[] body) {
    X509Svid peer;
    try {
      peer = auth.authenticate(peerChain);
    } catch (NodeAuth.RefusedException e) {
      return audit.refuseRenewal(e.presented(), e.reason(), e.getMessage());
    }
    try {
      EnrollBodies.EvidenceRequest req = EnrollBodies.renewChallenge(body);
      requireRenewable(registered(peer.id()), req.kind());
      return issuer.issue(Optional.empty(), peer.id(), req);
    } catch (EnrollBodies.BadBody e) {
      return refuse(peer, Reason.MALFORMED, e.getMessage());
    } catch (AttestationException e) {
      return refuse(peer, EvidenceChecker.reason(e.failure()), e.getMessage());
    } catch (Refused e) {
      return refuse(peer, e.reason, e.getMessage());
    }
  }

  /** {@code POST /v1/svid/renew} from the peer presenting {@code peerChain}. */
  Reply renew(List<X509Certificate> peerChain, byte[] body) {
    X509Svid peer;
    try {
      peer = auth.authenticate(peerChain);
    } catch (NodeAuth.RefusedException e) {
      return audit.refuseRenewal(e.presented(), e.reason(), e.getMessage());
    }
    try {
      return renew(peer, EnrollBodies.renew(body));
    } catch (EnrollBodies.BadBody e) {
      return refuse(peer, Reason.MALFORMED, e.getMessage());
    } catch (AttestationException e) {
      return refuse(peer, EvidenceChecker.reason(e.failure()), e.getMessage());
    } catch (Refused e) {
      return refuse(peer, e.reason, e.getMessage());
    }
  }

  /** A body over the limit on a renewal route: the peer is authenticated, then refused. */
  Reply oversize(List<X509Certificate> peerChain, int limit) {
    try {
      return refuse(auth.authenticate(peerChain), Reason.OVERSIZE, "body over " + limit);
    } catch (NodeAuth.RefusedException e) {
      return audit.refuseRenewal(e.presented(), e.reason(), e.getMessage());
    }
  }

  /** The checks of enrollment.md section 3.4, in order, then the new SVID and the registry. */
  private Reply renew(X509Svid peer, EnrollBodies.Renew req)
      throws Refused, AttestationException, EnrollBodies.BadBody {
    Challenges.Issued issued =
        challenges
            .take(req.challenge())
            .orElseThrow(
                () -> new Refused(Reason.STALE_NONCE, "the challenge is unknown, expired or used"));
    if (issued.writ().isPresent() || !issued.node().equals(peer.id())) {
      throw new Refused(
          Reason.STALE_NONCE, "the challenge was not issued for a renewal of " + peer.id());
    }
    Csr csr;
    try {
      csr = Csr.parse(req.csr());
    } catch (SvidException e) {
      throw new Refused(Reason.CSR_INVALID, e.getMessage());
    }
    NodeRecord record = registered(peer.id());
    requireRenewable(record, issued.kind());
    JsonObject presented =
        req.evidence()
            .orElseThrow(
                () ->
                    new Refused(Reason.POSTURE_INSUFFICIENT, "no evidence: renewal needs a quote"));
    EvidenceChecker.Assessment assessed =
        evidence.assess(issued, presented, csr.publicKey(), clock.instant());
    requireNoLess(record.registration(), assessed);
    X509Svid svid = ca.issue(csr, peer.id(), svidTtl);
    try {
      registryClient.renew(
          peer.id(), svid.serial().toString(16), svid.notAfter(), assessed.measurements());
    } catch (SpendLedger.SpendLedgerException e) {
      return Reply.ledgerUnavailable(Optional.empty());
    } catch (NodeRegistryClient.RefusedException e) {
      throw new Refused(
          e.code().equals("revoked") ? Reason.NODE_REVOKED : Reason.UNKNOWN_NODE,
          "the registry refused the renewal: " + e.code());
    }
    return audit.renewed(peer.id(), record.registration().posture(), svid, ca);
  }

  private NodeRecord registered(SpiffeId node) throws Refused {
    return registry
        .node(node)
        .orElseThrow(() -> new Refused(Reason.UNKNOWN_NODE, node + " is not enrolled"));
  }

  /** An attested node asking with evidence of the kind it enrolled with. */
  private static void requireRenewable(NodeRecord record, String kind) throws Refused {
    NodeRegistration r = record.registration();
    if (!r.posture().attested()) {
      throw new Refused(
          Reason.POSTURE_INSUFFICIENT,
          r.node() + " is enrolled degraded: it cannot renew and must enroll again with evidence");
    }
    if (kind.equals("none")) {
      throw new Refused(Reason.POSTURE_INSUFFICIENT, "evidence_kind none: renewal needs a quote");
    }
    if (!r.kind().equals(Optional.of(kind))) {
      throw new Refused(
          Reason.POSTURE_INSUFFICIENT,
          r.node() + " enrolled with " + r.kind().orElse("none") + " evidence, not " + kind);
    }
  }

  /** The evidence earns at least the registered posture and comes from the same device. */
  private static void requireNoLess(NodeRegistration r, EvidenceChecker.Assessment assessed)
      throws Refused {
    if (rank(assessed.posture()) < rank(r.posture())) {
      throw new Refused(
          Reason.POSTURE_INSUFFICIENT,
          "the evidence is " + assessed.posture().wire() + ", the node is " + r.posture().wire());
    }
    for (String name : DEVICE_VALUES) {
      if (!Objects.equals(r.measurements().get(name), assessed.measurements().get(name))) {
        throw new Refused(
            Reason.IDENTITY_MISMATCH,
            "the evidence comes from another device than "
                + r.node()
                + " enrolled with ("
                + name
                + ")");
      }
    }
  }

  private static int rank(Posture p) {
    return switch (p) {
      case ATTESTED -> 2;
      case ATTESTED_SOFTWARE -> 1;
      case DEGRADED -> 0;
    };
  }

  private Reply refuse(X509Svid peer, Reason reason, String detail) {
    return audit.refuseRenewal(
        HandshakeAudit.presented(Optional.of(peer.id()), Optional.of(peer.serial())),
        reason,
        detail);
  }
}
