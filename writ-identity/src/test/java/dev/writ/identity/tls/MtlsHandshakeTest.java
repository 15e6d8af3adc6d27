package dev.writ.identity.tls;

import static dev.writ.identity.svid.SvidTestKit.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.SpiffeId;
import dev.writ.identity.svid.SpiffeCa;
import dev.writ.identity.svid.SvidCredentials;
import dev.writ.identity.svid.SvidTestKit;
import dev.writ.identity.svid.X509Svid;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real TLS 1.3 handshakes over loopback sockets between the server and client contexts. */
class MtlsHandshakeTest {
  private static final SpiffeId SERVER = SvidTestKit.id("/writ/server");
  private static final SpiffeId NODE = SvidTestKit.id("/node/a");

  private final SvidTestKit.TestClock serverClock = new SvidTestKit.TestClock(T0);
  private final SvidTestKit.TestClock clientClock = new SvidTestKit.TestClock(T0);
  private final SpiffeCa ca = SvidTestKit.newCa(serverClock);
  private final SvidCredentials serverCreds =
      SvidTestKit.serverCredentials(ca, SERVER, Duration.ofDays(1));
  private final SvidCredentials nodeCreds = SvidTestKit.credentials(ca, NODE, Duration.ofHours(1));
  private final Registry registry = new Registry();
  private final List<Refusal> serverRefusals = new CopyOnWriteArrayList<>();
  private final List<Refusal> clientRefusals = new CopyOnWriteArrayList<>();
  private final SvidKeyManager serverKeys = SvidKeyManager.of(serverCreds);
  private Loopback loopback;

  /** What the server's check will do: the node registry and the revocation epoch. */
  static final class Registry implements PeerCheck {
    final Map<SpiffeId, BigInteger> enrolled = new ConcurrentHashMap<>();
    volatile RevocationEpoch epoch = RevocationEpoch.NONE;
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public void check(X509Svid peer) throws PeerRefusedException {
      calls.incrementAndGet();
      if (!peer.serial().equals(enrolled.get(peer.id()))) {
        throw new PeerRefusedException(PeerRefusal.UNKNOWN_NODE, peer.id() + " is not enrolled");
      }
      if (epoch.revoked(peer.serial())) {
        throw new PeerRefusedException(
            PeerRefusal.REVOKED, "serial revoked at epoch " + epoch.epoch());
      }
    }
  }

  @AfterEach
  void close() throws Exception {
    if (loopback != null) {
      loopback.close();
    }
  }

  private SSLContext serverContext() throws GeneralSecurityException {
    return MtlsContexts.server(
        serverKeys,
        new SvidServerTrustManager(ca::bundle, serverClock, registry, serverRefusals::add),
        new SecureRandom());
  }

  private SSLContext clientContext(SvidKeyManager keys, SpiffeId expected)
      throws GeneralSecurityException {
    return MtlsContexts.client(
        keys,
        new SvidClientTrustManager(ca::bundle, clientClock, expected, clientRefusals::add),
        new SecureRandom());
  }

  private SSLContext nodeClient() throws GeneralSecurityException {
    return clientContext(SvidKeyManager.of(nodeCreds), SERVER);
  }

  private Loopback start(ClientAuth auth) throws Exception {
    loopback = new Loopback(serverContext(), auth);
    return loopback;
  }

  private static void assertRefusedAt(Loopback.ServerSide s, PeerRefusal code) {
    assertThat(s.failure()).isPresent();
    assertThat(s.failure().get()).isInstanceOf(SSLHandshakeException.class);
    assertThat(causes(s.failure().get())).anySatisfy(m -> assertThat(m).startsWith(code + ": "));
  }

  private static List<String> causes(Throwable t) {
    List<String> messages = new java.util.ArrayList<>();
    for (Throwable c = t; c != null && messages.size() < 10; c = c.getCause()) {
      messages.add(String.valueOf(c.getMessage()));
    }
    return messages;
  }

  private void enroll(SvidCredentials c) {
    registry.enrolled.put(c.svid().id(), c.svid().serial());
  }

  @Test
  void handshake_enrolledNode_acceptedBothWays() throws Exception {
    enroll(nodeCreds);
    Loopback lb = start(ClientAuth.NEED);
    Loopback.ClientSide client = lb.connect(nodeClient());
    assertThat(client.line()).contains("ok " + NODE);
    assertThat(client.serverLeaf().map(Loopback::serial)).contains(serverCreds.svid().serial());
    Loopback.ServerSide server = lb.next();
    assertThat(server.failure()).isEmpty();
    assertThat(server.clientLeaf().map(Loopback::serial)).contains(nodeCreds.svid().serial());
    assertThat(registry.calls.get()).isEqualTo(1);
    assertThat(serverRefusals).isEmpty();
    assertThat(clientRefusals).isEmpty();
  }

