package dev.writ.identity.tdx;

import static dev.writ.identity.tdx.TdxQuoteVerifierVectorTest.assertFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;
import java.math.BigInteger;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline on quotes built and signed with test keys under a test PKI: the policy checks
 * (debug, MRTD), the quoting enclave's identity and key binding, and revocation, which the samples
 * cannot exercise.
 */
class TdxQuoteVerifierSyntheticTest {
  private static final Instant NOW = SyntheticTdx.NOW;

  private static VerifiedTdxQuote verify(SyntheticTdx s, TdxPolicy policy)
      throws AttestationException {
    return TdxQuoteVerifier.verify(s.build(), s.reportData, policy, NOW);
  }

  @Test
  void verify_syntheticQuote_verifiesToTestRoot() throws AttestationException {
    SyntheticTdx s = new SyntheticTdx();

    VerifiedTdxQuote v = verify(s, s.policy());

    assertThat(v.authority()).isEqualTo(s.authority());
    assertThat(v.mrTd()).isEqualTo(HexFormat.of().formatHex(s.mrTd));
    assertThat(v.debug()).isFalse();
  }

  @Test
  void verify_debugTd_isPolicy() {
    SyntheticTdx s = new SyntheticTdx();
    s.tdAttributes[0] = 0x01;

    assertFailure(() -> verify(s, s.policy()), AttestationFailure.ATTESTATION_POLICY);
  }

  @Test
  void verify_debugTdWhenPolicyAllowsDebug_verifiesAndSaysDebug() throws AttestationException {
    SyntheticTdx s = new SyntheticTdx();
    s.tdAttributes[0] = 0x01;

    assertThat(verify(s, s.policy().allowingDebug()).debug()).isTrue();
  }

  @Test
  void verify_otherAttributeBitsWithoutDebug_verify() throws AttestationException {
    SyntheticTdx s = new SyntheticTdx();
    s.tdAttributes[3] = 0x40; // SEPT_VE_DISABLE, as in the v4 sample
    s.tdAttributes[0] = 0x02;

    assertThat(verify(s, s.policy()).debug()).isFalse();
  }

  @Test
  void verify_mrTdInAllowedSet_verifies() throws AttestationException {
    SyntheticTdx s = new SyntheticTdx();
    String mrTd = HexFormat.of().formatHex(s.mrTd);

    assertThat(verify(s, s.policy().withAllowedMrTds(Set.of("cd".repeat(48), mrTd))).mrTd())
        .isEqualTo(mrTd);
  }

  @Test
  void verify_mrTdNotInAllowedSet_isPolicy() {
    SyntheticTdx s = new SyntheticTdx();
    TdxPolicy policy = s.policy().withAllowedMrTds(Set.of("cd".repeat(48)));

    assertFailure(() -> verify(s, policy), AttestationFailure.ATTESTATION_POLICY);
  }

  @Test
  void verify_debugCheckedBeforeMrTd_isPolicy() {
    SyntheticTdx s = new SyntheticTdx();
    s.tdAttributes[0] = 0x01;
    TdxPolicy policy = s.policy().withAllowedMrTds(Set.of("cd".repeat(48)));

    assertFailure(() -> verify(s, policy), AttestationFailure.ATTESTATION_POLICY);
  }

  @Test
  void verify_nonceMismatchBeforePolicy_isNonceMismatch() {
    SyntheticTdx s = new SyntheticTdx();
    s.tdAttributes[0] = 0x01;

    assertFailure(
        () -> TdxQuoteVerifier.verify(s.build(), new byte[64], s.policy(), NOW),
        AttestationFailure.ATTESTATION_NONCE_MISMATCH);
  }

  @Test
  void verify_qeNotSignedByIntel_isUntrusted() {
    SyntheticTdx s = new SyntheticTdx();
    s.qeMrSigner = SyntheticTdx.filled(32, 0x44);

    assertFailure(() -> verify(s, s.policy()), AttestationFailure.ATTESTATION_UNTRUSTED);
  }

  @Test
  void verify_qeNotTheTdQuotingEnclave_isUntrusted() {
    SyntheticTdx s = new SyntheticTdx();
    s.qeIsvProdId = 1; // the SGX QE

    assertFailure(() -> verify(s, s.policy()), AttestationFailure.ATTESTATION_UNTRUSTED);
  }

  @Test
  void verify_qeDebugEnclave_isUntrusted() {
    SyntheticTdx s = new SyntheticTdx();
    s.qeAttributes[0] = 0x13; // DEBUG bit set, under the mask

    assertFailure(() -> verify(s, s.policy()), AttestationFailure.ATTESTATION_UNTRUSTED);
  }

