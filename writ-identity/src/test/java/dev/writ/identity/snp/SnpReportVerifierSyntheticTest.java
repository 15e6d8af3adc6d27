package dev.writ.identity.snp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole pipeline on reports signed by a synthetic AMD hierarchy, for the cases a fixed sample
 * cannot reach: debug off and on, TCB minimums, a VCEK certified for another TCB or chip, VLEK.
 */
class SnpReportVerifierSyntheticTest {
  private static final SyntheticSnp AMD = new SyntheticSnp();

  @Test
  void verify_syntheticVcekReport_acceptedUnderStrictPolicy() throws AttestationException {
    VerifiedSnpReport v = verify(signed(new SyntheticSnp.Report()), AMD.vcekChain());

    assertThat(v.authority()).isEqualTo(AMD.authority());
    assertThat(v.measurementHex()).isEqualTo("1d".repeat(48));
    assertThat(v.chipIdHex()).isEqualTo(HexFormat.of().formatHex(SyntheticSnp.chipId()));
    assertThat(v.reportedTcb()).isEqualTo(SyntheticSnp.TCB);
    assertThat(v.guestPolicy().debugAllowed()).isFalse();
    assertThat(v.signingKey()).isEqualTo(SnpSigningKey.VCEK);
  }

  @Test
  void verify_version3Family19h_accepted() throws AttestationException {
    VerifiedSnpReport v =
        verify(signed(new SyntheticSnp.Report().version3(0x19, 0x11, 1)), AMD.vcekChain());

    assertThat(v.report().cpuid()).contains(new SnpReport.Cpuid(0x19, 0x11, 1));
  }

