package dev.writ.identity.tpm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.identity.Authority;
import dev.writ.identity.ChainVerifier;
import dev.writ.identity.Fingerprint;
import dev.writ.identity.QuoteKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The swtpm runner: a shared CA for a test fleet, identity kept across restarts, clean stop. */
class SwtpmProcessTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path tmp;

  @Test
  void twoTpmsSharingACaDirectory_chainToOneAuthority_andRestartKeepsTheEk() throws Exception {
    Path ca = tmp.resolve("fleet-ca");
    X509Certificate firstEk;
    X509Certificate otherEk;
    X509Certificate root;
    List<X509Certificate> cas;
    try (SwtpmProcess one = SwtpmProcess.start(tmp.resolve("one"), ca, TIMEOUT);
        SwtpmProcess two = SwtpmProcess.start(tmp.resolve("two"), ca, TIMEOUT)) {
      assertThat(one.port()).isNotEqualTo(two.port());
      assertThat(one.tcti()).isEqualTo("swtpm:host=127.0.0.1,port=" + one.port());
      firstEk = tools(one, "w1").endorsementCertificate();
      otherEk = tools(two, "w2").endorsementCertificate();
      root = one.rootCertificate();
      cas = one.caCertificates();
      assertThat(two.rootCertificate()).isEqualTo(root);
    }
    assertThat(firstEk.getPublicKey()).isNotEqualTo(otherEk.getPublicKey());
    Authority fleet = new Authority(QuoteKind.TPM2, Fingerprint.of(root), true);
    Instant now = root.getNotBefore().toInstant().plusSeconds(60);
    assertThat(ChainVerifier.verify(chain(firstEk, cas), QuoteKind.TPM2, List.of(fleet), now))
        .isEqualTo(fleet);
    assertThat(ChainVerifier.verify(chain(otherEk, cas), QuoteKind.TPM2, List.of(fleet), now))
        .isEqualTo(fleet);

    try (SwtpmProcess again = SwtpmProcess.start(tmp.resolve("one"), ca, TIMEOUT)) {
      assertThat(tools(again, "w3").endorsementCertificate()).isEqualTo(firstEk);
    }
  }

  @Test
  void close_stopsTheTpm_andIsIdempotent() throws Exception {
    SwtpmProcess tpm = SwtpmProcess.start(tmp.resolve("t"), TIMEOUT);
    Tpm2Tools tools = tools(tpm, "w");
    assertThat(tools.readPcrs(List.of(new PcrId(TpmHash.SHA256, 0))).size()).isEqualTo(1);
    tpm.close();
    tpm.close();
    assertThatThrownBy(() -> tools.readPcrs(List.of(new PcrId(TpmHash.SHA256, 0))))
        .isInstanceOf(TpmToolException.class)
        .hasMessageContaining("Cannot connect");
  }

  @Test
  void start_whereTheCaCannotBeMade_failsWithTheToolsReason() throws Exception {
    Path notADirectory = Files.writeString(tmp.resolve("file"), "x");
    assertThatThrownBy(() -> SwtpmProcess.start(tmp.resolve("t"), notADirectory, TIMEOUT))
        .isInstanceOf(TpmToolException.class)
        .hasMessageContaining("cannot prepare swtpm");
  }

  private Tpm2Tools tools(SwtpmProcess tpm, String name) throws Exception {
    return new Tpm2Tools(tpm.tcti(), Files.createDirectories(tmp.resolve(name)), TIMEOUT);
  }

  private static List<X509Certificate> chain(X509Certificate ek, List<X509Certificate> cas) {
    List<X509Certificate> c = new ArrayList<>();
    c.add(ek);
    c.addAll(cas);
    return c;
  }
}