  @Test
  void handshake_unknownNode_refusedAtConnect() throws Exception {
    Loopback lb = start(ClientAuth.NEED);
    Loopback.ClientSide client = lb.connect(nodeClient());
    assertThat(client.line()).isEmpty();
    assertRefusedAt(lb.next(), PeerRefusal.UNKNOWN_NODE);
    assertThat(serverRefusals)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.code()).isEqualTo(PeerRefusal.UNKNOWN_NODE);
              assertThat(r.claimedId()).contains(NODE);
              assertThat(r.serial()).contains(nodeCreds.svid().serial());
            });
  }

  @Test
  void handshake_revokedSerial_refusedAtConnect() throws Exception {
    enroll(nodeCreds);
    registry.epoch = RevocationEpoch.NONE.revoke(nodeCreds.svid().serial());
    Loopback lb = start(ClientAuth.NEED);
    assertThat(lb.connect(nodeClient()).line()).isEmpty();
    assertRefusedAt(lb.next(), PeerRefusal.REVOKED);
    assertThat(serverRefusals).extracting(Refusal::code).containsExactly(PeerRefusal.REVOKED);
  }

  @Test
  void handshake_expiredClientSvid_refusedAtConnect() throws Exception {
    enroll(nodeCreds);
    Loopback lb = start(ClientAuth.NEED);
    serverClock.advance(Duration.ofHours(2)); // the node SVID lives 1 h, the server's 1 day
    assertThat(lb.connect(nodeClient()).line()).isEmpty();
    assertRefusedAt(lb.next(), PeerRefusal.SVID_EXPIRED);
    assertThat(registry.calls.get()).isZero();
  }

  @Test
  void handshake_svidOfAnotherCa_refusedAtConnect() throws Exception {
    SpiffeCa other = SvidTestKit.newCa(serverClock);
    SvidCredentials foreign = SvidTestKit.credentials(other, NODE, Duration.ofHours(1));
    registry.enrolled.put(NODE, foreign.svid().serial());
    Loopback lb = start(ClientAuth.NEED);
    assertThat(lb.connect(clientContext(SvidKeyManager.of(foreign), SERVER)).line()).isEmpty();
    assertRefusedAt(lb.next(), PeerRefusal.SVID_UNTRUSTED);
    assertThat(registry.calls.get()).isZero();
  }

  @Test
  void handshake_wrongServerId_refusedByClient() throws Exception {
    enroll(nodeCreds);
    Loopback lb = start(ClientAuth.NEED);
    Loopback.ClientSide client =
        lb.connect(clientContext(SvidKeyManager.of(nodeCreds), SvidTestKit.id("/writ/other")));
    assertThat(client.failure()).isPresent();
    assertThat(causes(client.failure().get()))
        .anySatisfy(m -> assertThat(m).startsWith(PeerRefusal.WRONG_PEER_ID + ": "));
    assertThat(clientRefusals)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.code()).isEqualTo(PeerRefusal.WRONG_PEER_ID);
              assertThat(r.claimedId()).contains(SERVER);
            });
    assertThat(lb.next().failure()).isPresent();
    assertThat(registry.calls.get()).isZero();
  }

  @Test
  void handshake_serverOfAnotherCa_refusedByClient() throws Exception {
    SpiffeCa other = SvidTestKit.newCa(serverClock);
    serverKeys.update(SvidTestKit.serverCredentials(other, SERVER, Duration.ofDays(1)));
    enroll(nodeCreds);
    Loopback lb = start(ClientAuth.NEED);
    assertThat(lb.connect(nodeClient()).line()).isEmpty();
    assertThat(clientRefusals)
        .extracting(Refusal::code)
        .containsExactly(PeerRefusal.SVID_UNTRUSTED);
  }

  @Test
  void handshake_noClientCertOnNeedPort_refused() throws Exception {
    Loopback lb = start(ClientAuth.NEED);
    Loopback.ClientSide client = lb.connect(clientContext(SvidKeyManager.empty(), SERVER));
    assertThat(client.line()).isEmpty();
    Loopback.ServerSide server = lb.next();
    assertThat(server.failure()).isPresent();
    assertThat(server.clientLeaf()).isEmpty();
    assertThat(registry.calls.get()).isZero();
  }

  @Test
  void handshake_noClientCertOnWantPort_connectsUnauthenticated() throws Exception {
    Loopback lb = start(ClientAuth.WANT);
    Loopback.ClientSide client = lb.connect(clientContext(SvidKeyManager.empty(), SERVER));
    assertThat(client.line()).contains("ok anon");
    assertThat(lb.next().clientLeaf()).isEmpty();
    assertThat(registry.calls.get()).isZero();
  }

  @Test
  void handshake_unknownNodeOnWantPort_refusedNotDowngraded() throws Exception {
    Loopback lb = start(ClientAuth.WANT);
    assertThat(lb.connect(nodeClient()).line()).isEmpty();
    assertRefusedAt(lb.next(), PeerRefusal.UNKNOWN_NODE);
  }

  @Test
  void resumption_secondConnectionRunsTheCheckAgain() throws Exception {
    enroll(nodeCreds);
    Loopback lb = start(ClientAuth.NEED);
    SSLContext client = nodeClient(); // one client context: it would offer to resume
    assertThat(lb.connect(client).line()).contains("ok " + NODE);
    assertThat(lb.next().failure()).isEmpty();
    assertThat(lb.connect(client).line()).contains("ok " + NODE);
    assertThat(lb.next().failure()).isEmpty();
    assertThat(registry.calls.get()).isEqualTo(2);
  }

  @Test
  void resumption_revokedBetweenConnections_secondRefused() throws Exception {
    enroll(nodeCreds);
    Loopback lb = start(ClientAuth.NEED);
    SSLContext client = nodeClient();
    assertThat(lb.connect(client).line()).contains("ok " + NODE);
    assertThat(lb.next().failure()).isEmpty();

    registry.epoch = registry.epoch.revoke(nodeCreds.svid().serial());

    assertThat(lb.connect(client).line()).isEmpty();
    assertRefusedAt(lb.next(), PeerRefusal.REVOKED);
  }

  @Test
  void credentials_swappedAsOneSnapshot_newHandshakesPresentTheRenewedSvid() throws Exception {
    enroll(nodeCreds);
    Loopback lb = start(ClientAuth.NEED);
    SvidKeyManager nodeKeys = SvidKeyManager.of(nodeCreds);
    SSLContext client = clientContext(nodeKeys, SERVER);
    assertThat(lb.connect(client).serverLeaf().map(Loopback::serial))
        .contains(serverCreds.svid().serial());
    lb.next();

    SvidCredentials renewedServer = SvidTestKit.serverCredentials(ca, SERVER, Duration.ofDays(1));
    SvidCredentials renewedNode = SvidTestKit.credentials(ca, NODE, Duration.ofHours(1));
    serverKeys.update(renewedServer);
    nodeKeys.update(renewedNode);
    enroll(renewedNode);

    Loopback.ClientSide second = lb.connect(client);
    assertThat(second.serverLeaf().map(Loopback::serial)).contains(renewedServer.svid().serial());
    assertThat(lb.next().clientLeaf().map(Loopback::serial)).contains(renewedNode.svid().serial());
  }

  @Test
  void tls12_refusedEvenWhenTheServerSocketAllowsIt() throws Exception {
    enroll(nodeCreds);
    SSLServerSocket misconfigured =
        MtlsContexts.serverSocket(
            serverContext(), ClientAuth.NEED, InetAddress.getLoopbackAddress(), 0, 4);
    misconfigured.setEnabledProtocols(new String[] {"TLSv1.2"});
    misconfigured.setEnabledCipherSuites(new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"});
    loopback = new Loopback(misconfigured);
    SSLContext client = nodeClient();
    javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) client.getSocketFactory().createSocket();
    try (s) {
      s.setEnabledProtocols(new String[] {"TLSv1.2"});
      s.connect(
          new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), loopback.port()),
          15_000);
      s.setSoTimeout(15_000);
      s.startHandshake();
      s.getInputStream().read();
    } catch (IOException expected) {
      // the client's own trust manager refuses TLS 1.2 first
    }
    assertThat(clientRefusals).extracting(Refusal::code).containsExactly(PeerRefusal.TLS_VERSION);
    assertThat(loopback.next().failure()).isPresent();
    assertThat(registry.calls.get()).isZero();
  }

  @Test
  void contexts_offerOnlyTls13AndTheListedSuites() throws Exception {
    assertThat(MtlsContexts.serverParameters(ClientAuth.NEED).getProtocols())
        .containsExactly("TLSv1.3");
    assertThat(MtlsContexts.serverParameters(ClientAuth.NEED).getNeedClientAuth()).isTrue();
    assertThat(MtlsContexts.serverParameters(ClientAuth.WANT).getWantClientAuth()).isTrue();
    assertThat(MtlsContexts.serverParameters(ClientAuth.WANT).getNeedClientAuth()).isFalse();
    assertThat(MtlsContexts.clientParameters().getCipherSuites())
        .containsExactlyElementsOf(MtlsContexts.CIPHER_SUITES);
    assertThat(MtlsContexts.clientParameters().getEndpointIdentificationAlgorithm()).isNull();
    assertThat(Optional.ofNullable(serverContext().getSupportedSSLParameters().getCipherSuites()))
        .hasValueSatisfying(
            s -> assertThat(s).contains(MtlsContexts.CIPHER_SUITES.toArray(String[]::new)));
  }
}
