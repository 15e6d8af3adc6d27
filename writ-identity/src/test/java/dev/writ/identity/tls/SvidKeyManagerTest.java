package dev.writ.identity.tls;

import static dev.writ.identity.svid.SvidTestKit.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.identity.svid.SpiffeCa;
import dev.writ.identity.svid.SvidCredentials;
import dev.writ.identity.svid.SvidTestKit;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SvidKeyManagerTest {
  private final SpiffeCa ca = SvidTestKit.newCa(new SvidTestKit.TestClock(T0));
  private final SvidCredentials first =
      SvidTestKit.credentials(ca, SvidTestKit.id("/node/a"), Duration.ofHours(1));
  private final SvidCredentials second =
      SvidTestKit.credentials(ca, SvidTestKit.id("/node/a"), Duration.ofHours(1));

  @Test
  void empty_offersNoAlias() {
    SvidKeyManager km = SvidKeyManager.empty();
    assertThat(km.chooseClientAlias(new String[] {"EC"}, null, null)).isNull();
    assertThat(km.chooseServerAlias("EC", null, null)).isNull();
    assertThat(km.getClientAliases("EC", null)).isNull();
    assertThat(km.current()).isEmpty();
  }

  @Test
  void choose_onlyForTheKeysType() {
    SvidKeyManager km = SvidKeyManager.of(first);
    assertThat(km.chooseClientAlias(new String[] {"RSA", "EdDSA"}, null, null)).isNull();
    assertThat(km.chooseClientAlias(new String[] {"RSA", "EC"}, null, null)).isNotNull();
    assertThat(km.chooseEngineServerAlias("EC", null, null)).isNotNull();
  }

  @Test
  void update_aliasChosenBeforeTheSwap_stillYieldsItsOwnKeyAndChain() {
    SvidKeyManager km = SvidKeyManager.of(first);
    String before = km.chooseServerAlias("EC", null, null);
    km.update(second);
    String after = km.chooseServerAlias("EC", null, null);
    assertThat(after).isNotEqualTo(before);
    assertThat(km.getPrivateKey(before)).isEqualTo(first.privateKey());
    assertThat(km.getCertificateChain(before)[0]).isEqualTo(first.svid().leaf());
    assertThat(km.getPrivateKey(after)).isEqualTo(second.privateKey());
    assertThat(km.getCertificateChain(after)).containsExactlyElementsOf(second.svid().chain());
    assertThat(km.current()).contains(second);
  }

  @Test
  void update_twice_forgetsTheOldestSnapshot() {
    SvidKeyManager km = SvidKeyManager.of(first);
    String oldest = km.chooseServerAlias("EC", null, null);
    km.update(second);
    km.update(first);
    assertThat(km.getPrivateKey(oldest)).isNull();
    assertThat(km.getCertificateChain(oldest)).isNull();
    assertThat(km.getPrivateKey("unknown")).isNull();
  }

  @Test
  void toString_doesNotShowTheKey() {
    assertThat(SvidKeyManager.of(first).toString()).contains("/node/a").doesNotContain("PRIVATE");
  }
}
