package dev.writ.core;

import static dev.writ.core.TestFleet.ALICE;
import static dev.writ.core.TestFleet.ALICE_PQ;
import static dev.writ.core.TestFleet.AUDREY;
import static dev.writ.core.TestFleet.BOB;
import static dev.writ.core.TestFleet.BOB_PQ;
import static dev.writ.core.TestFleet.CAROL;
import static dev.writ.core.TestFleet.MALLORY;
import static dev.writ.core.TestFleet.NOW;
import static dev.writ.core.TestFleet.PAT;
import static dev.writ.core.TestFleet.SAM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * One or more tests per {@link Reason}, each asserting the exact reason, plus the verifier's
 * ordering guarantees: the spend is last, and nothing that fails an earlier check touches the
 * ledger.
 */
class VerifierTest {
  private static final TestFleet FLEET = TestFleet.standard();

  private final InMemorySpendLedger ledger = new InMemorySpendLedger();

  // helpers -------------------------------------------------------------------------------------

  private Decision verify(TestFleet fleet, byte[] envelope, VerificationContext ctx)
      throws SpendLedger.SpendLedgerException {
    return fleet.verifier(ledger).verify(envelope, ctx);
  }

  private Decision verify(byte[] envelope) throws SpendLedger.SpendLedgerException {
    return verify(FLEET, envelope, TestFleet.nodeContext());
  }

  private static VerifiedWrit assertAllowed(Decision d) {
    assertThat(d).isInstanceOf(Decision.Allow.class);
    return ((Decision.Allow) d).writ();
  }

  private static Decision.Deny assertDenied(Decision d, Reason reason) {
    assertThat(d)
        .as("decision")
        .isInstanceOfSatisfying(
            Decision.Deny.class, deny -> assertThat(deny.reason()).isEqualTo(reason));
    return (Decision.Deny) d;
  }

  /** Denied with {@code reason}, attributed to the writ, and its id left unspent. */
  private Decision.Deny assertDeniedUnspent(Decision d, Reason reason, WritPayload writ) {
    Decision.Deny deny = assertDenied(d, reason);
    assertThat(deny.id()).contains(writ.id());
    assertThat(ledger.isSpent(writ.id())).as("spent after a denial").isFalse();
    return deny;
  }

  private static WritPayload deploy() {
    return FLEET.writ(Capability.DEPLOY).build();
  }

  private static VerificationContext nodeContext(VerificationContext.NodeFacts node) {
    return VerificationContext.node(NOW, FleetState.normal(), node);
  }