  @Test
  void verify_debugBitSet_deniesWithPolicyUnlessAllowed() throws AttestationException {
    byte[] debug = signed(new SyntheticSnp.Report().policy(0xb0000L));

    assertDenied(debug, AMD.vcekChain(), AMD.strictPolicy(), AttestationFailure.ATTESTATION_POLICY);
    assertThat(
            SnpReportVerifier.verify(
                    debug,
                    AMD.vcekChain(),
                    SyntheticSnp.nonce(),
                    AMD.strictPolicy().withDebugAllowed(),
                    SyntheticSnp.NOW)
                .guestPolicy()
                .debugAllowed())
        .isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"bootloader", "tee", "snp", "microcode"})
  void verify_reportedTcbComponentBelowMinimum_deniesWithPolicy(String component) {
    SnpTcb t = SyntheticSnp.TCB;
    SnpTcb minimum =
        switch (component) {
          case "bootloader" -> SnpTcb.of(t.bootloader() + 1, 0, 0, 0);
          case "tee" -> SnpTcb.of(0, t.tee() + 1, 0, 0);
          case "snp" -> SnpTcb.of(0, 0, t.snp() + 1, 0);
          default -> SnpTcb.of(0, 0, 0, t.microcode() + 1);
        };
    SnpPolicy policy = SnpPolicy.strict(List.of(AMD.authority()), minimum);

    assertThatThrownBy(
            () ->
                SnpReportVerifier.verify(
                    signed(new SyntheticSnp.Report()),
                    AMD.vcekChain(),
                    SyntheticSnp.nonce(),
                    policy,
                    SyntheticSnp.NOW))
        .isInstanceOfSatisfying(
            AttestationException.class,
            e -> {
              assertThat(e.failure()).isEqualTo(AttestationFailure.ATTESTATION_POLICY);
              assertThat(e.getMessage()).contains(component);
            });
  }

  @Test
  void verify_measurementAllowList_admitsOnlyItsMembers() throws AttestationException {
    byte[] report = signed(new SyntheticSnp.Report());

    assertDenied(
        report,
        AMD.vcekChain(),
        AMD.strictPolicy().withAllowedMeasurements(Set.of("00".repeat(48))),
        AttestationFailure.ATTESTATION_POLICY);
    assertThat(
            SnpReportVerifier.verify(
                report,
                AMD.vcekChain(),
                SyntheticSnp.nonce(),
                AMD.strictPolicy()
                    .withAllowedMeasurements(Set.of("1d".repeat(48), "00".repeat(48))),
                SyntheticSnp.NOW))
        .isNotNull();
  }

  @Test
  void verify_vcekCertifiedForAnotherTcb_deniesWithUntrusted() {
    SnpTcb other = SnpTcb.of(3, 0, 9, 115);
    Map<String, byte[]> ext = SyntheticSnp.tcbExtensions(other);
    ext.put(SyntheticSnp.AMD + "4", SyntheticSnp.chipId());

    assertDenied(
        signed(new SyntheticSnp.Report()),
        AMD.chain(AMD.leafKey.getPublic(), ext),
        AMD.strictPolicy(),
        AttestationFailure.ATTESTATION_UNTRUSTED);
  }

  @Test
  void verify_reportClaimingAnotherTcbThanItsVcek_deniesWithUntrusted() {
    // The VCEK is for TCB; the (validly signed) report states a higher one.
    byte[] report = signed(new SyntheticSnp.Report().reportedTcb(SnpTcb.of(3, 0, 9, 115)));

    assertDenied(
        report, AMD.vcekChain(), AMD.strictPolicy(), AttestationFailure.ATTESTATION_UNTRUSTED);
  }

  @Test
  void verify_vcekWithReservedTcbLevelSet_deniesWithUntrusted() {
    Map<String, byte[]> ext = SyntheticSnp.vcekExtensions();
    ext.put(SyntheticSnp.AMD + "3.5", SyntheticSnp.integer(1));

    assertDenied(
        signed(new SyntheticSnp.Report()),
        AMD.chain(AMD.leafKey.getPublic(), ext),
        AMD.strictPolicy(),
        AttestationFailure.ATTESTATION_UNTRUSTED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"3.1", "3.2", "3.3", "3.8"})
  void verify_vcekMissingARequiredTcbExtension_deniesWithUntrusted(String oid) {
    Map<String, byte[]> ext = SyntheticSnp.vcekExtensions();
    ext.remove(SyntheticSnp.AMD + oid);

    assertDenied(
        signed(new SyntheticSnp.Report()),
        AMD.chain(AMD.leafKey.getPublic(), ext),
        AMD.strictPolicy(),
        AttestationFailure.ATTESTATION_UNTRUSTED);
  }

  @Test
  void verify_vcekTcbExtensionNotAnInteger_deniesWithUntrusted() {
    Map<String, byte[]> ext = SyntheticSnp.vcekExtensions();
    ext.put(SyntheticSnp.AMD + "3.3", new byte[] {0x04, 0x01, 0x08});
    Map<String, byte[]> big = SyntheticSnp.vcekExtensions();
    big.put(SyntheticSnp.AMD + "3.3", SyntheticSnp.integer(256));

    for (Map<String, byte[]> e : List.of(ext, big)) {
      assertDenied(
          signed(new SyntheticSnp.Report()),
          AMD.chain(AMD.leafKey.getPublic(), e),
          AMD.strictPolicy(),
          AttestationFailure.ATTESTATION_UNTRUSTED);
    }
  }

  @Test
  void verify_vcekWithTurinFmcExtension_deniesWithUntrusted() {
    Map<String, byte[]> ext = SyntheticSnp.vcekExtensions();
    ext.put(SyntheticSnp.AMD + "3.9", SyntheticSnp.integer(0));

    assertDenied(
        signed(new SyntheticSnp.Report()),
        AMD.chain(AMD.leafKey.getPublic(), ext),
        AMD.strictPolicy(),
        AttestationFailure.ATTESTATION_UNTRUSTED);
  }

  @Test
  void verify_vcekForAnotherChip_deniesWithUntrusted() {
    Map<String, byte[]> ext = SyntheticSnp.vcekExtensions();
    byte[] otherChip = SyntheticSnp.chipId();
    otherChip[63] ^= 1;
    ext.put(SyntheticSnp.AMD + "4", otherChip);

    assertDenied(
        signed(new SyntheticSnp.Report()),
        AMD.chain(AMD.leafKey.getPublic(), ext),
        AMD.strictPolicy(),
        AttestationFailure.ATTESTATION_UNTRUSTED);
  }

  @Test
  void verify_vcekHwIdWrongLength_deniesWithUntrusted() {
    Map<String, byte[]> ext = SyntheticSnp.vcekExtensions();
    ext.put(SyntheticSnp.AMD + "4", new byte[32]);

    assertDenied(
        signed(new SyntheticSnp.Report()),
        AMD.chain(AMD.leafKey.getPublic(), ext),
        AMD.strictPolicy(),
        AttestationFailure.ATTESTATION_UNTRUSTED);
  }

  @Test
  void verify_vcekHwIdAsDerOctetString_accepted() throws AttestationException {
    Map<String, byte[]> ext = SyntheticSnp.vcekExtensions();
    ext.put(SyntheticSnp.AMD + "4", SyntheticSnp.wrappedChipId());

    assertThat(
            verify(signed(new SyntheticSnp.Report()), AMD.chain(AMD.leafKey.getPublic(), ext))
                .chipIdHex())
        .isEqualTo(HexFormat.of().formatHex(SyntheticSnp.chipId()));
  }

  @Test
  void verify_leafNeitherVcekNorVlek_deniesWithUntrusted() {
    Map<String, byte[]> neither = SyntheticSnp.tcbExtensions(SyntheticSnp.TCB);
    Map<String, byte[]> both = SyntheticSnp.vcekExtensions();
    both.putAll(SyntheticSnp.vlekExtensions());

    for (Map<String, byte[]> ext : List.of(neither, both)) {
      assertDenied(
          signed(new SyntheticSnp.Report()),
          AMD.chain(AMD.leafKey.getPublic(), ext),
          AMD.strictPolicy(),
          AttestationFailure.ATTESTATION_UNTRUSTED);
    }
  }

  @Test
  void verify_vlekLeafForAReportSayingVcek_deniesWithUntrusted() {
    assertDenied(
        signed(new SyntheticSnp.Report()),
        AMD.chain(AMD.leafKey.getPublic(), SyntheticSnp.vlekExtensions()),
        AMD.strictPolicy(),
        AttestationFailure.ATTESTATION_UNTRUSTED);
  }

  @Test
  void verify_vcekLeafForAReportSayingVlek_deniesWithUntrusted() {
    assertDenied(
        signed(new SyntheticSnp.Report().signerInfo(1 << 2)),
        AMD.vcekChain(),
        AMD.strictPolicy(),
        AttestationFailure.ATTESTATION_UNTRUSTED);
  }

  @Test
  void verify_vlekSignedReportWithMaskedChipId_accepted() throws AttestationException {
    byte[] report =
        signed(
            new SyntheticSnp.Report()
                .signerInfo(1 << 2)
                .put(SnpReport.CHIP_ID, new byte[SnpReport.CHIP_ID_SIZE]));

    VerifiedSnpReport v =
        verify(report, AMD.chain(AMD.leafKey.getPublic(), SyntheticSnp.vlekExtensions()));

    assertThat(v.signingKey()).isEqualTo(SnpSigningKey.VLEK);
    assertThat(v.chipIdHex()).isEqualTo("00".repeat(64));
  }

  @Test
  void verify_leafHoldingAnRsaOrP256Key_deniesWithBadSignature() {
    for (KeyPair other : List.of(SyntheticSnp.rsaKeyPair(), SyntheticSnp.keyPair("secp256r1"))) {
      assertDenied(
          signed(new SyntheticSnp.Report()),
          AMD.chain(other.getPublic(), SyntheticSnp.vcekExtensions()),
          AMD.strictPolicy(),
          AttestationFailure.ATTESTATION_BAD_SIGNATURE);
    }
  }

  @Test
  void verify_signedByAnotherP384Key_deniesWithBadSignature() {
    byte[] report =
        new SyntheticSnp.Report().signedWith(SyntheticSnp.keyPair("secp384r1").getPrivate());

    assertDenied(
        report, AMD.vcekChain(), AMD.strictPolicy(), AttestationFailure.ATTESTATION_BAD_SIGNATURE);
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 7 << 2})
  void verify_unsignedReport_deniesWithBadSignature(int signerInfo) {
    byte[] report = signed(new SyntheticSnp.Report().signerInfo(signerInfo));

    assertDenied(
        report, AMD.vcekChain(), AMD.strictPolicy(), AttestationFailure.ATTESTATION_BAD_SIGNATURE);
  }

  @Test
  void verify_zeroSignature_deniesWithBadSignature() {
    assertDenied(
        new SyntheticSnp.Report().bytes,
        AMD.vcekChain(),
        AMD.strictPolicy(),
        AttestationFailure.ATTESTATION_BAD_SIGNATURE);
  }

  @Test
  void verify_leafExpiredAtNow_deniesWithUntrusted() {
    assertThatThrownBy(
            () ->
                SnpReportVerifier.verify(
                    signed(new SyntheticSnp.Report()),
                    AMD.vcekChain(),
                    SyntheticSnp.nonce(),
                    AMD.strictPolicy(),
                    SyntheticSnp.NOW.plus(Duration.ofDays(400))))
        .isInstanceOfSatisfying(
            AttestationException.class,
            e -> assertThat(e.failure()).isEqualTo(AttestationFailure.ATTESTATION_UNTRUSTED));
  }

  @Test
  void verify_checksInOrder_chainBeforeSignatureBeforeNonceBeforePolicy() {
    byte[] debugReport = signed(new SyntheticSnp.Report().policy(0xb0000L));
    byte[] forged = new SyntheticSnp.Report().policy(0xb0000L).bytes;
    SnpPolicy unlisted = SnpPolicy.strict(List.of(), SyntheticSnp.TCB);
    byte[] otherNonce = new byte[64];

    // unsigned and unanchored: the chain decides
    assertDeniedWith(
        forged, otherNonce, unlisted, AttestationFailure.ATTESTATION_AUTHORITY_NOT_LISTED);
    // unsigned, anchored, wrong nonce, debug: the signature decides
    assertDeniedWith(
        forged, otherNonce, AMD.strictPolicy(), AttestationFailure.ATTESTATION_BAD_SIGNATURE);
    // signed, wrong nonce, debug: the nonce decides
    assertDeniedWith(
        debugReport, otherNonce, AMD.strictPolicy(), AttestationFailure.ATTESTATION_NONCE_MISMATCH);
  }

  private static void assertDeniedWith(
      byte[] report, byte[] nonce, SnpPolicy policy, AttestationFailure failure) {
    assertThatThrownBy(
            () ->
                SnpReportVerifier.verify(report, AMD.vcekChain(), nonce, policy, SyntheticSnp.NOW))
        .isInstanceOfSatisfying(
            AttestationException.class, e -> assertThat(e.failure()).isEqualTo(failure));
  }

  private static byte[] signed(SyntheticSnp.Report report) {
    return report.signedWith(AMD.leafKey.getPrivate());
  }

  private static VerifiedSnpReport verify(byte[] report, List<X509Certificate> chain)
      throws AttestationException {
    return SnpReportVerifier.verify(
        report, chain, SyntheticSnp.nonce(), AMD.strictPolicy(), SyntheticSnp.NOW);
  }

  private static void assertDenied(
      byte[] report, List<X509Certificate> chain, SnpPolicy policy, AttestationFailure failure) {
    assertThatThrownBy(
            () ->
                SnpReportVerifier.verify(
                    report, chain, SyntheticSnp.nonce(), policy, SyntheticSnp.NOW))
        .isInstanceOfSatisfying(
            AttestationException.class, e -> assertThat(e.failure()).isEqualTo(failure));
  }
}
