package dev.writ.core;

import static dev.writ.core.TestFleet.ALICE;
import static dev.writ.core.TestFleet.MALLORY;
import static dev.writ.core.TestFleet.NOW;
import static dev.writ.core.TestFleet.ROOT_A;
import static dev.writ.core.TestFleet.ROOT_B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pinning and rotation of trust roots. The pinned root of {@link TestFleet#standard()} has root
 * keys ROOT_A and ROOT_B with threshold 1; rotations here add ROOT_C and ROOT_D.
 */
class TrustRootTest {
  private static final TestKey ROOT_C = TestKey.ed25519("root-c");
  private static final TestKey ROOT_D = TestKey.ed25519("root-d");

  private static final TrustRoot PINNED = TestFleet.standard().root();

  private static void assertDenied(ThrowingAction action, Reason reason) {
    assertThatThrownBy(action::run)
        .isInstanceOfSatisfying(
            WritDeniedException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  @FunctionalInterface
  private interface ThrowingAction {
    void run() throws Exception;
  }

  /** Version 2 whose root keys are ROOT_B and ROOT_C (threshold 1); ROOT_A is no longer listed. */
  private static RootContents nextRoot() {
    return TestFleet.builder().remove(ROOT_A).grant(ROOT_C, Role.ROOT).version(2).contents();
  }

  // pin -----------------------------------------------------------------------------------------

  @Test
  void pin_selfSignedByRootThreshold_accepted() throws Exception {
    TestFleet fleet = TestFleet.standard();
    TrustRoot root = TrustRoot.pin(fleet.rootEnvelope());
    assertThat(root.contents().version()).isEqualTo(1);
    assertThat(root.contents().toCanonicalBytes()).isEqualTo(fleet.contents().toCanonicalBytes());
    assertThat(root.envelopeBytes()).isEqualTo(fleet.rootEnvelope());
    assertThat(root.contents().rolesOf(ALICE.id())).containsExactly(Role.INITIATOR);
  }

  @Test
  void pin_signedOnlyByNonRootKey_deniesWithThresholdNotMet() {
    byte[] env = TestFleet.signRoot(TestFleet.standard().contents(), List.of(ALICE));
    assertDenied(() -> TrustRoot.pin(env), Reason.THRESHOLD_NOT_MET);
  }

  @Test
  void pin_signedByOneOfTwoRequired_deniesWithThresholdNotMet() {
    RootContents two = TestFleet.builder().threshold(Role.ROOT, 2).contents();
    assertDenied(
        () -> TrustRoot.pin(TestFleet.signRoot(two, List.of(ROOT_A, ROOT_A))),
        Reason.THRESHOLD_NOT_MET);
  }

  @Test
  void pin_signedByBothOfTwoRequired_accepted() throws Exception {
    RootContents two = TestFleet.builder().threshold(Role.ROOT, 2).contents();
    TrustRoot pinned = TrustRoot.pin(TestFleet.signRoot(two, List.of(ROOT_B, ROOT_A)));
    assertThat(pinned.contents().toCanonicalBytes()).isEqualTo(two.toCanonicalBytes());
  }

  @Test
  void pin_signatureByUnlistedKey_deniesWithUnknownKey() {
    byte[] env = TestFleet.signRoot(TestFleet.standard().contents(), List.of(ROOT_A, MALLORY));
    assertDenied(() -> TrustRoot.pin(env), Reason.UNKNOWN_KEY);
  }

  @Test
  void pin_tamperedSignature_deniesWithBadSignature() {
    RootContents rc = TestFleet.standard().contents();
    byte[] payload = rc.toCanonicalBytes();
    byte[] sig = ROOT_A.sign(Envelope.pae(Envelope.ROOT_PAYLOAD_TYPE, payload));
    sig[0] ^= 1;
    byte[] env =
        new Envelope(
                Envelope.ROOT_PAYLOAD_TYPE,
                payload,
                List.of(new Envelope.Signature(ROOT_A.id(), sig)))
            .toCanonicalBytes();
    assertDenied(() -> TrustRoot.pin(env), Reason.BAD_SIGNATURE);
  }

  @Test
  void pin_writPayloadType_deniesWithMalformed() {
    byte[] env =
        TestFleet.envelope(
            Envelope.WRIT_PAYLOAD_TYPE,
            TestFleet.standard().contents().toCanonicalBytes(),
            List.of(ROOT_A));
    assertDenied(() -> TrustRoot.pin(env), Reason.MALFORMED);
  }

  @Test
  void pin_expiredRoot_acceptedButEveryVerificationDenies() throws Exception {
    TestFleet expired = TestFleet.builder().expires(NOW.minusSeconds(1)).build();
    byte[] writ = TestFleet.sign(expired.writ(Capability.DEPLOY).build(), ALICE);
    Decision d = expired.verifier(new InMemorySpendLedger()).verify(writ, TestFleet.nodeContext());
    assertThat(d)
        .isInstanceOfSatisfying(
            Decision.Deny.class, deny -> assertThat(deny.reason()).isEqualTo(Reason.ROOT_EXPIRED));
  }

  // rotate --------------------------------------------------------------------------------------

  @Test
  void rotate_signedByOldAndNewThresholds_accepted() throws Exception {
    byte[] next = TestFleet.signRoot(nextRoot(), List.of(ROOT_A, ROOT_C));
    TrustRoot rotated = PINNED.rotate(next, NOW);
    assertThat(rotated.contents().version()).isEqualTo(2);
    assertThat(rotated.contents().keys()).containsKey(ROOT_C.id()).doesNotContainKey(ROOT_A.id());
    assertThat(rotated.envelopeBytes()).isEqualTo(next);
  }

  @Test
  void rotate_oneKeyInBothRootsSigning_meetsBothThresholds() throws Exception {
    // ROOT_B is a root key of version 1 and of version 2
    assertThat(
            PINNED
                .rotate(TestFleet.signRoot(nextRoot(), List.of(ROOT_B)), NOW)
                .contents()
                .version())
        .isEqualTo(2);
  }

  @Test
  void rotate_withoutOldThreshold_deniesWithThresholdNotMet() {
    byte[] next = TestFleet.signRoot(nextRoot(), List.of(ROOT_C));
    assertDenied(() -> PINNED.rotate(next, NOW), Reason.THRESHOLD_NOT_MET);
  }

  @Test
  void rotate_withoutNewThreshold_deniesWithThresholdNotMet() {
    RootContents next =
        TestFleet.builder()
            .clearRole(Role.ROOT)
            .grant(ROOT_C, Role.ROOT)
            .grant(ROOT_D, Role.ROOT)
            .threshold(Role.ROOT, 2)
            .version(2)
            .contents();
    // the old threshold is met (ROOT_A), the new one (2 of ROOT_C, ROOT_D) is not
    assertDenied(
        () -> PINNED.rotate(TestFleet.signRoot(next, List.of(ROOT_A, ROOT_C)), NOW),
        Reason.THRESHOLD_NOT_MET);
  }

  @Test
  void rotate_sameVersion_deniesWithRootRollback() {
    RootContents same = TestFleet.builder().version(1).contents();
    assertDenied(
        () -> PINNED.rotate(TestFleet.signRoot(same, List.of(ROOT_A, ROOT_B)), NOW),
        Reason.ROOT_ROLLBACK);
  }

  @Test
  void rotate_lowerVersion_deniesWithRootRollback() throws Exception {
    TrustRoot v3 = TestFleet.builder().version(3).build().root();
    RootContents v2 = TestFleet.builder().version(2).contents();
    assertDenied(
        () -> v3.rotate(TestFleet.signRoot(v2, List.of(ROOT_A, ROOT_B)), NOW),
        Reason.ROOT_ROLLBACK);
  }

  @Test
  void rotate_newRootAlreadyExpired_deniesWithRootExpired() {
    RootContents expired = TestFleet.builder().version(2).expires(NOW).contents();
    assertDenied(
        () -> PINNED.rotate(TestFleet.signRoot(expired, List.of(ROOT_A)), NOW),
        Reason.ROOT_EXPIRED);
  }

  @Test
  void rotate_signatureByKeyNeitherRootLists_deniesWithUnknownKey() {
    byte[] next = TestFleet.signRoot(nextRoot(), List.of(ROOT_A, ROOT_C, MALLORY));
    assertDenied(() -> PINNED.rotate(next, NOW), Reason.UNKNOWN_KEY);
  }

  @Test
  void rotate_badSignatureByOldRootKey_deniesWithBadSignature() {
    RootContents next = nextRoot();
    byte[] payload = next.toCanonicalBytes();
    byte[] pae = Envelope.pae(Envelope.ROOT_PAYLOAD_TYPE, payload);
    byte[] bad = ROOT_A.sign(pae);
    bad[10] ^= 4;
    byte[] env =
        new Envelope(
                Envelope.ROOT_PAYLOAD_TYPE,
                payload,
                List.of(
                    new Envelope.Signature(ROOT_A.id(), bad),
                    ROOT_C.signEnvelope(Envelope.ROOT_PAYLOAD_TYPE, payload)))
            .toCanonicalBytes();
    assertDenied(() -> PINNED.rotate(env, NOW), Reason.BAD_SIGNATURE);
  }

  @Test
  void rotate_twice_chainsFromEachAcceptedRoot() throws Exception {
    TrustRoot v2 = PINNED.rotate(TestFleet.signRoot(nextRoot(), List.of(ROOT_A, ROOT_C)), NOW);
    RootContents v3 =
        TestFleet.builder()
            .remove(ROOT_A)
            .remove(ROOT_B)
            .grant(ROOT_C, Role.ROOT)
            .grant(ROOT_D, Role.ROOT)
            .version(3)
            .contents();
    byte[] env3 = TestFleet.signRoot(v3, List.of(ROOT_C, ROOT_D));
    assertThat(v2.rotate(env3, NOW).contents().version()).isEqualTo(3);
    // version 1's keys cannot vouch for version 3 directly
    assertDenied(() -> PINNED.rotate(env3, NOW), Reason.THRESHOLD_NOT_MET);
  }

  @Test
  void rotate_keyDroppedByNewRoot_isUnknownToVerifierOfNewRoot() throws Exception {
    RootContents next =
        TestFleet.builder().remove(ALICE).remove(TestFleet.ALICE_PQ).version(2).contents();
    TrustRoot v2 = PINNED.rotate(TestFleet.signRoot(next, List.of(ROOT_A)), NOW);
    TestFleet fleet = TestFleet.standard();
    byte[] writ = TestFleet.sign(fleet.writ(Capability.DEPLOY).build(), ALICE);
    Decision d = new Verifier(v2, new InMemorySpendLedger()).verify(writ, TestFleet.nodeContext());
    assertThat(d)
        .isInstanceOfSatisfying(
            Decision.Deny.class, deny -> assertThat(deny.reason()).isEqualTo(Reason.UNKNOWN_KEY));
  }

  @Test
  void rotate_candidateWithEmptyPublicKey_deniesWithMalformed() {
    String json = new String(nextRoot().toCanonicalBytes(), StandardCharsets.UTF_8);
    String key = "\"public_key\":\"";
    int at = json.indexOf(key) + key.length();
    String broken = json.substring(0, at) + json.substring(json.indexOf('"', at));
    byte[] env =
        TestFleet.envelope(
            Envelope.ROOT_PAYLOAD_TYPE, broken.getBytes(StandardCharsets.UTF_8), List.of(ROOT_A));
    assertDenied(() -> PINNED.rotate(env, NOW), Reason.MALFORMED);
  }
}
