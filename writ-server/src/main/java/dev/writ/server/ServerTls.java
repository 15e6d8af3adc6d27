package dev.writ.server;

import dev.writ.core.SpiffeId;
import dev.writ.identity.svid.SpiffeCa;
import dev.writ.identity.svid.SvidCredentials;
import dev.writ.identity.svid.SvidException;
import dev.writ.identity.tls.ClientAuth;
import dev.writ.identity.tls.MtlsContexts;
import dev.writ.identity.tls.PeerCheck;
import dev.writ.identity.tls.RefusalListener;
import dev.writ.identity.tls.SvidKeyManager;
import dev.writ.identity.tls.SvidPeerTrustManager;
import dev.writ.identity.tls.SvidServerTrustManager;
import dev.writ.state.PeerTls;
import java.io.IOException;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The server's one listener, TLS 1.3 (docs/spec/api.md section 1, enrollment.md section 7,
 * svid.md): a server certificate issued at start by the server's own SPIFFE CA for {@code
 * spiffe://<td>/writ/server} (and the listen address), a fresh P-256 key that never leaves memory,
 * and a trust manager that validates any client SVID and runs the node registry's {@link PeerCheck}
 * on every handshake. Client certificates are requested, not required: operator routes are
 * authorized by writs, node routes check for a node certificate.
 *
 * <p>Not thread-safe to build; the connector it makes is.
 */
final class ServerTls {
  /** The server certificate's lifetime; it is issued again at every start. */
  static final Duration SERVER_CERT_TTL = Duration.ofDays(7);

  private final SpiffeCa ca;
  private final SvidCredentials credentials;
  private final SecureRandom random;

  private ServerTls(SpiffeCa ca, SvidCredentials credentials, SecureRandom random) {
    this.ca = ca;
    this.credentials = credentials;
    this.random = random;
  }

  /** The server's SPIFFE ID in {@code trustDomain}. */
  static SpiffeId serverId(String trustDomain) {
    return new SpiffeId(trustDomain, "/writ/server");
  }

  static ServerTls create(SpiffeCa ca, ServerConfig config, SecureRandom random)
      throws IOException {
    try {
      String host = config.listenHost();
      List<String> dnsNames =
          isAddressLiteral(host) || host.equals("localhost")
              ? List.of("localhost")
              : List.of("localhost", host);
      List<InetAddress> ips =
          Arrays.stream(InetAddress.getAllByName(host))
              .filter(a -> !a.isAnyLocalAddress())
              .toList();
      SvidCredentials credentials =
          ca.issueServerCredentials(
              serverId(config.root().contents().trustDomain()),
              dnsNames,
              ips,
              SERVER_CERT_TTL,
              random);
      return new ServerTls(ca, credentials, random);
    } catch (SvidException | IllegalArgumentException e) {
      throw new IOException("cannot make the server's TLS certificate: " + e.getMessage(), e);
    }
  }

  /** An IPv4 or IPv6 address written as such, not a name to resolve. */
  private static boolean isAddressLiteral(String host) {
    try {
      InetAddress.ofLiteral(host);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  ServerConnector connector(
      Server server, PeerCheck peerCheck, RefusalListener refusals, Clock clock)
      throws IOException {
    SSLContext context;
    try {
      context =
          MtlsContexts.server(
              SvidKeyManager.of(credentials),
              new SvidServerTrustManager(ca::bundle, clock, peerCheck, refusals),
              random);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot build the TLS context", e);
    }
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setSslContext(context);
    ssl.setIncludeProtocols(MtlsContexts.PROTOCOL);
    ssl.setIncludeCipherSuites(MtlsContexts.CIPHER_SUITES.toArray(String[]::new));
    ssl.setWantClientAuth(MtlsContexts.serverParameters(ClientAuth.WANT).getWantClientAuth());
    ssl.setSniRequired(false);
    ssl.setEndpointIdentificationAlgorithm(null);
    HttpConfiguration http = new HttpConfiguration();
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false); // clients authenticate the server by SPIFFE ID, not host name
    http.addCustomizer(secure);
    return new ServerConnector(
        server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http));
  }

  /**
   * The mutual TLS credentials of this process's state peer (ADR 0011, "Transport"): a certificate
   * for {@code spiffe://<td>/writ/peer/<peerId>} (and {@code raftHost}'s addresses) from the same
   * CA, a fresh key, and a trust manager that accepts only other peers' certificates, so neither a
   * node SVID nor the client-facing server certificate can reach the Raft port.
   */
  PeerTls peerTls(String trustDomain, String peerId, String raftHost, Clock clock)
      throws IOException {
    try {
      List<InetAddress> ips =
          Arrays.stream(InetAddress.getAllByName(raftHost))
              .filter(a -> !a.isAnyLocalAddress())
              .toList();
      SvidCredentials peer =
          ca.issueServerCredentials(
              SvidPeerTrustManager.peerId(trustDomain, peerId),
              List.of("localhost"),
              ips,
              SERVER_CERT_TTL,
              random);
      return new PeerTls(
          SvidKeyManager.of(peer),
          new SvidPeerTrustManager(ca::bundle, clock, RefusalListener.NONE));
    } catch (SvidException | IllegalArgumentException e) {
      throw new IOException("cannot make the state peer's TLS certificate: " + e.getMessage(), e);
    }
  }
}
