package dev.writ.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.identity.svid.Csr;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.junit.jupiter.api.Test;

class EnrollerCsrTest {
  @Test
  void csr_isAProofOfPossessionTheServerAccepts() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair keys = g.generateKeyPair();

    Csr csr = Csr.parse(NodeKeys.csr(keys, "web-1"));

    assertThat(csr.publicKey().getEncoded()).isEqualTo(keys.getPublic().getEncoded());
  }

  @Test
  void tpmDevice_quotesTheWholeSha256Bank() {
    assertThat(TpmDevice.QUOTED).hasSize(24);
    assertThat(TpmDevice.QUOTED.get(16).toString()).isEqualTo("sha256:16");
  }
}
