package dev.writ.core;

import dev.writ.core.json.JsonException;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies a writ against a pinned trust root, fail closed, in the order DESIGN.md section 2 and
 * docs/spec/writ.md section "Verification" fix. The first failing check decides the denial. The
 * spend is last, so input that fails any other check never touches the ledger.
 *
 * <p>Thread-safe if the ledger is; the root is immutable and its keys are decoded once.
 */
public final class Verifier {
  private static final JsonReader PAYLOAD_READER =
      new JsonReader(Limits.PAYLOAD_JSON, JsonReader.Mode.INTEGERS_ONLY);

  private final TrustRoot root;
  private final SpendLedger ledger;

  public Verifier(TrustRoot root, SpendLedger ledger) {
    this.root = root;
    this.ledger = ledger;
  }

  /**
   * Runs every check the context's scope allows and, if all pass, spends the id.
   *
   * @throws SpendLedger.SpendLedgerException if the ledger cannot answer; the writ is then neither
   *     allowed nor known to be unspent, and the caller must deny
   */
  public Decision verify(byte[] envelopeBytes, VerificationContext context)
      throws SpendLedger.SpendLedgerException {
    try {
      return new Decision.Allow(check(envelopeBytes, context));
    } catch (WritDeniedException e) {
      return Decision.Deny.of(e);
    }
  }

  private VerifiedWrit check(byte[] input, VerificationContext ctx)
      throws WritDeniedException, SpendLedger.SpendLedgerException {
    // one private copy: the caller's array cannot change between parsing, hashing and recording
    byte[] envelopeBytes = input.clone();
    Envelope envelope = parseEnvelope(envelopeBytes); // 1. parse
    byte[] payloadBytes = envelope.payload();
    WritPayload writ = parsePayload(payloadBytes);
    try {
      RootContents rc = root.contents();
      Set<KeyId> signers = checkSignatures(envelope, writ, rc, ctx.now()); // 2.
      checkFreshness(writ, rc.policy(), ctx.now()); // 3.
      checkFleetState(writ, ctx); // 4.
      if (ctx.node().isPresent()) {
        VerificationContext.NodeFacts node = ctx.node().get();
        checkNodeIdentity(writ, rc, node); // 5.
        checkContent(writ, node); // 6.
      }
      checkTicketAndTier(writ, rc.policy()); // 7.
      SpendLedger.SpendRequest request =
          SpendLedger.SpendRequest.ofEnvelope(
              writ.id(),
              writ.cap(),
              envelopeBytes,
              writ.exp().plusSeconds(Limits.MAX_CLOCK_SKEW_SECONDS));
      spend(request); // 8. last
      return new VerifiedWrit(
          writ, payloadBytes, envelopeBytes, signers, rc.version(), ctx.node().isPresent());
    } catch (WritDeniedException e) {
      throw e.withId(writ.id());
    }
  }

  // 1. parse ------------------------------------------------------------------------------------

  private static Envelope parseEnvelope(byte[] bytes) throws WritDeniedException {
    if (bytes.length > Limits.MAX_ENVELOPE_BYTES) {
      throw new WritDeniedException(
          Reason.OVERSIZE,
          "envelope is " + bytes.length + " bytes, limit " + Limits.MAX_ENVELOPE_BYTES);
    }
    Envelope envelope = Envelope.parse(bytes);
    if (!envelope.payloadType().equals(Envelope.WRIT_PAYLOAD_TYPE)) {
      throw new WritDeniedException(
          Reason.MALFORMED, "payloadType is not " + Envelope.WRIT_PAYLOAD_TYPE);
    }
    return envelope;
  }

  static WritPayload parsePayload(byte[] payload) throws WritDeniedException {
    if (payload.length > Limits.MAX_PAYLOAD_BYTES) {
      throw new WritDeniedException(
          Reason.OVERSIZE,
          "payload is " + payload.length + " bytes, limit " + Limits.MAX_PAYLOAD_BYTES);
    }
    JsonValue json;
    try {
      json = PAYLOAD_READER.readCanonical(payload);
    } catch (JsonException e) {
      throw translate("payload", e);
    }
    return WritPayload.fromJson(json);
  }

  static WritDeniedException translate(String where, JsonException e) {
    Reason reason =
        switch (e.kind()) {
          case MALFORMED -> Reason.MALFORMED;
          case LIMIT -> Reason.OVERSIZE;
          case NON_CANONICAL -> Reason.NON_CANONICAL;
        };
    return new WritDeniedException(reason, where + ": " + e.getMessage(), e);
  }

  // 2. signatures -------------------------------------------------------------------------------

