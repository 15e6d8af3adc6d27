package dev.writ.identity.tls;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A TLS server on 127.0.0.1 that handshakes each connection, answers one line ("ok" and the
 * client's SPIFFE ID or "anon") and closes; and the client side of it. Timeouts bound every wait.
 */
final class Loopback implements AutoCloseable {
  static final int TIMEOUT_MS = 15_000;

  /** What the server saw on one connection: the client's leaf if any, or the failure. */
  record ServerSide(Optional<X509Certificate> clientLeaf, Optional<IOException> failure) {}

  /** What the client saw: the server's line and leaf, or the failure. */
  record ClientSide(
      Optional<String> line, Optional<X509Certificate> serverLeaf, Optional<IOException> failure) {}

  private final SSLServerSocket server;
  private final Thread acceptor;
  private final BlockingQueue<ServerSide> seen = new LinkedBlockingQueue<>();

  Loopback(SSLContext context, ClientAuth auth) throws IOException {
    this(MtlsContexts.serverSocket(context, auth, InetAddress.getLoopbackAddress(), 0, 16));
  }

  Loopback(SSLServerSocket server) {
    this.server = server;
    this.acceptor = Thread.ofPlatform().daemon().name("loopback-tls").start(this::acceptLoop);
  }

  int port() {
    return server.getLocalPort();
  }

  /** The next connection's server-side outcome. */
  ServerSide next() throws InterruptedException {
    ServerSide s = seen.poll(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    if (s == null) {
      throw new AssertionError("the server saw no connection in time");
    }
    return s;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try (SSLSocket s = (SSLSocket) server.accept()) {
        s.setSoTimeout(TIMEOUT_MS);
        try {
          s.startHandshake();
          Optional<X509Certificate> leaf = peerLeaf(s);
          String who =
              leaf.flatMap(l -> dev.writ.identity.svid.SvidValidator.claimedId(l))
                  .map(Object::toString)
                  .orElse("anon");
          OutputStream out = s.getOutputStream();
          out.write(("ok " + who + "\n").getBytes(StandardCharsets.US_ASCII));
          out.flush();
          seen.add(new ServerSide(leaf, Optional.empty()));
        } catch (IOException e) {
          seen.add(new ServerSide(Optional.empty(), Optional.of(e)));
        }
      } catch (SocketException e) {
        return; // closed
      } catch (IOException e) {
        seen.add(new ServerSide(Optional.empty(), Optional.of(e)));
      }
    }
  }

  private static Optional<X509Certificate> peerLeaf(SSLSocket s) {
    try {
      return Optional.of((X509Certificate) s.getSession().getPeerCertificates()[0]);
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }

  /** Connects, handshakes and reads the server's line. */
  ClientSide connect(SSLContext client) {
    try (SSLSocket s = MtlsContexts.clientSocket(client)) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()), TIMEOUT_MS);
      s.setSoTimeout(TIMEOUT_MS);
      s.startHandshake();
      X509Certificate serverLeaf = (X509Certificate) s.getSession().getPeerCertificates()[0];
      String line =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
              .readLine();
      return new ClientSide(Optional.ofNullable(line), Optional.of(serverLeaf), Optional.empty());
    } catch (IOException e) {
      return new ClientSide(Optional.empty(), Optional.empty(), Optional.of(e));
    }
  }

  static BigInteger serial(X509Certificate c) {
    return c.getSerialNumber();
  }

  @Override
  public void close() throws IOException {
    server.close();
    try {
      acceptor.join(TIMEOUT_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
