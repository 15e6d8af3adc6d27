package dev.writ.identity.svid;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ResultSignatureTest {
  private static final byte[] DOC =
      "{\"decision\":\"done\",\"v\":1}".getBytes(StandardCharsets.US_ASCII);

  private final SpiffeCa ca = SvidTestKit.newCa(new SvidTestKit.TestClock(SvidTestKit.T0));

  private SvidCredentials creds(KeyPair kp) throws SvidException {
    return SvidCredentials.of(
        ca.issue(
            Csr.parse(SvidTestKit.csr(kp, SvidTestKit.sigAlg(kp), Optional.empty())),
            SvidTestKit.id("/node/a"),
            Duration.ofHours(1)),
        kp.getPrivate());
  }

  @Test
  void signThenVerify_eachSvidKeyKind() throws Exception {
    for (KeyPair kp :
        new KeyPair[] {SvidTestKit.ecKey(), SvidTestKit.ed25519Key(), SvidTestKit.rsaKey(2048)}) {
      SvidCredentials c = creds(kp);
      byte[] sig = ResultSignature.sign(c, DOC);

      assertThat(ResultSignature.verify(c.svid(), DOC, sig))
          .as(kp.getPublic().getAlgorithm())
          .isTrue();
    }
  }

  @Test
  void verify_otherDocumentKeyOrGarbage_false() throws Exception {
    SvidCredentials a = creds(SvidTestKit.ecKey());
    SvidCredentials b = creds(SvidTestKit.ecKey());
    byte[] sig = ResultSignature.sign(a, DOC);
    byte[] other = "{\"decision\":\"refused\",\"v\":1}".getBytes(StandardCharsets.US_ASCII);

    assertThat(ResultSignature.verify(a.svid(), other, sig)).isFalse();
    assertThat(ResultSignature.verify(b.svid(), DOC, sig)).isFalse();
    assertThat(ResultSignature.verify(a.svid(), DOC, new byte[] {1, 2, 3})).isFalse();
    assertThat(ResultSignature.verify(a.svid(), DOC, new byte[0])).isFalse();
  }

  @Test
  void sign_isDomainSeparated_notAPlainSignatureOfTheDocument() throws Exception {
    SvidCredentials a = creds(SvidTestKit.ecKey());
    java.security.Signature plain = java.security.Signature.getInstance("SHA256withECDSA");
    plain.initSign(a.privateKey());
    plain.update(DOC);

    assertThat(ResultSignature.verify(a.svid(), DOC, plain.sign())).isFalse();
  }
}