  private static Set<KeyId> checkSignatures(
      Envelope envelope, WritPayload writ, RootContents rc, Instant now)
      throws WritDeniedException {
    if (!now.isBefore(rc.expires())) {
      throw new WritDeniedException(
          Reason.ROOT_EXPIRED,
          "trust root version " + rc.version() + " expired at " + rc.expires());
    }
    byte[] pae = envelope.pae();
    Set<KeyId> classical = new LinkedHashSet<>();
    Set<KeyId> postQuantum = new HashSet<>();
    for (int i = 0; i < envelope.signatures().size(); i++) {
      Envelope.Signature s = envelope.signatures().get(i);
      RootContents.TrustedKey key = rc.keys().get(s.keyId());
      if (key == null) {
        throw new WritDeniedException(
            Reason.UNKNOWN_KEY, "signature " + i + " is by unlisted key " + s.keyId().shortForm());
      }
      if (!key.verifier().verify(pae, s.sig())) {
        throw new WritDeniedException(
            Reason.BAD_SIGNATURE,
            "signature " + i + " by key " + s.keyId().shortForm() + " does not verify");
      }
      (key.verifier().algorithm().postQuantum() ? postQuantum : classical).add(s.keyId());
    }
    Capability cap = writ.cap();
    boolean dual = rc.policy().dualControl().contains(cap);
    Role initiating = cap.initiatingRole();
    for (KeyId k : classical) {
      Set<Role> held = rc.rolesOf(k);
      if (!held.contains(initiating) && !(dual && held.contains(Role.APPROVER))) {
        throw new WritDeniedException(
            Reason.ROLE_NOT_PERMITTED,
            "key " + k.shortForm() + " holds no role that may sign " + cap.wire());
      }
    }
    for (KeyId pq : postQuantum) {
      KeyId partner = rc.keys().get(pq).hybridOf().orElseThrow();
      if (!classical.contains(partner)) {
        throw new WritDeniedException(
            Reason.ROLE_NOT_PERMITTED,
            "ml-dsa-65 key " + pq.shortForm() + " signed without its classical partner");
      }
    }
    if (rc.policy().hybridRequired()) {
      for (KeyId k : classical) {
        Optional<KeyId> partner = rc.hybridPartnerOf(k);
        if (partner.isEmpty() || !postQuantum.contains(partner.get())) {
          throw new WritDeniedException(
              Reason.HYBRID_REQUIRED,
              "policy requires an ml-dsa-65 co-signature for key " + k.shortForm());
        }
      }
    }
    checkThresholds(cap, dual, rc, classical);
    return classical;
  }

  /**
   * Thresholds count distinct keys. Under dual control the initiating and approving thresholds must
   * be met by disjoint sets of keys: a key holding both roles may fill either, never both.
   */
  private static void checkThresholds(
      Capability cap, boolean dual, RootContents rc, Set<KeyId> signers)
      throws WritDeniedException {
    RootContents.RoleKeys init = rc.role(cap.initiatingRole());
    Set<KeyId> initiators = new HashSet<>(signers);
    initiators.retainAll(init.keys());
    if (initiators.size() < init.threshold()) {
      throw new WritDeniedException(
          Reason.THRESHOLD_NOT_MET,
          cap.wire()
              + " needs "
              + init.threshold()
              + " distinct "
              + cap.initiatingRole().wire()
              + " keys, has "
              + initiators.size());
    }
    if (!dual) {
      return;
    }
    RootContents.RoleKeys appr = rc.role(Role.APPROVER);
    Set<KeyId> approvers = new HashSet<>(signers);
    approvers.retainAll(appr.keys());
    if (approvers.size() < appr.threshold()) {
      throw new WritDeniedException(
          Reason.THRESHOLD_NOT_MET,
          cap.wire()
              + " needs "
              + appr.threshold()
              + " distinct approver keys, has "
              + approvers.size());
    }
    Set<KeyId> both = new HashSet<>(initiators);
    both.retainAll(approvers);
    int onlyInit = initiators.size() - both.size();
    int onlyAppr = approvers.size() - both.size();
    int needFromBoth =
        Math.max(0, init.threshold() - onlyInit) + Math.max(0, appr.threshold() - onlyAppr);
    if (needFromBoth > both.size()) {
      throw new WritDeniedException(
          Reason.SEPARATION_OF_DUTIES,
          cap.wire()
              + " needs "
              + init.threshold()
              + " initiating and "
              + appr.threshold()
              + " approving keys, all distinct; "
              + signers.size()
              + " distinct keys signed");
    }
  }

  // 3. freshness --------------------------------------------------------------------------------