  @Test
  void verify_qeReportDoesNotCommitToAttestationKey_isUntrusted() {
    SyntheticTdx s = new SyntheticTdx();
    s.qeReportDataOverride = SyntheticTdx.filled(64, 0);

    assertFailure(() -> verify(s, s.policy()), AttestationFailure.ATTESTATION_UNTRUSTED);
  }

  @Test
  void verify_qeReportBindingWithNonZeroUpperHalf_isUntrusted() throws AttestationException {
    SyntheticTdx s = new SyntheticTdx();
    byte[] good = TdxQuote.parse(s.build()).qeReport().reportData();
    good[40] = 1;
    s.qeReportDataOverride = good;

    assertFailure(() -> verify(s, s.policy()), AttestationFailure.ATTESTATION_UNTRUSTED);
  }

  @Test
  void verify_quoteSignedByAnotherKey_isBadSignature() {
    SyntheticTdx s = new SyntheticTdx();
    // The QE certifies the key quoted, but the quote is signed with a different key.
    s.attestationKeyOverride =
        SyntheticTdx.raw(
            (java.security.interfaces.ECPublicKey) SyntheticTdx.ecKey("secp256r1").getPublic());

    assertFailure(() -> verify(s, s.policy()), AttestationFailure.ATTESTATION_BAD_SIGNATURE);
  }

  @Test
  void verify_pckKeyNotP256_isBadSignature() {
    SyntheticTdx s = new SyntheticTdx();
    s.pckFor(SyntheticTdx.ecKey("secp384r1"));

    assertFailure(() -> verify(s, s.policy()), AttestationFailure.ATTESTATION_BAD_SIGNATURE);
  }

  @Test
  void verify_pckNotIssuedByChainCa_isUntrusted() {
    SyntheticTdx s = new SyntheticTdx();
    s.chain = List.of(new SyntheticTdx().pck, s.ca, s.root);

    assertFailure(() -> verify(s, s.policy()), AttestationFailure.ATTESTATION_UNTRUSTED);
  }

  @Test
  void verify_pckRevoked_isUntrusted() {
    SyntheticTdx s = new SyntheticTdx();
    TdxPolicy policy =
        s.policy()
            .withCrls(
                List.of(
                    s.crl(
                        NOW.minusSeconds(3600),
                        NOW.plusSeconds(3600),
                        s.caKey,
                        BigInteger.TEN,
                        s.pck.getSerialNumber())));

    assertFailure(() -> verify(s, policy), AttestationFailure.ATTESTATION_UNTRUSTED);
  }

  @Test
  void verify_crlRevokingOthers_verifies() throws AttestationException {
    SyntheticTdx s = new SyntheticTdx();
    TdxPolicy policy =
        s.policy()
            .withCrls(
                List.of(
                    s.crl(NOW.minusSeconds(3600), NOW.plusSeconds(3600), s.caKey, BigInteger.TEN)));

    assertThat(verify(s, policy)).isNotNull();
  }

  @Test
  void verify_crlPastNextUpdate_isUntrusted() {
    SyntheticTdx s = new SyntheticTdx();
    TdxPolicy policy =
        s.policy()
            .withCrls(List.of(s.crl(NOW.minusSeconds(7200), NOW.minusSeconds(3600), s.caKey)));

    assertFailure(() -> verify(s, policy), AttestationFailure.ATTESTATION_UNTRUSTED);
  }

  @Test
  void verify_crlNotYetValid_isUntrusted() {
    SyntheticTdx s = new SyntheticTdx();
    TdxPolicy policy =
        s.policy().withCrls(List.of(s.crl(NOW.plusSeconds(60), NOW.plusSeconds(3600), s.caKey)));

    assertFailure(() -> verify(s, policy), AttestationFailure.ATTESTATION_UNTRUSTED);
  }

  @Test
  void verify_crlNotSignedByTheIssuer_isUntrusted() {
    SyntheticTdx s = new SyntheticTdx();
    TdxPolicy policy =
        s.policy()
            .withCrls(
                List.of(
                    s.crl(
                        NOW.minusSeconds(3600),
                        NOW.plusSeconds(3600),
                        SyntheticTdx.ecKey("secp256r1"))));

    assertFailure(() -> verify(s, policy), AttestationFailure.ATTESTATION_UNTRUSTED);
  }

  @Test
  void verify_crlOfUnrelatedIssuer_isIgnored() throws AttestationException {
    SyntheticTdx s = new SyntheticTdx();
    TdxPolicy policy = s.policy().withCrls(List.of(TdxVectors.pckCrl())); // Intel's, stale

    assertThat(verify(s, policy)).isNotNull();
  }

  @Test
  void policy_malformedMrTd_isRejected() {
    SyntheticTdx s = new SyntheticTdx();

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> s.policy().withAllowedMrTds(Set.of("AB".repeat(48))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
