package dev.writ.identity.svid;

import static dev.writ.identity.svid.SvidTestKit.T0;
import static dev.writ.identity.svid.SvidTestKit.TD;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;

class SvidValidatorTest {
  private static final String ROOT = "O=test, CN=root";
  private static final String INTERMEDIATE = "O=test, CN=intermediate";
  private static final Instant NB = T0.minus(Duration.ofDays(1));
  private static final Instant NA = T0.plus(Duration.ofDays(1));
  private static final String NODE = "spiffe://example.org/node/a";

  private final SvidTestKit.TestClock clock = new SvidTestKit.TestClock(T0);
  private final SpiffeCa ca = SvidTestKit.newCa(clock);
  private final SvidCredentials node =
      SvidTestKit.credentials(ca, SvidTestKit.id("/node/a"), Duration.ofHours(1));

  private final KeyPair rootKey = SvidTestKit.ecKey();
  private final X509Certificate root =
      TestCerts.sign(TestCerts.Spec.root(rootKey, ROOT, NB, NA), rootKey, ROOT);
  private final TrustBundle rootBundle = TrustBundle.of(TD, List.of(root));

  private static SvidFailure failureOf(List<X509Certificate> chain, TrustBundle b, Instant now) {
    try {
      SvidValidator.validate(chain, b, now);
    } catch (SvidException e) {
      return e.failure();
    }
    throw new AssertionError("the chain was accepted");
  }

  private X509Certificate leafUnderRoot(TestCerts.Spec spec) {
    return TestCerts.sign(spec, rootKey, ROOT);
  }

  private static TestCerts.Spec leafSpec(List<String> uris) {
    return TestCerts.Spec.leaf(SvidTestKit.ecKey(), uris, NB, NA);
  }

  @Test
  void validate_issuedChain_returnsIdSerialAndNotAfter() throws SvidException {
    X509Svid svid = SvidValidator.validate(node.svid().chain(), ca.bundle(), clock.instant());
    assertThat(svid.id()).isEqualTo(SvidTestKit.id("/node/a"));
    assertThat(svid.serial()).isEqualTo(node.svid().serial());
    assertThat(svid.notAfter()).isEqualTo(T0.plus(Duration.ofHours(1)));
    assertThat(svid.publicKey()).isEqualTo(node.svid().publicKey());
    assertThat(svid.trustDomain()).isEqualTo(TD);
  }

  @Test
  void validate_leafWithoutTheCa_accepted() throws SvidException {
    assertThat(SvidValidator.validate(List.of(node.svid().leaf()), ca.bundle(), T0).id())
        .isEqualTo(SvidTestKit.id("/node/a"));
  }

  @Test
  void validate_afterNotAfter_refusedWithExpired() {
    Instant after = node.svid().notAfter().plusSeconds(1);
    assertThat(failureOf(node.svid().chain(), ca.bundle(), after))
        .isEqualTo(SvidFailure.SVID_EXPIRED);
  }

  @Test
  void validate_atNotAfter_accepted() throws SvidException {
    assertThat(
            SvidValidator.validate(node.svid().chain(), ca.bundle(), node.svid().notAfter()).id())
        .isEqualTo(SvidTestKit.id("/node/a"));
  }

  @Test
  void validate_beforeNotBefore_refusedWithNotYetValid() {
    Instant before = T0.minus(SpiffeCa.BACKDATE).minusSeconds(1);
    assertThat(failureOf(node.svid().chain(), ca.bundle(), before))
        .isEqualTo(SvidFailure.SVID_NOT_YET_VALID);
  }

  @Test
  void validate_svidOfAnotherCa_refusedWithUntrusted() {
    SpiffeCa other = SvidTestKit.newCa(clock);
    SvidCredentials foreign =
        SvidTestKit.credentials(other, SvidTestKit.id("/node/a"), Duration.ofHours(1));
    assertThat(failureOf(foreign.svid().chain(), ca.bundle(), T0))
        .isEqualTo(SvidFailure.SVID_UNTRUSTED);
    assertThat(failureOf(List.of(foreign.svid().leaf()), ca.bundle(), T0))
        .isEqualTo(SvidFailure.SVID_UNTRUSTED);
  }

  @Test
  void validate_bundleOfAnotherTrustDomain_refusedWithWrongTrustDomain() {
    TrustBundle other = TrustBundle.of(new TrustDomain("other.org"), ca.bundle().authorities());
    assertThat(failureOf(node.svid().chain(), other, T0))
        .isEqualTo(SvidFailure.SVID_WRONG_TRUST_DOMAIN);
  }

  @Test
  void validate_emptyBundle_refusedWithUntrusted() {
    assertThat(failureOf(node.svid().chain(), TrustBundle.of(TD, List.of()), T0))
        .isEqualTo(SvidFailure.SVID_UNTRUSTED);
  }

  @Test
  void validate_emptyOrTooLongChain_refusedWithMalformed() {
    assertThat(failureOf(List.of(), ca.bundle(), T0)).isEqualTo(SvidFailure.SVID_MALFORMED);
    List<X509Certificate> longChain = new ArrayList<>(List.of(node.svid().leaf()));
    longChain.addAll(Collections.nCopies(SvidValidator.MAX_CHAIN_LENGTH, ca.certificate()));
    assertThat(failureOf(longChain, ca.bundle(), T0)).isEqualTo(SvidFailure.SVID_MALFORMED);
  }

  @Test
  void validate_handMadeLeafUnderBundleRoot_accepted() throws SvidException {
    X509Certificate leaf = leafUnderRoot(leafSpec(List.of(NODE)));
    assertThat(SvidValidator.validate(List.of(leaf), rootBundle, T0).id().toString())
        .isEqualTo(NODE);
  }

