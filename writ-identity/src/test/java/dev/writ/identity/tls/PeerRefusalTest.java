package dev.writ.identity.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.identity.svid.SvidFailure;
import org.junit.jupiter.api.Test;

class PeerRefusalTest {
  @Test
  void of_everySvidValidationFailure_mapsToTheSameName() {
    int mapped = 0;
    for (SvidFailure f : SvidFailure.values()) {
      if (f.name().startsWith("SVID_")) {
        assertThat(PeerRefusal.of(f).name()).isEqualTo(f.name());
        mapped++;
      } else {
        assertThatThrownBy(() -> PeerRefusal.of(f)).isInstanceOf(IllegalArgumentException.class);
      }
    }
    assertThat(mapped).isEqualTo(8);
  }

  @Test
  void revocationEpoch_revoke_countsUpAndKeepsEarlierSerials() {
    RevocationEpoch e1 = RevocationEpoch.NONE.revoke(java.math.BigInteger.ONE);
    RevocationEpoch e2 = e1.revoke(java.math.BigInteger.TWO);
    assertThat(e2.epoch()).isEqualTo(2);
    assertThat(e2.revoked(java.math.BigInteger.ONE)).isTrue();
    assertThat(e2.revoked(java.math.BigInteger.TWO)).isTrue();
    assertThat(e1.revoked(java.math.BigInteger.TWO)).isFalse();
    assertThatThrownBy(() -> new RevocationEpoch(-1, java.util.Set.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
