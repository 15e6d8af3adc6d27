package dev.writ.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.core.Decision;
import dev.writ.core.FleetState;
import dev.writ.core.Reason;
import dev.writ.core.TrustRoot;
import dev.writ.core.VerificationContext;
import dev.writ.core.Verifier;
import dev.writ.sign.SigningException;
import dev.writ.sign.SoftwareKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HashSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchFleetTest {
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00.250Z");

  @TempDir Path dir;

  @Test
  void sign_writsFromAWrittenFleet_areAllowedInAuthorityScopeAndDistinct() throws Exception {
    Path root = dir.resolve("root.json");
    Path key = dir.resolve("initiator.pem");
    BenchFleet.write(root, key, NOW, new SecureRandom());
    TrustRoot pinned = TrustRoot.pin(Files.readAllBytes(root));
    SoftwareKey initiator = BenchFleet.readInitiator(key, new SecureRandom());

    BenchFleet.Signed signed = BenchFleet.sign(initiator, 7, NOW, new SecureRandom(), 3);

    assertThat(signed.envelopes()).hasSize(7).doesNotContainNull();
    assertThat(new HashSet<>(signed.ids())).hasSize(7);
    Verifier verifier = new Verifier(pinned, new AlwaysUnspentLedger());
    for (int i = 0; i < 7; i++) {
      Decision d =
          verifier.verify(
              signed.envelopes().get(i),
              VerificationContext.authority(NOW.plusSeconds(1), FleetState.normal()));
      assertThat(d).isInstanceOf(Decision.Allow.class);
      assertThat(((Decision.Allow) d).writ().id().hex()).isEqualTo(signed.ids().get(i));
    }
  }

  @Test
  void sign_writsUsedAfterTheirWindow_areDeniedExpired() throws Exception {
    Path root = dir.resolve("root.json");
    Path key = dir.resolve("initiator.pem");
    BenchFleet.write(root, key, NOW, new SecureRandom());
    Verifier verifier =
        new Verifier(TrustRoot.pin(Files.readAllBytes(root)), new AlwaysUnspentLedger());
    BenchFleet.Signed signed =
        BenchFleet.sign(
            BenchFleet.readInitiator(key, new SecureRandom()), 1, NOW, new SecureRandom(), 1);

    Decision d =
        verifier.verify(
            signed.envelopes().get(0),
            VerificationContext.authority(
                NOW.plus(BenchFleet.WRIT_WINDOW).plusSeconds(120), FleetState.normal()));

    assertThat(d).isInstanceOf(Decision.Deny.class);
    assertThat(((Decision.Deny) d).reason()).isEqualTo(Reason.EXPIRED);
  }

  @Test
  void readInitiator_missingFile_failsWithSigningException() {
    assertThatThrownBy(
            () -> BenchFleet.readInitiator(dir.resolve("absent.pem"), new SecureRandom()))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("absent.pem");
  }
}
