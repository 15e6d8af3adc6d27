package dev.writ.identity.svid;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class NodeKeyTest {
  @Test
  void csr_parsesWithItsOwnKeyAsProofOfPossession() throws Exception {
    NodeKey key = NodeKey.generate(new SecureRandom());

    Csr csr = Csr.parse(key.csr("web-1"));

    assertThat(csr.publicKey().getEncoded()).isEqualTo(key.publicKey().getEncoded());
  }

  @Test
  void toString_neverShowsKeyMaterial() {
    assertThat(NodeKey.generate(new SecureRandom()).toString()).isEqualTo("NodeKey[P-256]");
  }
}
