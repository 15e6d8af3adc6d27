package dev.writ.bench;

import dev.writ.identity.tls.ClientAuth;
import dev.writ.identity.tls.MtlsContexts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A loopback mTLS server for the handshake benchmark: accepts one connection at a time, completes
 * the handshake, writes one byte and closes. The first failure is kept for the benchmark to report.
 */
final class HandshakeServer implements AutoCloseable {
  private static final int TIMEOUT_MS = 10_000;

  private final SSLServerSocket server;
  private final Thread acceptor;
  private final AtomicReference<IOException> failure = new AtomicReference<>();

  HandshakeServer(SSLContext context, String name) throws IOException {
    server =
        MtlsContexts.serverSocket(
            context, ClientAuth.NEED, InetAddress.getLoopbackAddress(), 0, 64);
    acceptor = Thread.ofPlatform().daemon().name("handshake-" + name).start(this::serve);
  }

  int port() {
    return server.getLocalPort();
  }

  /** The first connection that failed on the server side, if any. */
  IOException failure() {
    return failure.get();
  }

  private void serve() {
    while (!server.isClosed()) {
      try (SSLSocket s = (SSLSocket) server.accept()) {
        s.setSoTimeout(TIMEOUT_MS);
        s.setTcpNoDelay(true); // no delayed-ACK stalls between TLS flights
        s.startHandshake();
        OutputStream out = s.getOutputStream();
        out.write(1);
        out.flush();
      } catch (SocketException e) {
        if (!server.isClosed()) {
          failure.compareAndSet(null, e);
        }
      } catch (IOException e) {
        failure.compareAndSet(null, e);
      }
    }
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