  @Test
  void validate_twoUriSans_refusedWithBadId() {
    X509Certificate leaf = leafUnderRoot(leafSpec(List.of(NODE, "spiffe://example.org/node/b")));
    assertThat(failureOf(List.of(leaf), rootBundle, T0)).isEqualTo(SvidFailure.SVID_BAD_ID);
  }

  @Test
  void validate_noUriSan_refusedWithBadId() {
    X509Certificate leaf =
        leafUnderRoot(
            new TestCerts.Spec(
                SvidTestKit.ecKey(), "CN=x", false, KeyUsage.digitalSignature, List.of(), NB, NA));
    assertThat(failureOf(List.of(leaf), rootBundle, T0)).isEqualTo(SvidFailure.SVID_BAD_ID);
  }

  @Test
  void validate_nonSpiffeOrPathlessUri_refusedWithBadId() {
    for (String uri :
        List.of(
            "https://example.org/node/a",
            "spiffe://example.org",
            "spiffe://Example.org/a",
            "spiffe://example.org/a/")) {
      X509Certificate leaf = leafUnderRoot(leafSpec(List.of(uri)));
      assertThat(failureOf(List.of(leaf), rootBundle, T0))
          .as(uri)
          .isEqualTo(SvidFailure.SVID_BAD_ID);
    }
  }

  @Test
  void validate_leafIsCa_refusedWithLeafProfile() {
    X509Certificate leaf = leafUnderRoot(leafSpec(List.of(NODE)).withCa(true));
    assertThat(failureOf(List.of(leaf), rootBundle, T0)).isEqualTo(SvidFailure.SVID_LEAF_PROFILE);
  }

  @Test
  void validate_leafKeyUsages_refusedWithLeafProfile() {
    for (int ku :
        new int[] {
          TestCerts.NO_KEY_USAGE,
          KeyUsage.keyEncipherment,
          KeyUsage.digitalSignature | KeyUsage.keyCertSign,
          KeyUsage.digitalSignature | KeyUsage.cRLSign
        }) {
      X509Certificate leaf = leafUnderRoot(leafSpec(List.of(NODE)).withKeyUsage(ku));
      assertThat(failureOf(List.of(leaf), rootBundle, T0))
          .as("key usage %d", ku)
          .isEqualTo(SvidFailure.SVID_LEAF_PROFILE);
    }
  }

  @Test
  void validate_throughIntermediate_acceptedAndProfileChecked() throws SvidException {
    KeyPair interKey = SvidTestKit.ecKey();
    TestCerts.Spec interSpec = TestCerts.Spec.root(interKey, INTERMEDIATE, NB, NA);
    X509Certificate inter = TestCerts.sign(interSpec, rootKey, ROOT);
    X509Certificate leaf = TestCerts.sign(leafSpec(List.of(NODE)), interKey, INTERMEDIATE);
    assertThat(SvidValidator.validate(List.of(leaf, inter), rootBundle, T0).chain()).hasSize(2);
    assertThat(SvidValidator.validate(List.of(leaf, inter, root), rootBundle, T0).chain())
        .hasSize(3);

    X509Certificate notCa = TestCerts.sign(interSpec.withCa(false), rootKey, ROOT);
    assertThat(failureOf(List.of(leaf, notCa), rootBundle, T0))
        .isEqualTo(SvidFailure.SVID_SIGNER_PROFILE);
    X509Certificate noCertSign =
        TestCerts.sign(interSpec.withKeyUsage(KeyUsage.cRLSign), rootKey, ROOT);
    assertThat(failureOf(List.of(leaf, noCertSign), rootBundle, T0))
        .isEqualTo(SvidFailure.SVID_SIGNER_PROFILE);
  }

  @Test
  void validate_expiredIntermediate_refusedWithExpired() {
    KeyPair interKey = SvidTestKit.ecKey();
    X509Certificate inter =
        TestCerts.sign(
            TestCerts.Spec.root(interKey, INTERMEDIATE, NB, T0.minusSeconds(1)), rootKey, ROOT);
    X509Certificate leaf = TestCerts.sign(leafSpec(List.of(NODE)), interKey, INTERMEDIATE);
    assertThat(failureOf(List.of(leaf, inter), rootBundle, T0)).isEqualTo(SvidFailure.SVID_EXPIRED);
  }

  @Test
  void validate_expiredAuthority_refusedWithUntrusted() {
    KeyPair k = SvidTestKit.ecKey();
    X509Certificate oldRoot =
        TestCerts.sign(TestCerts.Spec.root(k, ROOT, NB, T0.minusSeconds(1)), k, ROOT);
    X509Certificate leaf = TestCerts.sign(leafSpec(List.of(NODE)), k, ROOT);
    assertThat(failureOf(List.of(leaf), TrustBundle.of(TD, List.of(oldRoot)), T0))
        .isEqualTo(SvidFailure.SVID_UNTRUSTED);
  }

  @Test
  void validate_leafSignedByImpostorWithTheRootsName_refusedWithUntrusted() {
    KeyPair impostor = SvidTestKit.ecKey();
    X509Certificate leaf = TestCerts.sign(leafSpec(List.of(NODE)), impostor, ROOT);
    assertThat(failureOf(List.of(leaf), rootBundle, T0)).isEqualTo(SvidFailure.SVID_UNTRUSTED);
  }

  @Test
  void claimedId_reportsTheUnverifiedIdOrNothing() {
    assertThat(SvidValidator.claimedId(node.svid().leaf())).contains(SvidTestKit.id("/node/a"));
    X509Certificate two = leafUnderRoot(leafSpec(List.of(NODE, NODE + "x")));
    assertThat(SvidValidator.claimedId(two)).isEmpty();
    assertThat(SvidValidator.claimedId(root)).isEmpty();
  }
}
