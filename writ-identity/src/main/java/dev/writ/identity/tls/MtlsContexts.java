package dev.writ.identity.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * Builds Writ's mutual TLS 1.3 contexts and the parameters every endpoint applies (docs/spec/
 * svid.md, "TLS profile").
 *
 * <p>Protocol: TLS 1.3 only ({@value #PROTOCOL}); the trust managers also refuse any other
 * negotiated version, so a server whose parameters were not applied still fails closed. Cipher
 * suites: {@link #CIPHER_SUITES}, the three of RFC 8446 section 9.1 the JDK offers (AES-GCM and
 * ChaCha20-Poly1305 AEADs; CCM suites excluded). Key exchange groups and signature schemes are the
 * JDK's TLS 1.3 defaults. Session resumption: the trust managers invalidate each handshake session
 * after checking it, so no session ticket is issued and every connection is a full handshake with
 * the peer check.
 *
 * <p>The {@link SSLContext}s returned are thread-safe, as the JDK's are; parameters are copies.
 */
public final class MtlsContexts {
  /** The only protocol version. */
  public static final String PROTOCOL = "TLSv1.3";

  /** TLS 1.3 cipher suites, in preference order. */
  public static final List<String> CIPHER_SUITES =
      List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

  private MtlsContexts() {}

  /** A server context presenting {@code keys} and checking clients with {@code trust}. */
  public static SSLContext server(
      SvidKeyManager keys, SvidServerTrustManager trust, SecureRandom random)
      throws GeneralSecurityException {
    return context(keys, trust, random);
  }

  /**
   * A client context checking the server with {@code trust} and presenting {@code keys} when it
   * holds credentials ({@link SvidKeyManager#empty()} for a client without an SVID).
   */
  public static SSLContext client(
      SvidKeyManager keys, SvidClientTrustManager trust, SecureRandom random)
      throws GeneralSecurityException {
    return context(keys, trust, random);
  }

  /**
   * A context for both ends of a link between server peers: it presents {@code keys} and checks the
   * other end, client or server, with {@code trust}.
   */
  public static SSLContext peer(
      SvidKeyManager keys, SvidPeerTrustManager trust, SecureRandom random)
      throws GeneralSecurityException {
    return context(keys, trust, random);
  }

  /** Server parameters: TLS 1.3, {@link #CIPHER_SUITES}, and the client authentication mode. */
  public static SSLParameters serverParameters(ClientAuth clientAuth) {
    SSLParameters p = base();
    switch (clientAuth) {
      case NEED -> p.setNeedClientAuth(true);
      case WANT -> p.setWantClientAuth(true);
    }
    return p;
  }

  /** Client parameters: TLS 1.3 and {@link #CIPHER_SUITES}; no host name verification. */
  public static SSLParameters clientParameters() {
    return base();
  }

  /** A listening server socket on {@code address}:{@code port} with the server parameters. */
  public static SSLServerSocket serverSocket(
      SSLContext context, ClientAuth clientAuth, InetAddress address, int port, int backlog)
      throws IOException {
    SSLServerSocket socket =
        (SSLServerSocket)
            context.getServerSocketFactory().createServerSocket(port, backlog, address);
    socket.setSSLParameters(serverParameters(clientAuth));
    return socket;
  }

  /**
   * An unconnected client socket with the client parameters and TCP_NODELAY (a TLS 1.3 handshake is
   * several small flights; with Nagle and delayed ACKs each connection can stall ~40 ms).
   */
  public static SSLSocket clientSocket(SSLContext context) throws IOException {
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
    socket.setTcpNoDelay(true);
    socket.setSSLParameters(clientParameters());
    return socket;
  }

  /** A server engine (for servers built on {@link SSLEngine}, e.g. Jetty) with the parameters. */
  public static SSLEngine serverEngine(SSLContext context, ClientAuth clientAuth) {
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(false);
    engine.setSSLParameters(serverParameters(clientAuth));
    return engine;
  }

  private static SSLParameters base() {
    SSLParameters p = new SSLParameters();
    p.setProtocols(new String[] {PROTOCOL});
    p.setCipherSuites(CIPHER_SUITES.toArray(String[]::new));
    return p;
  }

  private static SSLContext context(KeyManager keys, TrustManager trust, SecureRandom random)
      throws GeneralSecurityException {
    SSLContext context = SSLContext.getInstance(PROTOCOL);
    context.init(new KeyManager[] {keys}, new TrustManager[] {trust}, random);
    return context;
  }
}
