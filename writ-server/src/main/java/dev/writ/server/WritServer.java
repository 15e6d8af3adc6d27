package dev.writ.server;

import dev.writ.core.TrustRoot;
import dev.writ.state.RatisSpendLedger;
import dev.writ.state.StateCluster;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The Writ authority over HTTP on loopback: verifies writs against a pinned {@link TrustRoot},
 * spends and audits them in an embedded single-peer {@link StateCluster} whose data lives in a
 * directory, and answers with canonical JSON. Plain HTTP on 127.0.0.1 only in this slice; mTLS
 * (DESIGN.md section 5) comes later.
 *
 * <p>Restarting on the same data directory keeps every spent id spent. Not thread-safe for start
 * and close; request handling is.
 */
public final class WritServer implements AutoCloseable {
  /** The loopback address the server binds; never a wildcard. */
  public static final String HOST = "127.0.0.1";

  /** How long a request waits for the ledger to commit before it is answered 503. */
  static final Duration LEDGER_TIMEOUT = Duration.ofSeconds(10);

  private final StateCluster cluster;
  private final RatisSpendLedger ledger;
  private final Server http;
  private final ServerConnector connector;

  private WritServer(
      StateCluster cluster, RatisSpendLedger ledger, Server http, ServerConnector connector) {
    this.cluster = cluster;
    this.ledger = ledger;
    this.http = http;
    this.connector = connector;
  }

  /**
   * Starts the state peer under {@code dataDir} (new or existing) and the HTTP listener.
   *
   * @param port the TCP port on {@link #HOST}; 0 picks a free one, see {@link #port()}
   * @param root the pinned trust root writs are verified against
   * @param dataDir where the replicated ledger and audit log live
   * @param clock the verification time and the time recorded in audit leaves
   * @throws IOException if either cannot start; whatever started is stopped again
   */
  public static WritServer start(int port, TrustRoot root, Path dataDir, Clock clock)
      throws IOException {
    StateCluster cluster = StateCluster.startEmbedded(dataDir);
    RatisSpendLedger ledger = cluster.newSpendLedger(clock, LEDGER_TIMEOUT);
    Server http = new Server();
    ServerConnector connector = new ServerConnector(http);
    connector.setHost(HOST);
    connector.setPort(port);
    http.addConnector(connector);
    http.setHandler(new Routes(new Authority(root, ledger, clock)));
    WritServer server = new WritServer(cluster, ledger, http, connector);
    try {
      http.start();
    } catch (Exception e) { // Jetty's start() declares Exception
      IOException failure = new IOException("HTTP listener did not start on " + HOST, e);
      try {
        server.close();
      } catch (IOException suppressed) {
        failure.addSuppressed(suppressed);
      }
      throw failure;
    }
    return server;
  }

  /** The bound port. */
  public int port() {
    return connector.getLocalPort();
  }

  /** Stops HTTP first, so no request reaches a closed ledger, then the ledger and the peer. */
  @Override
  public void close() throws IOException {
    IOException failure = null;
    try {
      http.stop();
    } catch (Exception e) { // Jetty's stop() declares Exception
      failure = new IOException("HTTP listener did not stop", e);
    }
    failure = closeQuietly(ledger, failure);
    failure = closeQuietly(cluster, failure);
    if (failure != null) {
      throw failure;
    }
  }

  private static IOException closeQuietly(AutoCloseable c, IOException failure) {
    try {
      c.close();
      return failure;
    } catch (Exception e) { // RatisSpendLedger and StateCluster throw IOException only
      IOException f =
          failure == null ? new IOException("state peer did not stop cleanly") : failure;
      f.addSuppressed(e);
      return f;
    }
  }
}
