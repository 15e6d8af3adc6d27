package dev.writ.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.core.SpiffeId;
import dev.writ.identity.svid.SpiffeCa;
import dev.writ.identity.svid.TrustDomain;
import dev.writ.identity.svid.X509Svid;
import dev.writ.identity.tls.PeerRefusal;
import dev.writ.identity.tls.PeerRefusedException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HandshakeBenchTest {
  @TempDir Path dir;

  @Test
  void run_tinyBench_printsOneLinePerConfigurationAndTheCost() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      HandshakeBench.run(1, 3, 0, Duration.ofSeconds(60), out);
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("peer-check on : median ").contains("peer-check off: median ");
    assertThat(text).contains("relative cost of the peer check");
  }

  @Test
  void runTpm_tinyBench_handshakesWithTheKeyInASwtpm() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      HandshakeBench.runTpm(1, 2, Duration.ofSeconds(60), out);
    }
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("client key in swtpm")
        .contains("client key in TPM: median ")
        .contains("over 1 rounds of 2");
  }

  @Test
  void benchPeerCheck_acceptsTheEnrolledSvidOnly() throws Exception {
    TrustDomain td = new TrustDomain("bench.writ.local");
    SpiffeCa ca = SpiffeCa.loadOrCreate(dir, td, Clock.systemUTC(), new SecureRandom());
    SpiffeId id = new SpiffeId(td.name(), "/node/a");
    KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
    X509Svid enrolled =
        ca.issueServer(
            g.generateKeyPair().getPublic(), id, List.of(), List.of(), Duration.ofHours(1));
    X509Svid other =
        ca.issueServer(
            g.generateKeyPair().getPublic(), id, List.of(), List.of(), Duration.ofHours(1));
    BenchPeerCheck check = new BenchPeerCheck(td.name(), 10, 10, new SecureRandom());
    assertThatThrownBy(() -> check.check(enrolled))
        .isInstanceOfSatisfying(
            PeerRefusedException.class,
            e -> assertThat(e.refusal()).isEqualTo(PeerRefusal.UNKNOWN_NODE));
    check.enroll(enrolled);
    check.check(enrolled);
    assertThatThrownBy(() -> check.check(other))
        .isInstanceOfSatisfying(
            PeerRefusedException.class,
            e -> assertThat(e.refusal()).isEqualTo(PeerRefusal.UNKNOWN_NODE));
  }
}
