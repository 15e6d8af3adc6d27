package dev.writ.identity.tls;

import static dev.writ.identity.svid.SvidTestKit.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.SpiffeId;
import dev.writ.identity.svid.Csr;
import dev.writ.identity.svid.NodeKey;
import dev.writ.identity.svid.SpiffeCa;
import dev.writ.identity.svid.SvidCredentials;
import dev.writ.identity.svid.SvidException;
import dev.writ.identity.svid.SvidFailure;
import dev.writ.identity.svid.SvidPem;
import dev.writ.identity.svid.SvidTestKit;
import dev.writ.identity.tpm.SwtpmProcess;
import dev.writ.identity.tpm.Tpm2Tools;
import dev.writ.identity.tpm.TpmPrivateKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose SVID key lives in a real software TPM (swtpm) does mutual TLS 1.3 through the
 * ordinary key manager, and its SVID file holds no key but finds it again in the TPM.
 */
class TpmKeyHandshakeTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final SpiffeId SERVER = SvidTestKit.id("/writ/server");
  private static final SpiffeId NODE = SvidTestKit.id("/node/tpm");

  @TempDir static Path tmp;
  private static SwtpmProcess tpm;
  private static Tpm2Tools tools;
  private static TpmPrivateKey key;
  private static TpmPrivateKey otherKey;

  private final SvidTestKit.TestClock clock = new SvidTestKit.TestClock(T0);
  private final SpiffeCa ca = SvidTestKit.newCa(clock);
  private final MtlsHandshakeTest.Registry registry = new MtlsHandshakeTest.Registry();

  @BeforeAll
  static void start() throws Exception {
    tpm = SwtpmProcess.start(tmp.resolve("tpm"), TIMEOUT);
    tools = new Tpm2Tools(tpm.tcti(), Files.createDirectories(tmp.resolve("work")), TIMEOUT);
    key = TpmPrivateKey.create(tools, Tpm2Tools.NODE_KEY_HANDLES.get(0));
    otherKey = TpmPrivateKey.create(tools, Tpm2Tools.NODE_KEY_HANDLES.get(1));
  }

  @AfterAll
  static void stop() {
    if (tpm != null) {
      tpm.close();
    }
  }

  private SvidCredentials tpmCredentials() throws SvidException {
    NodeKey node = NodeKey.of(key.publicKey(), key);
    return SvidCredentials.of(
        ca.issue(Csr.parse(node.csr("tpm")), NODE, Duration.ofHours(1)), node.privateKey());
  }

  @Test
  void handshake_clientKeyInTpm_acceptedAndCheckedAgainstTheRegistry() throws Exception {
    SvidCredentials creds = tpmCredentials();
    registry.enrolled.put(NODE, creds.svid().serial());
    SvidCredentials serverCreds = SvidTestKit.serverCredentials(ca, SERVER, Duration.ofDays(1));
    SSLContext server =
        MtlsContexts.server(
            SvidKeyManager.of(serverCreds),
            new SvidServerTrustManager(ca::bundle, clock, registry, r -> {}),
            new SecureRandom());
    SSLContext client =
        MtlsContexts.client(
            SvidKeyManager.of(creds),
            new SvidClientTrustManager(ca::bundle, clock, SERVER, r -> {}),
            new SecureRandom());

    try (Loopback lb = new Loopback(server, ClientAuth.NEED)) {
      Loopback.ClientSide c = lb.connect(client);
      assertThat(c.failure()).isEmpty();
      assertThat(c.line()).contains("ok " + NODE);
      Loopback.ServerSide s = lb.next();
      assertThat(s.failure()).isEmpty();
      assertThat(s.clientLeaf().map(Loopback::serial)).contains(creds.svid().serial());
      assertThat(registry.calls.get()).isEqualTo(1);
    }
  }

  @Test
  void svidFile_keyInTpm_holdsNoKeyAndLoadsWithTheDevice() throws Exception {
    SvidCredentials creds = tpmCredentials();
    Path file = tmp.resolve("svid-" + System.nanoTime() + ".pem");

    SvidPem.write(file, creds);
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    SvidCredentials loaded =
        SvidPem.load(file, ca.bundle(), clock.instant(), leaf -> Optional.of(key));

    assertThat(text).contains("BEGIN CERTIFICATE").doesNotContain("PRIVATE KEY");
    assertThat(loaded.svid().serial()).isEqualTo(creds.svid().serial());
    assertThat(loaded.privateKey()).isSameAs(key);
  }

  @Test
  void svidFile_keyInTpm_refusedWithoutTheDeviceOrWithAnotherKey() throws Exception {
    Path file = tmp.resolve("svid-" + System.nanoTime() + ".pem");
    SvidPem.write(file, tpmCredentials());
    PrivateKey wrong = otherKey;

    assertThat(failure(() -> SvidPem.load(file, ca.bundle(), clock.instant())))
        .isEqualTo(SvidFailure.KEY_MALFORMED);
    assertThat(
            failure(
                () -> SvidPem.load(file, ca.bundle(), clock.instant(), leaf -> Optional.empty())))
        .isEqualTo(SvidFailure.KEY_MALFORMED);
    assertThat(
            failure(
                () -> SvidPem.load(file, ca.bundle(), clock.instant(), leaf -> Optional.of(wrong))))
        .isEqualTo(SvidFailure.KEY_MISMATCH);
  }

  private interface Load {
    SvidCredentials run() throws Exception;
  }

  private static SvidFailure failure(Load load) throws Exception {
    try {
      load.run();
    } catch (SvidException e) {
      return e.failure();
    }
    throw new AssertionError("the SVID file loaded");
  }
}