  /** The payload JSON of {@code writ} with members changed or added. */
  private static byte[] payloadWith(WritPayload writ, Map<String, JsonValue> changes) {
    Map<String, JsonValue> m = new LinkedHashMap<>(((JsonObject) writ.toJson()).members());
    m.putAll(changes);
    return CanonicalJson.write(new JsonObject(m));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  // allow ---------------------------------------------------------------------------------------

  @Test
  void verify_validDeployInNodeScope_allowsAndSpends() throws Exception {
    WritPayload writ = deploy();
    byte[] env = TestFleet.sign(writ, ALICE);
    VerifiedWrit v = assertAllowed(verify(env));
    assertThat(v.payload()).isEqualTo(writ);
    assertThat(v.id()).isEqualTo(writ.id());
    assertThat(v.signers()).containsExactly(ALICE.id());
    assertThat(v.nodeScope()).isTrue();
    assertThat(v.rootVersion()).isEqualTo(1);
    assertThat(v.envelopeBytes()).isEqualTo(env);
    assertThat(v.payloadBytes()).isEqualTo(writ.toCanonicalBytes());
    assertThat(v.envelopeSha256()).isEqualTo(ContentId.of(env).digest());
    assertThat(ledger.isSpent(writ.id())).isTrue();
  }

  @Test
  void verify_everyCapabilityWithItsSigners_allows() throws Exception {
    Map<Capability, List<TestKey>> signers = new LinkedHashMap<>();
    signers.put(Capability.DISCOVER, List.of(ALICE));
    signers.put(Capability.REPLICATE, List.of(ALICE));
    signers.put(Capability.DEPLOY, List.of(CAROL));
    signers.put(Capability.EXECUTE, List.of(ALICE));
    signers.put(Capability.QUARANTINE, List.of(ALICE, BOB));
    signers.put(Capability.ENROLL, List.of(CAROL, BOB));
    signers.put(Capability.PAUSE, List.of(PAT));
    signers.put(Capability.RESUME, List.of(PAT, BOB));
    assertThat(signers.keySet()).containsExactlyInAnyOrder(Capability.values());
    for (Map.Entry<Capability, List<TestKey>> e : signers.entrySet()) {
      WritPayload writ = FLEET.writ(e.getKey()).build();
      byte[] env = TestFleet.sign(writ, e.getValue().toArray(TestKey[]::new));
      assertThat(verify(env)).as(e.getKey().wire()).isInstanceOf(Decision.Allow.class);
    }
  }

  @Test
  void verify_ecdsaSignedDeploy_allows() throws Exception {
    assertAllowed(verify(TestFleet.sign(deploy(), CAROL)));
  }

  // 1. parse ------------------------------------------------------------------------------------

  @Test
  void verify_envelopeOverSizeLimit_deniesWithOversize() throws Exception {
    byte[] big = new byte[Limits.MAX_ENVELOPE_BYTES + 1];
    Arrays.fill(big, (byte) ' ');
    Decision.Deny deny = assertDenied(verify(big), Reason.OVERSIZE);
    assertThat(deny.id()).isEmpty();
  }

  @Test
  void verify_payloadOverSizeLimit_deniesWithOversize() throws Exception {
    byte[] payload =
        payloadWith(deploy(), Map.of("pad", new JsonString("x".repeat(Limits.MAX_PAYLOAD_BYTES))));
    assertDenied(verify(TestFleet.signPayload(payload, ALICE)), Reason.OVERSIZE);
  }

  @Test
  void verify_seventeenSignatures_deniesWithOversize() throws Exception {
    WritPayload writ = deploy();
    byte[] payload = writ.toCanonicalBytes();
    Envelope.Signature one = ALICE.signEnvelope(Envelope.WRIT_PAYLOAD_TYPE, payload);
    String sig =
        "{\"keyid\":\""
            + one.keyId().hex()
            + "\",\"sig\":\""
            + Base64.getEncoder().encodeToString(one.sig())
            + "\"}";
    String env =
        "{\"payload\":\""
            + Base64.getEncoder().encodeToString(payload)
            + "\",\"payloadType\":\""
            + Envelope.WRIT_PAYLOAD_TYPE
            + "\",\"signatures\":["
            + String.join(",", Collections.nCopies(Limits.MAX_SIGNATURES + 1, sig))
            + "]}";
    assertDenied(verify(utf8(env)), Reason.OVERSIZE);
  }

  @Test
  void verify_notJson_deniesWithMalformed() throws Exception {
    Decision.Deny deny = assertDenied(verify(utf8("not a writ")), Reason.MALFORMED);
    assertThat(deny.id()).isEmpty();
  }

  @Test
  void verify_rootPayloadType_deniesWithMalformed() throws Exception {
    byte[] env =
        TestFleet.envelope(Envelope.ROOT_PAYLOAD_TYPE, deploy().toCanonicalBytes(), List.of(ALICE));
    assertDenied(verify(env), Reason.MALFORMED);
  }

  @Test
  void verify_envelopeWithoutSignatures_deniesWithMalformed() throws Exception {
    byte[] env =
        new Envelope(Envelope.WRIT_PAYLOAD_TYPE, deploy().toCanonicalBytes(), List.of())
            .toCanonicalBytes();
    assertDenied(verify(env), Reason.MALFORMED);
  }

  @Test
  void verify_payloadMissingExp_deniesWithMalformed() throws Exception {
    WritPayload writ = deploy();
    Map<String, JsonValue> m = new LinkedHashMap<>(((JsonObject) writ.toJson()).members());
    m.remove("exp");
    byte[] env = TestFleet.signPayload(CanonicalJson.write(new JsonObject(m)), ALICE);
    assertDenied(verify(env), Reason.MALFORMED);
  }

  @Test
  void verify_payloadWithUnknownCapability_deniesWithMalformedAndKeepsId() throws Exception {
    WritPayload writ = deploy();
    byte[] env =
        TestFleet.signPayload(
            payloadWith(writ, Map.of("cap", new JsonString("format-disk"))), ALICE);
    Decision.Deny deny = assertDenied(verify(env), Reason.MALFORMED);
    assertThat(deny.id()).contains(writ.id());
  }

  @Test
  void verify_payloadNotAnObject_deniesWithMalformed() throws Exception {
    assertDenied(verify(TestFleet.signPayload(utf8("[1]"), ALICE)), Reason.MALFORMED);
  }

  @Test
  void verify_envelopeWithWhitespace_deniesWithNonCanonical() throws Exception {
    String env = new String(TestFleet.sign(deploy(), ALICE), StandardCharsets.UTF_8);
    assertDenied(
        verify(utf8(env.replace(",\"payloadType\"", ", \"payloadType\""))), Reason.NON_CANONICAL);
  }

  @Test
  void verify_payloadWithUnsortedKeys_deniesWithNonCanonical() throws Exception {
    String canonical = new String(deploy().toCanonicalBytes(), StandardCharsets.UTF_8);
    // move "v" from last place to first: same JSON value, not the canonical byte order
    int v = canonical.lastIndexOf(",\"v\":1}");
    assertThat(v).isPositive();
    String reordered = "{\"v\":1," + canonical.substring(1, v) + "}";
    assertDenied(verify(TestFleet.signPayload(utf8(reordered), ALICE)), Reason.NON_CANONICAL);
  }

  @Test
  void verify_payloadVersionTwo_deniesWithUnsupportedVersion() throws Exception {
    byte[] payload = payloadWith(deploy(), Map.of("v", new JsonInteger(2)));
    assertDenied(verify(TestFleet.signPayload(payload, ALICE)), Reason.UNSUPPORTED_VERSION);
  }

  @Test
  void verify_payloadWithUnknownField_deniesWithUnknownField() throws Exception {
    WritPayload writ = deploy();
    byte[] payload = payloadWith(writ, Map.of("priority", new JsonInteger(1)));
    Decision.Deny deny =
        assertDenied(verify(TestFleet.signPayload(payload, ALICE)), Reason.UNKNOWN_FIELD);
    assertThat(deny.detail()).contains("priority");
  }

  @Test
  void verify_unknownFieldInTargets_deniesWithUnknownField() throws Exception {
    WritPayload writ = deploy();
    Map<String, JsonValue> targets =
        new LinkedHashMap<>(
            ((JsonObject) ((JsonObject) writ.toJson()).members().get("targets")).members());
    targets.put("extra", new JsonString("x"));
    byte[] payload = payloadWith(writ, Map.of("targets", new JsonObject(targets)));
    assertDenied(verify(TestFleet.signPayload(payload, ALICE)), Reason.UNKNOWN_FIELD);
  }

  // 2. signatures -------------------------------------------------------------------------------

  @Test
  void verify_rootExpired_deniesWithRootExpired() throws Exception {
    WritPayload writ =
        FLEET
            .writ(Capability.DEPLOY)
            .window(TestFleet.ROOT_EXPIRES.minusSeconds(60), TestFleet.ROOT_EXPIRES.plusSeconds(60))
            .build();
    VerificationContext atExpiry =
        VerificationContext.node(
            TestFleet.ROOT_EXPIRES, FleetState.normal(), TestFleet.node("web-1"));
    assertDeniedUnspent(
        verify(FLEET, TestFleet.sign(writ, ALICE), atExpiry), Reason.ROOT_EXPIRED, writ);
  }

  @Test
  void verify_signatureByUnlistedKey_deniesWithUnknownKey() throws Exception {
    WritPayload writ = deploy();
    assertDeniedUnspent(verify(TestFleet.sign(writ, MALLORY)), Reason.UNKNOWN_KEY, writ);
  }

  @Test
  void verify_unlistedKeyBesideValidSignature_deniesWithUnknownKey() throws Exception {
    WritPayload writ = deploy();
    assertDeniedUnspent(verify(TestFleet.sign(writ, ALICE, MALLORY)), Reason.UNKNOWN_KEY, writ);
  }

  @Test
  void verify_signatureOverOtherPayload_deniesWithBadSignature() throws Exception {
    WritPayload writ = deploy();
    byte[] payload = writ.toCanonicalBytes();
    byte[] otherSig =
        ALICE.sign(Envelope.pae(Envelope.WRIT_PAYLOAD_TYPE, deploy().toCanonicalBytes()));
    byte[] env =
        new Envelope(
                Envelope.WRIT_PAYLOAD_TYPE,
                payload,
                List.of(new Envelope.Signature(ALICE.id(), otherSig)))
            .toCanonicalBytes();
    assertDeniedUnspent(verify(env), Reason.BAD_SIGNATURE, writ);
  }

  @Test
  void verify_signatureNamingAnotherListedKey_deniesWithBadSignature() throws Exception {
    WritPayload writ = deploy();
    byte[] payload = writ.toCanonicalBytes();
    byte[] sig = ALICE.sign(Envelope.pae(Envelope.WRIT_PAYLOAD_TYPE, payload));
    byte[] env =
        new Envelope(
                Envelope.WRIT_PAYLOAD_TYPE, payload, List.of(new Envelope.Signature(SAM.id(), sig)))
            .toCanonicalBytes();
    assertDeniedUnspent(verify(env), Reason.BAD_SIGNATURE, writ);
  }

  @Test
  void verify_signatureOverPayloadWithoutPae_deniesWithBadSignature() throws Exception {
    WritPayload writ = deploy();
    byte[] payload = writ.toCanonicalBytes();
    byte[] env =
        new Envelope(
                Envelope.WRIT_PAYLOAD_TYPE,
                payload,
                List.of(new Envelope.Signature(ALICE.id(), ALICE.sign(payload))))
            .toCanonicalBytes();
    assertDeniedUnspent(verify(env), Reason.BAD_SIGNATURE, writ);
  }

  @Test
  void verify_auditorKeySigningDeploy_deniesWithRoleNotPermitted() throws Exception {
    WritPayload writ = deploy();
    assertDeniedUnspent(verify(TestFleet.sign(writ, AUDREY)), Reason.ROLE_NOT_PERMITTED, writ);
  }

  @Test
  void verify_approverOnlyKeyOnSingleControlDeploy_deniesWithRoleNotPermitted() throws Exception {
    WritPayload writ = deploy();
    assertDeniedUnspent(verify(TestFleet.sign(writ, BOB)), Reason.ROLE_NOT_PERMITTED, writ);
  }

  @Test
  void verify_initiatorSigningPause_deniesWithRoleNotPermitted() throws Exception {
    WritPayload writ = FLEET.writ(Capability.PAUSE).build();
    assertDeniedUnspent(verify(TestFleet.sign(writ, ALICE)), Reason.ROLE_NOT_PERMITTED, writ);
  }

  @Test
  void verify_auditorBesideValidInitiator_deniesWithRoleNotPermitted() throws Exception {
    WritPayload writ = deploy();
    assertDeniedUnspent(
        verify(TestFleet.sign(writ, ALICE, AUDREY)), Reason.ROLE_NOT_PERMITTED, writ);
  }

  @Test
  void verify_mlDsaSignatureWithoutItsClassicalPartner_deniesWithRoleNotPermitted()
      throws Exception {
    WritPayload writ = deploy();
    // ALICE signs, but the ML-DSA signature is BOB_PQ's, whose partner BOB did not sign
    assertDeniedUnspent(
        verify(TestFleet.sign(writ, ALICE, BOB_PQ)), Reason.ROLE_NOT_PERMITTED, writ);
  }

  @Test
  void verify_mlDsaSignatureAlone_deniesWithRoleNotPermitted() throws Exception {
    WritPayload writ = deploy();
    assertDeniedUnspent(verify(TestFleet.sign(writ, ALICE_PQ)), Reason.ROLE_NOT_PERMITTED, writ);
  }

  @Test
  void verify_hybridRequiredWithoutMlDsa_deniesWithHybridRequired() throws Exception {
    TestFleet hybrid = hybridFleet();
    WritPayload writ = hybrid.writ(Capability.DEPLOY).build();
    assertDeniedUnspent(
        verify(hybrid, TestFleet.sign(writ, ALICE), TestFleet.nodeContext()),
        Reason.HYBRID_REQUIRED,
        writ);
  }

  @Test
  void verify_hybridRequiredForKeyWithoutPartner_deniesWithHybridRequired() throws Exception {
    TestFleet hybrid = hybridFleet();
    WritPayload writ = hybrid.writ(Capability.DEPLOY).build();
    assertDeniedUnspent(
        verify(hybrid, TestFleet.sign(writ, CAROL), TestFleet.nodeContext()),
        Reason.HYBRID_REQUIRED,
        writ);
  }

  @Test
  void verify_hybridRequiredWithBothSignatures_allows() throws Exception {
    TestFleet hybrid = hybridFleet();
    WritPayload writ = hybrid.writ(Capability.DEPLOY).build();
    VerifiedWrit v =
        assertAllowed(
            verify(hybrid, TestFleet.sign(writ, ALICE, ALICE_PQ), TestFleet.nodeContext()));
    assertThat(v.signers()).containsExactly(ALICE.id());
  }

  @Test
  void verify_hybridNotRequiredButPresent_allows() throws Exception {
    assertAllowed(verify(TestFleet.sign(deploy(), ALICE_PQ, ALICE)));
  }

  private static TestFleet hybridFleet() {
    return TestFleet.builder()
        .policy(
            TestFleet.policy(
                Tier.GVISOR,
                EnumSet.of(Capability.QUARANTINE),
                EnumSet.noneOf(Capability.class),
                true))
        .build();
  }

  private static TestFleet twoInitiatorsFleet() {
    return TestFleet.builder().threshold(Role.INITIATOR, 2).build();
  }

  @Test
  void verify_sameKeyTwice_deniesWithThresholdNotMet() throws Exception {
    TestFleet fleet = twoInitiatorsFleet();
    WritPayload writ = fleet.writ(Capability.DEPLOY).build();
    assertDeniedUnspent(
        verify(fleet, TestFleet.sign(writ, ALICE, ALICE), TestFleet.nodeContext()),
        Reason.THRESHOLD_NOT_MET,
        writ);
  }

  @Test
  void verify_twoDistinctInitiators_meetThresholdOfTwo() throws Exception {
    TestFleet fleet = twoInitiatorsFleet();
    WritPayload writ = fleet.writ(Capability.DEPLOY).build();
    VerifiedWrit v =
        assertAllowed(verify(fleet, TestFleet.sign(writ, ALICE, CAROL), TestFleet.nodeContext()));
    assertThat(v.signers()).containsExactlyInAnyOrder(ALICE.id(), CAROL.id());
  }

  @Test
  void verify_classicalKeyAndItsOwnMlDsaPartner_countAsOneKey() throws Exception {
    TestFleet fleet = twoInitiatorsFleet();
    WritPayload writ = fleet.writ(Capability.DEPLOY).build();
    assertDeniedUnspent(
        verify(fleet, TestFleet.sign(writ, ALICE, ALICE_PQ), TestFleet.nodeContext()),
        Reason.THRESHOLD_NOT_MET,
        writ);
  }

  @Test
  void verify_dualControlWithoutApprover_deniesWithThresholdNotMet() throws Exception {
    WritPayload writ = FLEET.writ(Capability.QUARANTINE).build();
    assertDeniedUnspent(verify(TestFleet.sign(writ, ALICE)), Reason.THRESHOLD_NOT_MET, writ);
  }

  @Test
  void verify_oneKeyHoldingInitiatorAndApproverOnDualControl_deniesWithSeparationOfDuties()
      throws Exception {
    WritPayload writ = FLEET.writ(Capability.QUARANTINE).build();
    assertDeniedUnspent(verify(TestFleet.sign(writ, SAM)), Reason.SEPARATION_OF_DUTIES, writ);
  }

  @Test
  void verify_dualRoleKeyWithDistinctPartner_allowsEitherWay() throws Exception {
    // SAM may initiate with BOB approving, or approve ALICE's initiative
    assertAllowed(verify(TestFleet.sign(FLEET.writ(Capability.QUARANTINE).build(), SAM, BOB)));
    assertAllowed(verify(TestFleet.sign(FLEET.writ(Capability.QUARANTINE).build(), ALICE, SAM)));
  }

  @Test
  void verify_dualControlThresholdsOfTwoWithSharedKey_deniesWithSeparationOfDuties()
      throws Exception {
    TestFleet fleet =
        TestFleet.builder().threshold(Role.INITIATOR, 2).threshold(Role.APPROVER, 2).build();
    // initiators {ALICE, SAM}, approvers {SAM, BOB}: three keys cannot fill four distinct seats
    WritPayload writ = fleet.writ(Capability.QUARANTINE).build();
    assertDeniedUnspent(
        verify(fleet, TestFleet.sign(writ, ALICE, SAM, BOB), TestFleet.nodeContext()),
        Reason.SEPARATION_OF_DUTIES,
        writ);
  }

  // 3. freshness --------------------------------------------------------------------------------

  @Test
  void verify_expiredWrit_deniesWithExpired() throws Exception {
    WritPayload writ =
        FLEET.writ(Capability.DEPLOY).window(NOW.minusSeconds(600), NOW.minusSeconds(61)).build();
    assertDeniedUnspent(verify(TestFleet.sign(writ, ALICE)), Reason.EXPIRED, writ);
  }

  @Test
  void verify_expiredExactlyAtSkewBoundary_deniesWithExpired() throws Exception {
    WritPayload writ =
        FLEET.writ(Capability.DEPLOY).window(NOW.minusSeconds(600), NOW.minusSeconds(60)).build();
    assertDeniedUnspent(verify(TestFleet.sign(writ, ALICE)), Reason.EXPIRED, writ);
  }

  @Test
  void verify_expiredWithinClockSkew_allows() throws Exception {
    WritPayload writ =
        FLEET.writ(Capability.DEPLOY).window(NOW.minusSeconds(600), NOW.minusSeconds(59)).build();
    assertAllowed(verify(TestFleet.sign(writ, ALICE)));
  }

  @Test
  void verify_notYetValid_deniesWithNotYetValid() throws Exception {
    WritPayload writ =
        FLEET.writ(Capability.DEPLOY).window(NOW.plusSeconds(61), NOW.plusSeconds(600)).build();
    assertDeniedUnspent(verify(TestFleet.sign(writ, ALICE)), Reason.NOT_YET_VALID, writ);
  }

  @Test
  void verify_notYetValidWithinClockSkew_allows() throws Exception {
    WritPayload writ =
        FLEET.writ(Capability.DEPLOY).window(NOW.plusSeconds(60), NOW.plusSeconds(600)).build();
    assertAllowed(verify(TestFleet.sign(writ, ALICE)));
  }

  @Test
  void verify_windowLongerThanPolicy_deniesWithTtlExceedsPolicy() throws Exception {
    WritPayload writ =
        FLEET
            .writ(Capability.DEPLOY)
            .window(
                NOW.minusSeconds(60),
                NOW.minusSeconds(60).plus(Duration.ofMinutes(15)).plusSeconds(1))
            .build();
    assertDeniedUnspent(verify(TestFleet.sign(writ, ALICE)), Reason.TTL_EXCEEDS_POLICY, writ);
  }

  @Test
  void verify_windowExactlyAtPolicyMaximum_allows() throws Exception {
    WritPayload writ =
        FLEET
            .writ(Capability.DEPLOY)
            .window(NOW.minusSeconds(60), NOW.minusSeconds(60).plus(Duration.ofMinutes(15)))
            .build();
    assertAllowed(verify(TestFleet.sign(writ, ALICE)));
  }

  // 4. fleet state ------------------------------------------------------------------------------

  @Test
  void verify_deployWhilePaused_deniesWithPaused() throws Exception {
    WritPayload writ = deploy();
    VerificationContext paused =
        VerificationContext.node(NOW, new FleetState(true, Set.of()), TestFleet.node("web-1"));
    assertDeniedUnspent(verify(FLEET, TestFleet.sign(writ, ALICE), paused), Reason.PAUSED, writ);
  }

  @Test
  void verify_deployWhilePausedInAuthorityScope_deniesWithPaused() throws Exception {
    WritPayload writ = deploy();
    VerificationContext paused = VerificationContext.authority(NOW, new FleetState(true, Set.of()));
    assertDeniedUnspent(verify(FLEET, TestFleet.sign(writ, ALICE), paused), Reason.PAUSED, writ);
  }

  @Test
  void verify_executeWhilePaused_allows() throws Exception {
    WritPayload writ = FLEET.writ(Capability.EXECUTE).build();
    VerificationContext paused =
        VerificationContext.node(NOW, new FleetState(true, Set.of()), TestFleet.node("web-1"));
    assertAllowed(verify(FLEET, TestFleet.sign(writ, ALICE), paused));
  }

  @Test
  void verify_actingNodeQuarantined_deniesWithTargetQuarantined() throws Exception {
    WritPayload writ = deploy();
    VerificationContext ctx =
        VerificationContext.node(
            NOW, new FleetState(false, Set.of(TestFleet.nodeId("web-1"))), TestFleet.node("web-1"));
    assertDeniedUnspent(
        verify(FLEET, TestFleet.sign(writ, ALICE), ctx), Reason.TARGET_QUARANTINED, writ);
  }

  @Test
  void verify_otherNodeQuarantined_allows() throws Exception {
    VerificationContext ctx =
        VerificationContext.node(
            NOW, new FleetState(false, Set.of(TestFleet.nodeId("web-2"))), TestFleet.node("web-1"));
    assertAllowed(verify(FLEET, TestFleet.sign(deploy(), ALICE), ctx));
  }

  // 5. node identity ----------------------------------------------------------------------------

  @Test
  void verify_nodeOutsideGlob_deniesWithIdentityMismatch() throws Exception {
    WritPayload writ =
        FLEET
            .writ(Capability.DEPLOY)
            .glob("spiffe://" + TestFleet.TRUST_DOMAIN + "/node/db-*")
            .build();
    assertDeniedUnspent(verify(TestFleet.sign(writ, ALICE)), Reason.IDENTITY_MISMATCH, writ);
  }

  @Test
  void verify_nodeOfOtherTrustDomain_deniesWithIdentityMismatch() throws Exception {
    WritPayload writ = deploy();
    SpiffeId foreign = SpiffeId.parse("spiffe://other.test/node/web-1");
    VerificationContext.NodeFacts node =
        new VerificationContext.NodeFacts(
            foreign,
            Posture.ATTESTED,
            Optional.of(TargetSet.of(List.of(foreign))),
            Optional.of(ContentId.of(TestFleet.CONTENT)));
    assertDeniedUnspent(
        verify(FLEET, TestFleet.sign(writ, ALICE), nodeContext(node)),
        Reason.IDENTITY_MISMATCH,
        writ);
  }

  @Test
  void verify_nodeMatchingGlobButNotInSet_deniesWithNotInTargetSet() throws Exception {
    WritPayload writ = deploy();
    assertDeniedUnspent(
        verify(FLEET, TestFleet.sign(writ, ALICE), nodeContext(TestFleet.node("web-3"))),
        Reason.NOT_IN_TARGET_SET,
        writ);
  }

  @Test
  void verify_noTargetSetDelivered_deniesWithNotInTargetSet() throws Exception {
    WritPayload writ = deploy();
    VerificationContext.NodeFacts node =
        new VerificationContext.NodeFacts(
            TestFleet.nodeId("web-1"),
            Posture.ATTESTED,
            Optional.empty(),
            Optional.of(ContentId.of(TestFleet.CONTENT)));
    assertDeniedUnspent(
        verify(FLEET, TestFleet.sign(writ, ALICE), nodeContext(node)),
        Reason.NOT_IN_TARGET_SET,
        writ);
  }

  @Test
  void verify_deliveredSetNotHashingToSetHash_deniesWithNotInTargetSet() throws Exception {
    WritPayload writ = deploy();
    TargetSet wider =
        TargetSet.of(
            List.of(TestFleet.nodeId("web-1"), TestFleet.nodeId("web-2"), TestFleet.nodeId("x")));
    VerificationContext.NodeFacts node =
        new VerificationContext.NodeFacts(
            TestFleet.nodeId("web-1"),
            Posture.ATTESTED,
            Optional.of(wider),
            Optional.of(ContentId.of(TestFleet.CONTENT)));
    assertDeniedUnspent(
        verify(FLEET, TestFleet.sign(writ, ALICE), nodeContext(node)),
        Reason.NOT_IN_TARGET_SET,
        writ);
  }

  @Test
  void verify_degradedNodeForDeploy_deniesWithPostureInsufficient() throws Exception {
    WritPayload writ = deploy();
    VerificationContext.NodeFacts node =
        new VerificationContext.NodeFacts(
            TestFleet.nodeId("web-1"),
            Posture.DEGRADED,
            Optional.of(TestFleet.targets()),
            Optional.of(ContentId.of(TestFleet.CONTENT)));
    assertDeniedUnspent(
        verify(FLEET, TestFleet.sign(writ, ALICE), nodeContext(node)),
        Reason.POSTURE_INSUFFICIENT,
        writ);
  }

  @Test
  void verify_degradedNodeForQuarantine_allows() throws Exception {
    VerificationContext.NodeFacts node =
        new VerificationContext.NodeFacts(
            TestFleet.nodeId("web-1"),
            Posture.DEGRADED,
            Optional.of(TestFleet.targets()),
            Optional.empty());
    WritPayload writ = FLEET.writ(Capability.QUARANTINE).build();
    assertAllowed(verify(FLEET, TestFleet.sign(writ, ALICE, BOB), nodeContext(node)));
  }

  // 6. content ----------------------------------------------------------------------------------

  @Test
  void verify_nodeContentHashesElsewhere_deniesWithContentMismatch() throws Exception {
    WritPayload writ = deploy();
    VerificationContext.NodeFacts node =
        new VerificationContext.NodeFacts(
            TestFleet.nodeId("web-1"),
            Posture.ATTESTED,
            Optional.of(TestFleet.targets()),
            Optional.of(ContentId.of(utf8("other bytes"))));
    assertDeniedUnspent(
        verify(FLEET, TestFleet.sign(writ, ALICE), nodeContext(node)),
        Reason.CONTENT_MISMATCH,
        writ);
  }

  @Test
  void verify_nodeHoldsNoContent_deniesWithContentMismatch() throws Exception {
    WritPayload writ = deploy();
    VerificationContext.NodeFacts node =
        new VerificationContext.NodeFacts(
            TestFleet.nodeId("web-1"),
            Posture.ATTESTED,
            Optional.of(TestFleet.targets()),
            Optional.empty());
    assertDeniedUnspent(
        verify(FLEET, TestFleet.sign(writ, ALICE), nodeContext(node)),
        Reason.CONTENT_MISMATCH,
        writ);
  }

  @Test
  void verify_contentNamedInCidForm_matchesSameBytes() throws Exception {
    WritPayload writ =
        FLEET
            .writ(Capability.DEPLOY)
            .content(ContentId.parse(ContentId.of(TestFleet.CONTENT).toCid()))
            .build();
    assertAllowed(verify(TestFleet.sign(writ, ALICE)));
  }

  // 7. ticket and tier --------------------------------------------------------------------------

  private static TestFleet ticketFleet() {
    return TestFleet.builder()
        .policy(
            TestFleet.policy(
                Tier.GVISOR,
                EnumSet.of(Capability.QUARANTINE),
                EnumSet.of(Capability.DEPLOY),
                false))
        .build();
  }

  @Test
  void verify_ticketRequiredButMissing_deniesWithTicketRequired() throws Exception {
    TestFleet fleet = ticketFleet();
    WritPayload writ = fleet.writ(Capability.DEPLOY).build();
    assertDeniedUnspent(
        verify(fleet, TestFleet.sign(writ, ALICE), TestFleet.nodeContext()),
        Reason.TICKET_REQUIRED,
        writ);
  }

  @Test
  void verify_ticketRequiredAndPresent_allows() throws Exception {
    TestFleet fleet = ticketFleet();
    WritPayload writ = fleet.writ(Capability.DEPLOY).ticket("CHG-1234").build();
    assertAllowed(verify(fleet, TestFleet.sign(writ, ALICE), TestFleet.nodeContext()));
  }

  @Test
  void verify_executeTierBelowFloor_deniesWithTierBelowFloor() throws Exception {
    WritPayload writ = FLEET.writ(Capability.EXECUTE).tier(Tier.PROCESS).build();
    assertDeniedUnspent(verify(TestFleet.sign(writ, ALICE)), Reason.TIER_BELOW_FLOOR, writ);
  }

  @Test
  void verify_executeTierAtFloor_allows() throws Exception {
    WritPayload writ = FLEET.writ(Capability.EXECUTE).tier(Tier.GVISOR).build();
    assertAllowed(verify(TestFleet.sign(writ, ALICE)));
  }

  // 8. spend ------------------------------------------------------------------------------------

  @Test
  void verify_sameWritTwice_deniesSecondWithSpent() throws Exception {
    WritPayload writ = deploy();
    byte[] env = TestFleet.sign(writ, ALICE);
    assertAllowed(verify(env));
    Decision.Deny deny = assertDenied(verify(env), Reason.SPENT);
    assertThat(deny.id()).contains(writ.id());
  }

  @Test
  void verify_sameIdResignedByOtherKey_deniesWithSpent() throws Exception {
    WritPayload writ = deploy();
    assertAllowed(verify(TestFleet.sign(writ, ALICE)));
    assertDenied(verify(TestFleet.sign(writ, CAROL)), Reason.SPENT);
  }

  @Test
  void verify_idAlreadyInLedger_deniesWithSpent() throws Exception {
    WritPayload writ = deploy();
    Decision d =
        FLEET
            .verifier(InMemorySpendLedger.withSpent(Set.of(writ.id())))
            .verify(TestFleet.sign(writ, ALICE), TestFleet.nodeContext());
    assertDenied(d, Reason.SPENT);
  }

  // scope, ordering, ledger ---------------------------------------------------------------------

  @Test
  void verify_authorityScope_skipsNodeAndContentChecks() throws Exception {
    // a glob and content no node of the fixture matches: node scope denies, authority allows
    WritPayload writ =
        FLEET
            .writ(Capability.DEPLOY)
            .glob("spiffe://" + TestFleet.TRUST_DOMAIN + "/node/db-*")
            .content(ContentId.of(utf8("other bytes")))
            .build();
    byte[] env = TestFleet.sign(writ, ALICE);
    assertDeniedUnspent(verify(env), Reason.IDENTITY_MISMATCH, writ);
    VerifiedWrit v = assertAllowed(verify(FLEET, env, TestFleet.authorityContext()));
    assertThat(v.nodeScope()).isFalse();
  }

  @Test
  void verify_authorityScope_stillChecksTierFloor() throws Exception {
    WritPayload writ = FLEET.writ(Capability.EXECUTE).tier(Tier.SECCOMP).build();
    assertDeniedUnspent(
        verify(FLEET, TestFleet.sign(writ, ALICE), TestFleet.authorityContext()),
        Reason.TIER_BELOW_FLOOR,
        writ);
  }

  @Test
  void verify_authorityScope_stillChecksTicket() throws Exception {
    TestFleet fleet = ticketFleet();
    WritPayload writ = fleet.writ(Capability.DEPLOY).build();
    assertDeniedUnspent(
        verify(fleet, TestFleet.sign(writ, ALICE), TestFleet.authorityContext()),
        Reason.TICKET_REQUIRED,
        writ);
  }

  @Test
  void verify_writFailingAnyEarlierCheck_neverReachesLedger() throws Exception {
    List<SpendLedger.SpendRequest> requests = new ArrayList<>();
    SpendLedger recording =
        request -> {
          requests.add(request);
          return SpendLedger.Outcome.SPENT_NOW;
        };
    Verifier verifier = FLEET.verifier(recording);
    List<byte[]> failing =
        List.of(
            utf8("{}"),
            TestFleet.sign(deploy(), MALLORY),
            TestFleet.sign(deploy(), AUDREY),
            TestFleet.sign(
                FLEET
                    .writ(Capability.DEPLOY)
                    .window(NOW.minusSeconds(900), NOW.minusSeconds(300))
                    .build(),
                ALICE),
            TestFleet.sign(FLEET.writ(Capability.EXECUTE).tier(Tier.PROCESS).build(), ALICE),
            TestFleet.sign(
                FLEET.writ(Capability.DEPLOY).content(ContentId.of(utf8("x"))).build(), ALICE));
    for (byte[] env : failing) {
      assertThat(verifier.verify(env, TestFleet.nodeContext())).isInstanceOf(Decision.Deny.class);
    }
    assertThat(requests).isEmpty();
  }

  @Test
  void verify_allowedWrit_spendsWithIdCapEnvelopeHashAndRetention() throws Exception {
    List<SpendLedger.SpendRequest> requests = new ArrayList<>();
    SpendLedger recording =
        request -> {
          requests.add(request);
          return SpendLedger.Outcome.SPENT_NOW;
        };
    WritPayload writ = deploy();
    byte[] env = TestFleet.sign(writ, ALICE);
    assertAllowed(FLEET.verifier(recording).verify(env, TestFleet.nodeContext()));
    assertThat(requests).hasSize(1);
    SpendLedger.SpendRequest r = requests.getFirst();
    assertThat(r.id()).isEqualTo(writ.id());
    assertThat(r.cap()).isEqualTo(Capability.DEPLOY);
    assertThat(r.envelopeSha256()).isEqualTo(ContentId.of(env).digest());
    assertThat(r.retainUntil()).isEqualTo(writ.exp().plusSeconds(Limits.MAX_CLOCK_SKEW_SECONDS));
  }

  @Test
  void verify_ledgerThatThrows_propagatesAndNeverAllows() {
    SpendLedger broken =
        request -> {
          throw new SpendLedger.SpendLedgerException("quorum lost", new IllegalStateException());
        };
    byte[] env = TestFleet.sign(deploy(), ALICE);
    assertThatThrownBy(() -> FLEET.verifier(broken).verify(env, TestFleet.nodeContext()))
        .isInstanceOf(SpendLedger.SpendLedgerException.class)
        .hasMessage("quorum lost");
  }

  @Test
  void verify_ledgerThatThrows_isNotCalledForDeniedWrit() throws Exception {
    SpendLedger broken =
        request -> {
          throw new SpendLedger.SpendLedgerException("unreachable", new IllegalStateException());
        };
    Decision d =
        FLEET.verifier(broken).verify(TestFleet.sign(deploy(), MALLORY), TestFleet.nodeContext());
    assertDenied(d, Reason.UNKNOWN_KEY);
  }

  @Test
  void verify_reasonsAreReportedInCheckOrder() throws Exception {
    // expired AND signed by an unknown key AND below the floor: the signature check comes first
    WritPayload writ =
        FLEET
            .writ(Capability.EXECUTE)
            .tier(Tier.PROCESS)
            .window(NOW.minusSeconds(900), NOW.minusSeconds(300))
            .build();
    assertDenied(verify(TestFleet.sign(writ, MALLORY)), Reason.UNKNOWN_KEY);
    assertDenied(verify(TestFleet.sign(writ, ALICE)), Reason.EXPIRED);
  }
}