  private static void checkFreshness(WritPayload writ, Policy policy, Instant now)
      throws WritDeniedException {
    Duration skew = policy.clockSkew();
    if (!now.isBefore(writ.exp().plus(skew))) {
      throw new WritDeniedException(
          Reason.EXPIRED, "expired at " + writ.exp() + " (skew " + skew.toSeconds() + "s)");
    }
    if (now.isBefore(writ.nbf().minus(skew))) {
      throw new WritDeniedException(
          Reason.NOT_YET_VALID, "valid from " + writ.nbf() + " (skew " + skew.toSeconds() + "s)");
    }
    Duration ttl = Duration.between(writ.nbf(), writ.exp());
    Duration max = policy.maxTtl(writ.cap());
    if (ttl.compareTo(max) > 0) {
      throw new WritDeniedException(
          Reason.TTL_EXCEEDS_POLICY,
          "window of "
              + ttl.toSeconds()
              + "s exceeds the "
              + max.toSeconds()
              + "s policy allows for "
              + writ.cap().wire());
    }
  }

  // 4. fleet state ------------------------------------------------------------------------------

  private static void checkFleetState(WritPayload writ, VerificationContext ctx)
      throws WritDeniedException {
    if (ctx.state().paused() && writ.cap().stoppedByPause()) {
      throw new WritDeniedException(
          Reason.PAUSED, "the fleet is paused; " + writ.cap().wire() + " is frozen");
    }
    if (ctx.node().isPresent() && ctx.state().quarantined().contains(ctx.node().get().id())) {
      throw new WritDeniedException(
          Reason.TARGET_QUARANTINED, ctx.node().get().id() + " is quarantined");
    }
  }

  // 5. node identity ----------------------------------------------------------------------------

  private static void checkNodeIdentity(
      WritPayload writ, RootContents rc, VerificationContext.NodeFacts node)
      throws WritDeniedException {
    if (!node.id().trustDomain().equals(rc.trustDomain())) {
      throw new WritDeniedException(
          Reason.IDENTITY_MISMATCH, node.id() + " is outside trust domain " + rc.trustDomain());
    }
    if (writ.targets().isPresent()) {
      WritPayload.Targets t = writ.targets().get();
      if (!t.glob().matches(node.id())) {
        throw new WritDeniedException(
            Reason.IDENTITY_MISMATCH, node.id() + " does not match " + t.glob());
      }
      if (node.targets().isEmpty()) {
        throw new WritDeniedException(
            Reason.NOT_IN_TARGET_SET, "no target set was delivered with the writ");
      }
      if (!node.targets().get().hash().equals(t.setHash())) {
        throw new WritDeniedException(
            Reason.NOT_IN_TARGET_SET, "the delivered target set does not hash to set_hash");
      }
      if (!node.targets().get().contains(node.id())) {
        throw new WritDeniedException(
            Reason.NOT_IN_TARGET_SET, node.id() + " is not in the target set");
      }
    }
    if (writ.cap().needsAttestedNode() && !node.posture().attested()) {
      throw new WritDeniedException(
          Reason.POSTURE_INSUFFICIENT,
          writ.cap().wire() + " needs an attested node; posture is " + node.posture().wire());
    }
  }

  // 6. content ----------------------------------------------------------------------------------

  private static void checkContent(WritPayload writ, VerificationContext.NodeFacts node)
      throws WritDeniedException {
    if (writ.content().isEmpty()) {
      return;
    }
    if (node.content().isEmpty()) {
      throw new WritDeniedException(Reason.CONTENT_MISMATCH, "no content bytes to check");
    }
    if (!node.content().get().equals(writ.content().get())) {
      throw new WritDeniedException(
          Reason.CONTENT_MISMATCH,
          "bytes hash to " + node.content().get() + ", writ names " + writ.content().get());
    }
  }

  // 7. ticket and tier --------------------------------------------------------------------------

  private static void checkTicketAndTier(WritPayload writ, Policy policy)
      throws WritDeniedException {
    if (policy.ticketRequired().contains(writ.cap()) && writ.ticket().isEmpty()) {
      throw new WritDeniedException(
          Reason.TICKET_REQUIRED, "policy requires a ticket for " + writ.cap().wire());
    }
    if (writ.tier().isPresent() && !writ.tier().get().atLeast(policy.sandboxFloor())) {
      throw new WritDeniedException(
          Reason.TIER_BELOW_FLOOR,
          "tier "
              + writ.tier().get().wire()
              + " is below the floor "
              + policy.sandboxFloor().wire());
    }
  }

  // 8. spend ------------------------------------------------------------------------------------

  private void spend(SpendLedger.SpendRequest request)
      throws WritDeniedException, SpendLedger.SpendLedgerException {
    SpendLedger.Outcome outcome = ledger.spend(request);
    switch (outcome) {
      case SPENT_NOW -> {}
      case ALREADY_SPENT -> throw new WritDeniedException(Reason.SPENT, "already spent");
    }
  }

  /** The root this verifier trusts. */
  public TrustRoot root() {
    return root;
  }
}
