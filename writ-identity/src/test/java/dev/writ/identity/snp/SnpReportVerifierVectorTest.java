package dev.writ.identity.snp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;
import dev.writ.identity.Fingerprint;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The go-sev-guest Milan sample through the whole verifier. */
class SnpReportVerifierVectorTest {
  @Test
  void verify_milanSample_acceptedWithItsPosture() throws AttestationException {
    VerifiedSnpReport v = verify(SnpVectors.report(), SnpVectors.samplePolicy());

    assertThat(v.authority().fingerprint().hex()).isEqualTo(SnpVectors.MILAN_ARK);
    assertThat(v.measurementHex()).isEqualTo(SnpVectors.MEASUREMENT);
    assertThat(v.chipIdHex()).isEqualTo(SnpVectors.CHIP_ID);
    assertThat(v.reportedTcb()).isEqualTo(SnpTcb.of(2, 0, 5, 68));
    assertThat(v.guestPolicy().debugAllowed()).isTrue();
    assertThat(v.signingKey()).isEqualTo(SnpSigningKey.VCEK);
    assertThat(v.vmpl()).isZero();
    assertThat(v.report().toByteArray()).isEqualTo(SnpVectors.report());
  }

  @Test
  void milanArkFingerprint_isThePinnedValue() {
    X509Certificate ark = SnpVectors.bundle("ask_ark_milan.pem").get(1);

    assertThat(Fingerprint.of(ark).hex()).isEqualTo(SnpVectors.MILAN_ARK);
    assertThat(Fingerprint.of(SnpVectors.bundle("ask_ark_genoa.pem").get(1)).hex())
        .isEqualTo(SnpVectors.GENOA_ARK);
  }

  @Test
  void verify_milanSampleUnderStrictPolicy_deniesDebugWithPolicy() {
    SnpPolicy strict =
        SnpPolicy.strict(List.of(SnpVectors.authority(SnpVectors.MILAN_ARK)), SnpTcb.zero());

    assertDenied(SnpVectors.report(), strict, AttestationFailure.ATTESTATION_POLICY);
  }

  @Test
  void verify_milanArkNotListed_deniesWithAuthorityNotListed() {
    SnpPolicy genoaOnly =
        SnpPolicy.strict(List.of(SnpVectors.authority(SnpVectors.GENOA_ARK)), SnpTcb.zero())
            .withDebugAllowed();
    SnpPolicy none = SnpPolicy.strict(List.of(), SnpTcb.zero()).withDebugAllowed();

    assertDenied(
        SnpVectors.report(), genoaOnly, AttestationFailure.ATTESTATION_AUTHORITY_NOT_LISTED);
    assertDenied(SnpVectors.report(), none, AttestationFailure.ATTESTATION_AUTHORITY_NOT_LISTED);
  }

  @Test
  void verify_genoaArkUnderMilanAsk_deniesWithUntrusted() {
    List<X509Certificate> milan = SnpVectors.bundle("ask_ark_milan.pem");
    List<X509Certificate> genoa = SnpVectors.bundle("ask_ark_genoa.pem");
    SnpPolicy both =
        SnpPolicy.strict(
                List.of(
                    SnpVectors.authority(SnpVectors.GENOA_ARK),
                    SnpVectors.authority(SnpVectors.MILAN_ARK)),
                SnpTcb.zero())
            .withDebugAllowed();

    assertDenied(
        SnpVectors.chain(milan.get(0), genoa.get(1)),
        both,
        AttestationFailure.ATTESTATION_UNTRUSTED);
    assertDenied(
        SnpVectors.chain(genoa.get(0), genoa.get(1)),
        both,
        AttestationFailure.ATTESTATION_UNTRUSTED);
  }

  @Test
  void verify_vcekUnderTheVlekChain_deniesWithUntrusted() {
    List<X509Certificate> vlek = SnpVectors.bundle("ask_ark_milan_vlek.pem");

    assertDenied(
        SnpVectors.chain(vlek.get(0), vlek.get(1)),
        SnpVectors.samplePolicy(),
        AttestationFailure.ATTESTATION_UNTRUSTED);
  }

  @Test
  void verify_outsideTheVcekValidity_deniesWithUntrusted() {
    for (Instant now :
        List.of(Instant.parse("2022-09-23T00:00:00Z"), Instant.parse("2029-09-25T00:00:00Z"))) {
      assertThatThrownBy(
              () ->
                  SnpReportVerifier.verify(
                      SnpVectors.report(),
                      SnpVectors.milanChain(),
                      SnpVectors.reportData(),
                      SnpVectors.samplePolicy(),
                      now))
          .isInstanceOfSatisfying(
              AttestationException.class,
              e -> assertThat(e.failure()).isEqualTo(AttestationFailure.ATTESTATION_UNTRUSTED));
    }
  }

  @Test
  void verify_chainWithoutTheVcek_deniesWithBadSignature() {
    List<X509Certificate> milan = SnpVectors.bundle("ask_ark_milan.pem");

    // The ASK is listed by nobody but chains to the ARK; its RSA key cannot sign a report.
    assertThatThrownBy(
            () ->
                SnpReportVerifier.verify(
                    SnpVectors.report(),
                    milan,
                    SnpVectors.reportData(),
                    SnpVectors.samplePolicy(),
                    SnpVectors.NOW))
        .isInstanceOfSatisfying(
            AttestationException.class,
            e -> assertThat(e.failure()).isEqualTo(AttestationFailure.ATTESTATION_BAD_SIGNATURE));
  }

  @Test
  void verify_measurementByteFlipped_deniesWithBadSignature() {
    assertFlipDenied(SnpReport.MEASUREMENT + 7, AttestationFailure.ATTESTATION_BAD_SIGNATURE);
  }

