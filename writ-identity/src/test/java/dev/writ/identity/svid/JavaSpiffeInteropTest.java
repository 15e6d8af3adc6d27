package dev.writ.identity.svid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spiffe.bundle.x509bundle.X509Bundle;
import io.spiffe.spiffeid.SpiffeId;
import io.spiffe.spiffeid.TrustDomain;
import io.spiffe.svid.x509svid.X509SvidValidator;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Interop with java-spiffe (the SPIFFE project's Java library): what Writ's CA issues parses and
 * validates there, and a bundle Writ formats parses there. java-spiffe validates at the real
 * current time, so these SVIDs are issued at the real time.
 */
class JavaSpiffeInteropTest {
  private final SpiffeCa ca = SvidTestKit.newCa(Clock.systemUTC());
  private final TrustDomain td = TrustDomain.parse("example.org");

  private X509Bundle javaSpiffeBundle() throws Exception {
    return X509Bundle.parse(td, ca.bundle().format().getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void issuedSvid_parsesAndValidatesInJavaSpiffe() throws Exception {
    for (KeyPair kp : new KeyPair[] {SvidTestKit.ecKey(), SvidTestKit.rsaKey(2048)}) {
      X509Svid svid =
          ca.issue(Csr.parse(SvidTestKit.csr(kp)), SvidTestKit.id("/node/a"), Duration.ofHours(1));
      // java-spiffe reads certificates and key from separate texts
      byte[] certs = Certificates.toPem(svid.chain()).getBytes(StandardCharsets.US_ASCII);
      byte[] key = PrivateKeys.toPem(kp.getPrivate()).getBytes(StandardCharsets.US_ASCII);

      io.spiffe.svid.x509svid.X509Svid theirs = io.spiffe.svid.x509svid.X509Svid.parse(certs, key);
      assertThat(theirs.getSpiffeId()).isEqualTo(SpiffeId.parse("spiffe://example.org/node/a"));
      assertThat(theirs.getChain()).isEqualTo(svid.chain());

      X509SvidValidator.verifyChain(theirs.getChain(), javaSpiffeBundle());
      X509SvidValidator.verifySpiffeId(
          theirs.getLeaf(), () -> Set.of(SpiffeId.parse("spiffe://example.org/node/a")));
    }
  }

  @Test
  void serverSvidWithDnsSans_validatesInJavaSpiffe() throws Exception {
    SvidCredentials server =
        SvidTestKit.serverCredentials(ca, SvidTestKit.id("/writ/server"), Duration.ofHours(1));
    X509SvidValidator.verifyChain(server.svid().chain(), javaSpiffeBundle());
  }

  @Test
  void svidOfAnotherCa_refusedByJavaSpiffe() throws Exception {
    SpiffeCa other = SvidTestKit.newCa(Clock.systemUTC());
    SvidCredentials foreign =
        SvidTestKit.credentials(other, SvidTestKit.id("/node/a"), Duration.ofHours(1));
    X509Bundle bundle = javaSpiffeBundle();
    assertThatThrownBy(() -> X509SvidValidator.verifyChain(foreign.svid().chain(), bundle))
        .isInstanceOf(CertificateException.class);
  }

  @Test
  void formattedBundle_parsesInJavaSpiffe() throws Exception {
    X509Bundle bundle = javaSpiffeBundle();
    assertThat(bundle.getX509Authorities()).containsExactly(ca.certificate());
    assertThat(bundle.getTrustDomain()).isEqualTo(td);
  }

  @Test
  void javaSpiffeRefusal_matchesOurs_forAnExpiredLeaf() {
    // both refuse the same expired SVID: java-spiffe at the real time, Writ at issuance + 2 h
    Instant issued = Instant.now().minus(Duration.ofDays(2));
    SpiffeCa old = SvidTestKit.newCa(new SvidTestKit.TestClock(issued));
    SvidCredentials expired =
        SvidTestKit.credentials(old, SvidTestKit.id("/node/a"), Duration.ofHours(1));
    assertThatThrownBy(
            () ->
                X509SvidValidator.verifyChain(
                    expired.svid().chain(),
                    X509Bundle.parse(
                        td, old.bundle().format().getBytes(StandardCharsets.US_ASCII))))
        .isInstanceOf(CertificateException.class);
    assertThatThrownBy(
            () ->
                SvidValidator.validate(
                    expired.svid().chain(), old.bundle(), issued.plus(Duration.ofHours(2))))
        .isInstanceOfSatisfying(
            SvidException.class, e -> assertThat(e.failure()).isEqualTo(SvidFailure.SVID_EXPIRED));
  }
}
