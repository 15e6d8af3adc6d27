package dev.writ.identity.svid;

import static dev.writ.identity.svid.SvidTestKit.csr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CsrTest {
  private static SvidFailure failureOf(byte[] der) {
    try {
      Csr.parse(der);
    } catch (SvidException e) {
      return e.failure();
    }
    throw new AssertionError("the CSR was accepted");
  }

  @Test
  void parse_ecP256_keepsTheKey() throws SvidException {
    KeyPair kp = SvidTestKit.ecKey();
    assertThat(Csr.parse(csr(kp)).publicKey().getEncoded()).isEqualTo(kp.getPublic().getEncoded());
  }

  @Test
  void parse_ed25519_keepsTheKey() throws SvidException {
    KeyPair kp = SvidTestKit.ed25519Key();
    assertThat(Csr.parse(csr(kp)).publicKey().getEncoded()).isEqualTo(kp.getPublic().getEncoded());
  }

  @Test
  void parse_rsa2048_keepsTheKey() throws SvidException {
    KeyPair kp = SvidTestKit.rsaKey(2048);
    assertThat(Csr.parse(csr(kp)).publicKey().getEncoded()).isEqualTo(kp.getPublic().getEncoded());
  }

  @Test
  void parse_ecdsaWithSha384_accepted() throws SvidException {
    KeyPair kp = SvidTestKit.ecKey();
    assertThat(Csr.parse(csr(kp, "SHA384withECDSA", Optional.empty())).publicKey())
        .isEqualTo(kp.getPublic());
  }

  @Test
  void parse_rsa1024_refusedWithKeyUnsupported() {
    assertThat(failureOf(csr(SvidTestKit.rsaKey(1024)))).isEqualTo(SvidFailure.CSR_KEY_UNSUPPORTED);
  }

  @Test
  void parse_rsaAbove4096Bits_refusedWithKeyUnsupported() {
    assertThat(failureOf(csr(SvidTestKit.rsaKey(4160)))).isEqualTo(SvidFailure.CSR_KEY_UNSUPPORTED);
  }

  @Test
  void parse_ecP384_refusedWithKeyUnsupported() {
    KeyPair kp = SvidTestKit.keyPair("EC", 0, "secp384r1");
    assertThat(failureOf(csr(kp, "SHA384withECDSA", Optional.empty())))
        .isEqualTo(SvidFailure.CSR_KEY_UNSUPPORTED);
  }

  @Test
  void parse_ed448_refusedWithKeyUnsupported() {
    KeyPair kp = SvidTestKit.keyPair("Ed448", 0, null);
    assertThat(failureOf(csr(kp, "Ed448", Optional.empty())))
        .isEqualTo(SvidFailure.CSR_KEY_UNSUPPORTED);
  }

  @Test
  void parse_flippedSignatureBit_refusedWithBadSignature() {
    byte[] der = csr(SvidTestKit.ed25519Key());
    der[der.length - 1] ^= 1; // Ed25519 signature is the last 64 bytes
    assertThat(failureOf(der)).isEqualTo(SvidFailure.CSR_BAD_SIGNATURE);
  }

  @Test
  void parse_signedByAnotherKey_refusedWithBadSignature() {
    KeyPair subject = SvidTestKit.ed25519Key();
    byte[] good = csr(subject);
    byte[] other = csr(SvidTestKit.ed25519Key());
    // same length: graft the other request's signature onto this one
    byte[] grafted = good.clone();
    System.arraycopy(other, other.length - 64, grafted, grafted.length - 64, 64);
    assertThat(failureOf(grafted)).isEqualTo(SvidFailure.CSR_BAD_SIGNATURE);
  }

  @Test
  void parse_sha1WithRsa_refusedWithBadSignature() {
    KeyPair kp = SvidTestKit.rsaKey(2048);
    assertThat(failureOf(csr(kp, "SHA1withRSA", Optional.empty())))
        .isEqualTo(SvidFailure.CSR_BAD_SIGNATURE);
  }

  @Test
  void parse_truncated_refusedWithMalformed() {
    byte[] der = csr(SvidTestKit.ecKey());
    for (int len : new int[] {0, 1, 2, 10, der.length / 2, der.length - 1}) {
      assertThat(failureOf(Arrays.copyOf(der, len)))
          .as("length %d", len)
          .isEqualTo(SvidFailure.CSR_MALFORMED);
    }
  }

  @Test
  void parse_trailingByte_refusedWithMalformed() {
    byte[] der = csr(SvidTestKit.ecKey());
    assertThat(failureOf(Arrays.copyOf(der, der.length + 1))).isEqualTo(SvidFailure.CSR_MALFORMED);
  }

  @Test
  void parse_notDer_refusedWithMalformed() {
    assertThat(
            failureOf(
                "-----BEGIN CERTIFICATE REQUEST-----"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
        .isEqualTo(SvidFailure.CSR_MALFORMED);
  }

  @Test
  void parse_oversized_refusedWithOversizeBeforeParsing() {
    byte[] big = new byte[Csr.MAX_DER_BYTES + 1];
    assertThatThrownBy(() -> Csr.parse(big))
        .isInstanceOfSatisfying(
            SvidException.class, e -> assertThat(e.failure()).isEqualTo(SvidFailure.CSR_OVERSIZE))
        .hasMessageContaining(String.valueOf(Csr.MAX_DER_BYTES));
  }

  @Test
  void parse_requestedSubjectAndSan_ignoredByIssue() throws SvidException {
    KeyPair kp = SvidTestKit.ecKey();
    Csr csr = Csr.parse(csr(kp, "SHA256withECDSA", Optional.of("spiffe://evil.example/admin")));
    SpiffeCa ca = SvidTestKit.newCa(new SvidTestKit.TestClock(SvidTestKit.T0));
    X509Svid svid = ca.issue(csr, SvidTestKit.id("/node/a"), java.time.Duration.ofHours(1));
    assertThat(svid.id()).isEqualTo(SvidTestKit.id("/node/a"));
    assertThat(svid.leaf().getSubjectX500Principal().getName()).isEmpty();
    assertThat(SvidValidator.claimedId(svid.leaf())).contains(SvidTestKit.id("/node/a"));
  }
}