  @Test
  void verify_reportDataByteFlipped_deniesWithBadSignature() {
    assertFlipDenied(SnpReport.REPORT_DATA, AttestationFailure.ATTESTATION_BAD_SIGNATURE);
  }

  @Test
  void verify_reportedTcbByteFlipped_deniesWithBadSignature() {
    assertFlipDenied(SnpReport.REPORTED_TCB + 6, AttestationFailure.ATTESTATION_BAD_SIGNATURE);
  }

  @Test
  void verify_signatureRByteFlipped_deniesWithBadSignature() {
    assertFlipDenied(SnpReport.SIGNATURE + 3, AttestationFailure.ATTESTATION_BAD_SIGNATURE);
  }

  @Test
  void verify_signatureSByteFlipped_deniesWithBadSignature() {
    assertFlipDenied(
        SnpReport.SIGNATURE + SnpReport.SIGNATURE_COMPONENT + 40,
        AttestationFailure.ATTESTATION_BAD_SIGNATURE);
  }

  @Test
  void verify_signatureComponentPast384Bits_deniesWithBadSignature() {
    assertFlipDenied(SnpReport.SIGNATURE + 48, AttestationFailure.ATTESTATION_BAD_SIGNATURE);
  }

  @Test
  void verify_expectedReportDataOneBitDifferent_deniesWithNonceMismatch() {
    byte[] expected = SnpVectors.reportData();
    expected[63] ^= 0x01;

    assertThatThrownBy(
            () ->
                SnpReportVerifier.verify(
                    SnpVectors.report(),
                    SnpVectors.milanChain(),
                    expected,
                    SnpVectors.samplePolicy(),
                    SnpVectors.NOW))
        .isInstanceOfSatisfying(
            AttestationException.class,
            e -> assertThat(e.failure()).isEqualTo(AttestationFailure.ATTESTATION_NONCE_MISMATCH));
  }

  @Test
  void verify_expectedReportDataNot64Bytes_rejectsTheCall() {
    assertThatThrownBy(
            () ->
                SnpReportVerifier.verify(
                    SnpVectors.report(),
                    SnpVectors.milanChain(),
                    new byte[32],
                    SnpVectors.samplePolicy(),
                    SnpVectors.NOW))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void verify_reportedTcbBelowMinimum_deniesWithPolicy() {
    SnpPolicy policy =
        SnpPolicy.strict(
                List.of(SnpVectors.authority(SnpVectors.MILAN_ARK)), SnpTcb.of(2, 0, 6, 68))
            .withDebugAllowed();

    assertDenied(SnpVectors.report(), policy, AttestationFailure.ATTESTATION_POLICY);
  }

  @Test
  void verify_reportedTcbAtMinimum_accepted() throws AttestationException {
    SnpPolicy policy =
        SnpPolicy.strict(
                List.of(SnpVectors.authority(SnpVectors.MILAN_ARK)), SnpTcb.of(2, 0, 5, 68))
            .withDebugAllowed();

    assertThat(verify(SnpVectors.report(), policy).reportedTcb()).isEqualTo(SnpTcb.of(2, 0, 5, 68));
  }

  @Test
  void verify_measurementAllowList_admitsOnlyItsMembers() throws AttestationException {
    SnpPolicy listed =
        SnpVectors.samplePolicy().withAllowedMeasurements(Set.of(SnpVectors.MEASUREMENT));
    SnpPolicy other = SnpVectors.samplePolicy().withAllowedMeasurements(Set.of("ab".repeat(48)));

    assertThat(verify(SnpVectors.report(), listed).measurementHex())
        .isEqualTo(SnpVectors.MEASUREMENT);
    assertDenied(SnpVectors.report(), other, AttestationFailure.ATTESTATION_POLICY);
  }

  @Test
  void verify_truncatedOversizedOrWrongVersion_deniedBeforeTheChain() {
    byte[] sample = SnpVectors.report();
    byte[] wrongVersion = SnpVectors.report();
    wrongVersion[SnpReport.VERSION] = 1;

    assertDenied(
        Arrays.copyOf(sample, 100),
        SnpVectors.samplePolicy(),
        AttestationFailure.ATTESTATION_MALFORMED);
    assertDenied(
        Arrays.copyOf(sample, 4096),
        SnpVectors.samplePolicy(),
        AttestationFailure.ATTESTATION_OVERSIZE);
    assertDenied(wrongVersion, SnpVectors.samplePolicy(), AttestationFailure.ATTESTATION_MALFORMED);
  }

  private static VerifiedSnpReport verify(byte[] report, SnpPolicy policy)
      throws AttestationException {
    return SnpReportVerifier.verify(
        report, SnpVectors.milanChain(), SnpVectors.reportData(), policy, SnpVectors.NOW);
  }

  private static void assertFlipDenied(int offset, AttestationFailure failure) {
    byte[] report = SnpVectors.report();
    report[offset] ^= 0x01;
    assertDenied(report, SnpVectors.samplePolicy(), failure);
  }

  private static void assertDenied(byte[] report, SnpPolicy policy, AttestationFailure failure) {
    assertThatThrownBy(() -> verify(report, policy))
        .isInstanceOfSatisfying(
            AttestationException.class, e -> assertThat(e.failure()).isEqualTo(failure));
  }

  private static void assertDenied(
      List<X509Certificate> chain, SnpPolicy policy, AttestationFailure failure) {
    assertThatThrownBy(
            () ->
                SnpReportVerifier.verify(
                    SnpVectors.report(), chain, SnpVectors.reportData(), policy, SnpVectors.NOW))
        .isInstanceOfSatisfying(
            AttestationException.class, e -> assertThat(e.failure()).isEqualTo(failure));
  }
}
