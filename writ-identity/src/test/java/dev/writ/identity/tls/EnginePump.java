package dev.writ.identity.tls;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * Runs a TLS handshake between a client and a server {@link SSLEngine} in memory, then sends one
 * application byte each way, so that TLS 1.3's post-handshake messages (the server's session
 * ticket, a refusal alert) are exchanged too. Bounded in steps.
 */
final class EnginePump {
  private static final int MAX_STEPS = 500;

  private EnginePump() {}

  /** Completes the exchange or throws the first engine failure. */
  static void run(SSLEngine client, SSLEngine server) throws SSLException {
    int size =
        Math.max(
            client.getSession().getPacketBufferSize(), server.getSession().getPacketBufferSize());
    int app =
        Math.max(
            client.getSession().getApplicationBufferSize(),
            server.getSession().getApplicationBufferSize());
    ByteBuffer clientToServer = ByteBuffer.allocate(size * 4);
    ByteBuffer serverToClient = ByteBuffer.allocate(size * 4);
    ByteBuffer clientApp = ByteBuffer.allocate(app * 2);
    ByteBuffer serverApp = ByteBuffer.allocate(app * 2);
    ByteBuffer clientOut = ByteBuffer.wrap(new byte[] {'c'});
    ByteBuffer serverOut = ByteBuffer.wrap(new byte[] {'s'});
    client.beginHandshake();
    server.beginHandshake();
    for (int step = 0; step < MAX_STEPS; step++) {
      step(client, clientOut, clientToServer, serverToClient, clientApp);
      step(server, serverOut, serverToClient, clientToServer, serverApp);
      if (clientApp.position() > 0 && serverApp.position() > 0 && !busy(client) && !busy(server)) {
        return;
      }
      if (client.isOutboundDone() && server.isOutboundDone()) {
        throw new SSLException("both engines closed without exchanging data");
      }
    }
    throw new AssertionError("the handshake did not finish in " + MAX_STEPS + " steps");
  }

  private static boolean busy(SSLEngine e) {
    return e.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING
        && e.getHandshakeStatus() != HandshakeStatus.FINISHED;
  }

  private static void step(
      SSLEngine engine, ByteBuffer appOut, ByteBuffer netOut, ByteBuffer netIn, ByteBuffer appIn)
      throws SSLException {
    SSLEngineResult r = engine.wrap(appOut, netOut);
    runTasks(engine, r);
    netIn.flip();
    try {
      r = engine.unwrap(netIn, appIn);
      runTasks(engine, r);
    } finally {
      netIn.compact();
    }
  }

  private static void runTasks(SSLEngine engine, SSLEngineResult r) {
    if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
      Runnable task;
      while ((task = engine.getDelegatedTask()) != null) {
        task.run();
      }
    }
  }
}
