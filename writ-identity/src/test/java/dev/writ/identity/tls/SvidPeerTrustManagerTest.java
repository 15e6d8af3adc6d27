package dev.writ.identity.tls;

import static dev.writ.identity.svid.SvidTestKit.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.core.SpiffeId;
import dev.writ.identity.svid.SpiffeCa;
import dev.writ.identity.svid.SvidCredentials;
import dev.writ.identity.svid.SvidTestKit;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;

/**
 * The Raft peers' trust manager, both ends of in-memory TLS 1.3 handshakes: a peer SVID is
 * accepted; a node SVID, the client-facing server certificate, another CA's peer SVID and an
 * expired peer SVID are refused, whichever end presents them.
 */
class SvidPeerTrustManagerTest {
  private static final SpiffeId PEER_A = SvidTestKit.id("/writ/peer/p0");
  private static final SpiffeId PEER_B = SvidTestKit.id("/writ/peer/p1");

  private final SvidTestKit.TestClock clock = new SvidTestKit.TestClock(T0);
  private final SpiffeCa ca = SvidTestKit.newCa(clock);
  private final List<Refusal> refusals = new CopyOnWriteArrayList<>();

  private SSLContext context(SvidCredentials presented) throws GeneralSecurityException {
    return MtlsContexts.peer(
        SvidKeyManager.of(presented),
        new SvidPeerTrustManager(ca::bundle, clock, refusals::add),
        new SecureRandom());
  }

  private SvidCredentials peer(SpiffeCa issuer, SpiffeId id) {
    return SvidTestKit.serverCredentials(issuer, id, Duration.ofHours(1));
  }

  private void handshake(SvidCredentials client, SvidCredentials server)
      throws SSLException, GeneralSecurityException {
    SSLEngine c = context(client).createSSLEngine("127.0.0.1", 7400);
    c.setUseClientMode(true);
    c.setSSLParameters(MtlsContexts.clientParameters());
    EnginePump.run(c, MtlsContexts.serverEngine(context(server), ClientAuth.NEED));
  }

  @Test
  void peerId_isWritPeerPath() {
    assertThat(SvidPeerTrustManager.peerId("example.org", "p-1"))
        .isEqualTo(new SpiffeId("example.org", "/writ/peer/p-1"));
    assertThat(SvidPeerTrustManager.isPeer(PEER_A)).isTrue();
    assertThat(SvidPeerTrustManager.isPeer(SvidTestKit.id("/writ/peers"))).isFalse();
    assertThat(SvidPeerTrustManager.isPeer(SvidTestKit.id("/writ/peer/a/b"))).isFalse();
    assertThat(SvidPeerTrustManager.isPeer(SvidTestKit.id("/writ/server"))).isFalse();
    assertThat(SvidPeerTrustManager.isPeer(SvidTestKit.id("/node/a"))).isFalse();
    assertThatThrownBy(() -> SvidPeerTrustManager.peerId("example.org", "a/b"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void handshake_twoPeers_accepted() throws Exception {
    handshake(peer(ca, PEER_A), peer(ca, PEER_B));
    assertThat(refusals).isEmpty();
  }

  @Test
  void handshake_nodeSvidAsClient_refusedByServerPeer() {
    SvidCredentials node =
        SvidTestKit.credentials(ca, SvidTestKit.id("/node/a"), Duration.ofHours(1));
    assertThatThrownBy(() -> handshake(node, peer(ca, PEER_B))).isInstanceOf(SSLException.class);
    assertThat(refusals).extracting(Refusal::code).containsExactly(PeerRefusal.WRONG_PEER_ID);
    assertThat(refusals.getFirst().claimedId()).contains(SvidTestKit.id("/node/a"));
  }

  @Test
  void handshake_clientFacingServerCertAsClient_refused() {
    SvidCredentials server = peer(ca, SvidTestKit.id("/writ/server"));
    assertThatThrownBy(() -> handshake(server, peer(ca, PEER_B))).isInstanceOf(SSLException.class);
    assertThat(refusals).extracting(Refusal::code).containsExactly(PeerRefusal.WRONG_PEER_ID);
  }

  @Test
  void handshake_nodeSvidAsServer_refusedByClientPeer() {
    SvidCredentials node =
        SvidTestKit.credentials(ca, SvidTestKit.id("/node/a"), Duration.ofHours(1));
    assertThatThrownBy(() -> handshake(peer(ca, PEER_A), node)).isInstanceOf(SSLException.class);
    assertThat(refusals).extracting(Refusal::code).containsExactly(PeerRefusal.WRONG_PEER_ID);
  }

  @Test
  void handshake_peerOfAnotherCa_refused() {
    SpiffeCa other = SvidTestKit.newCa(clock);
    assertThatThrownBy(() -> handshake(peer(other, PEER_A), peer(ca, PEER_B)))
        .isInstanceOf(SSLException.class);
    assertThat(refusals).extracting(Refusal::code).containsExactly(PeerRefusal.SVID_UNTRUSTED);
  }

  @Test
  void handshake_expiredPeer_refused() {
    SvidCredentials a = peer(ca, PEER_A);
    SvidCredentials b = SvidTestKit.serverCredentials(ca, PEER_B, Duration.ofDays(2));
    clock.advance(Duration.ofDays(1));
    assertThatThrownBy(() -> handshake(a, b)).isInstanceOf(SSLException.class);
    assertThat(refusals).extracting(Refusal::code).containsExactly(PeerRefusal.SVID_EXPIRED);
  }

  @Test
  void withoutSocketOrEngine_refusesBothWays() {
    SvidPeerTrustManager tm = new SvidPeerTrustManager(ca::bundle, clock, refusals::add);
    X509Certificate[] chain = peer(ca, PEER_A).svid().chain().toArray(X509Certificate[]::new);
    assertThatThrownBy(() -> tm.checkClientTrusted(chain, "EC"))
        .isInstanceOf(CertificateException.class);
    assertThatThrownBy(() -> tm.checkServerTrusted(chain, "EC"))
        .isInstanceOf(CertificateException.class);
    assertThat(tm.getAcceptedIssuers()).containsExactly(ca.certificate());
  }
}
