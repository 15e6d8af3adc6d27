package dev.writ.identity.tls;

import static dev.writ.identity.svid.SvidTestKit.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.core.SpiffeId;
import dev.writ.identity.svid.SpiffeCa;
import dev.writ.identity.svid.SvidCredentials;
import dev.writ.identity.svid.SvidTestKit;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;

/**
 * The same checks on the {@link SSLEngine} path (what Jetty uses), handshakes pumped in memory:
 * accepted, refused, and not resumed past a revocation.
 */
class EngineHandshakeTest {
  private static final SpiffeId SERVER = SvidTestKit.id("/writ/server");
  private static final SpiffeId NODE = SvidTestKit.id("/node/a");

  private final SvidTestKit.TestClock clock = new SvidTestKit.TestClock(T0);
  private final SpiffeCa ca = SvidTestKit.newCa(clock);
  private final SvidCredentials node = SvidTestKit.credentials(ca, NODE, Duration.ofHours(1));
  private final MtlsHandshakeTest.Registry registry = new MtlsHandshakeTest.Registry();
  private final List<Refusal> refusals = new CopyOnWriteArrayList<>();
  private final SSLContext server;
  private final SSLContext client;

  EngineHandshakeTest() throws Exception {
    server =
        MtlsContexts.server(
            SvidKeyManager.of(SvidTestKit.serverCredentials(ca, SERVER, Duration.ofDays(1))),
            new SvidServerTrustManager(ca::bundle, clock, registry, refusals::add),
            new SecureRandom());
    client =
        MtlsContexts.client(
            SvidKeyManager.of(node),
            new SvidClientTrustManager(ca::bundle, clock, SERVER, RefusalListener.NONE),
            new SecureRandom());
  }

  private void handshake() throws SSLException {
    SSLEngine c = client.createSSLEngine("writ.example.org", 443); // a session cache key
    c.setUseClientMode(true);
    c.setSSLParameters(MtlsContexts.clientParameters());
    EnginePump.run(c, MtlsContexts.serverEngine(server, ClientAuth.NEED));
  }

  @Test
  void engine_enrolledNode_accepted() throws SSLException {
    registry.enrolled.put(NODE, node.svid().serial());
    handshake();
    assertThat(registry.calls.get()).isEqualTo(1);
    assertThat(refusals).isEmpty();
  }

  @Test
  void engine_unknownNode_refused() {
    assertThatThrownBy(this::handshake).isInstanceOf(SSLException.class);
    assertThat(refusals).extracting(Refusal::code).containsExactly(PeerRefusal.UNKNOWN_NODE);
  }

  @Test
  void engine_revokedBetweenHandshakes_secondRefused() throws SSLException {
    registry.enrolled.put(NODE, node.svid().serial());
    handshake();
    registry.epoch = registry.epoch.revoke(node.svid().serial());
    assertThatThrownBy(this::handshake).isInstanceOf(SSLException.class);
    assertThat(registry.calls.get()).isEqualTo(2);
    assertThat(refusals).extracting(Refusal::code).containsExactly(PeerRefusal.REVOKED);
  }
}
