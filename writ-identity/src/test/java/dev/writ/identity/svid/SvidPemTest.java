package dev.writ.identity.svid;

import static dev.writ.identity.svid.SvidTestKit.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SvidPemTest {
  @TempDir Path dir;

  private final SvidTestKit.TestClock clock = new SvidTestKit.TestClock(T0);
  private final SpiffeCa ca = SvidTestKit.newCa(clock);

  @Test
  void writeThenLoad_roundTripsWithMode0600() throws Exception {
    SvidCredentials c = SvidTestKit.credentials(ca, SvidTestKit.id("/node/a"), Duration.ofHours(1));
    Path file = dir.resolve("svid.pem");
    SvidPem.write(file, c);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    SvidCredentials loaded = SvidPem.load(file, ca.bundle(), T0);
    assertThat(loaded.svid().chain()).isEqualTo(c.svid().chain());
    assertThat(loaded.privateKey().getEncoded()).isEqualTo(c.privateKey().getEncoded());
    assertThat(loaded.toString()).doesNotContain("PRIVATE").contains("/node/a");
  }

  @Test
  void write_renewal_replacesKeyAndChainTogether() throws Exception {
    Path file = dir.resolve("svid.pem");
    SvidPem.write(
        file, SvidTestKit.credentials(ca, SvidTestKit.id("/node/a"), Duration.ofHours(1)));
    SvidCredentials renewed =
        SvidTestKit.credentials(ca, SvidTestKit.id("/node/a"), Duration.ofHours(1));
    SvidPem.write(file, renewed);
    SvidCredentials loaded = SvidPem.load(file, ca.bundle(), T0);
    assertThat(loaded.svid().serial()).isEqualTo(renewed.svid().serial());
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void load_expired_refusedWithExpired() throws Exception {
    Path file = dir.resolve("svid.pem");
    SvidPem.write(
        file, SvidTestKit.credentials(ca, SvidTestKit.id("/node/a"), Duration.ofHours(1)));
    assertThatThrownBy(() -> SvidPem.load(file, ca.bundle(), T0.plus(Duration.ofHours(2))))
        .isInstanceOfSatisfying(
            SvidException.class, e -> assertThat(e.failure()).isEqualTo(SvidFailure.SVID_EXPIRED));
  }

  @Test
  void load_readableByOthers_refused() throws Exception {
    Path file = dir.resolve("svid.pem");
    SvidPem.write(
        file, SvidTestKit.credentials(ca, SvidTestKit.id("/node/a"), Duration.ofHours(1)));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
    assertThatThrownBy(() -> SvidPem.load(file, ca.bundle(), T0))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("0600");
  }

  @Test
  void parse_keyOfAnotherSvid_refusedWithKeyMismatch() throws Exception {
    SvidCredentials a = SvidTestKit.credentials(ca, SvidTestKit.id("/node/a"), Duration.ofHours(1));
    SvidCredentials b = SvidTestKit.credentials(ca, SvidTestKit.id("/node/b"), Duration.ofHours(1));
    byte[] certs = SvidPem.format(a).getBytes(StandardCharsets.US_ASCII);
    byte[] key = SvidPem.format(b).getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> SvidPem.parse(certs, key))
        .isInstanceOfSatisfying(
            SvidException.class, e -> assertThat(e.failure()).isEqualTo(SvidFailure.KEY_MISMATCH));
  }

  @Test
  void credentialsOf_keyOfAnotherType_refusedWithKeyMismatch() {
    SvidCredentials a = SvidTestKit.credentials(ca, SvidTestKit.id("/node/a"), Duration.ofHours(1));
    KeyPair ed = SvidTestKit.ed25519Key();
    assertThatThrownBy(() -> SvidCredentials.of(a.svid(), ed.getPrivate()))
        .isInstanceOfSatisfying(
            SvidException.class, e -> assertThat(e.failure()).isEqualTo(SvidFailure.KEY_MISMATCH));
  }

  @Test
  void parse_twoKeys_refusedWithKeyMalformed() {
    SvidCredentials a = SvidTestKit.credentials(ca, SvidTestKit.id("/node/a"), Duration.ofHours(1));
    String pem = SvidPem.format(a);
    String key = pem.substring(pem.indexOf("-----BEGIN PRIVATE KEY-----"));
    byte[] twice = (pem + key).getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> SvidPem.parse(twice, twice))
        .isInstanceOfSatisfying(
            SvidException.class, e -> assertThat(e.failure()).isEqualTo(SvidFailure.KEY_MALFORMED));
  }

  @Test
  void parse_ed25519AndRsaKeys_accepted() throws Exception {
    for (KeyPair kp : new KeyPair[] {SvidTestKit.ed25519Key(), SvidTestKit.rsaKey(2048)}) {
      X509Svid svid =
          ca.issue(Csr.parse(SvidTestKit.csr(kp)), SvidTestKit.id("/node/k"), Duration.ofHours(1));
      byte[] pem =
          SvidPem.format(SvidCredentials.of(svid, kp.getPrivate()))
              .getBytes(StandardCharsets.US_ASCII);
      assertThat(SvidPem.parse(pem, pem).privateKey().getAlgorithm())
          .isEqualTo(kp.getPrivate().getAlgorithm());
    }
  }
}
